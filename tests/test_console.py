"""Every line of output goes through the console: kept in ``kernel.output`` and traced.

The lines a platform writes on its own behalf (a shell that cannot fork, a
server that cannot create a process) are the ones that used to miss the
``print`` event, so the runs here are made to refuse creations.
"""

from __future__ import annotations

import pytest

from osmodel.kernel.manager import make_plugin_manager
from osmodel.kernel.scenario import loads_scenario
from osmodel.kernel.simulation import Simulation, simulate

#: Three user commands under a per-user limit: the last ones are refused.
REFUSED = '''
[scenario]
title = "refused"
[machine.limits]
user_processes = {limit}
[programs.main]
code = """
        print "main", 1
        sleep 50
        exit 0
"""
[[timeline]]
at = 0
user = "main"
[[timeline]]
at = 1
user = "main"
background = true
[[timeline]]
at = 2
user = "main"
background = true
'''


def run(platform: str, limit: int) -> Simulation:
    """``limit`` counts the user's own processes: explorer.exe is one on windows."""
    return simulate(loads_scenario(REFUSED.replace("{limit}", str(limit))), platform=platform,
                    pm=make_plugin_manager(autoload=False))


def printed(sim: Simulation) -> list[tuple[int, int | None, str]]:
    return [(e.time, e.pid, e.info["text"]) for e in sim.recorder.events if e.kind == "print"]


@pytest.mark.parametrize(("platform", "limit", "refusal"), [
    ("unix", 2, "sh: fork: EAGAIN"),
    ("windows", 3, "cannot run main: ERROR_NOT_ENOUGH_QUOTA"),
])
def test_every_output_line_is_a_print_event(platform: str, limit: int, refusal: str) -> None:
    sim = run(platform, limit)
    output = sim.kernel.output
    assert any(refusal in text for *_, text in output)  # the boot path's own line is there
    assert any(text == "main 1" for *_, text in output)  # and a program's
    assert printed(sim) == output


def test_console_write_keeps_the_line_and_traces_it() -> None:
    sim = run("unix", 2)
    kernel = sim.kernel
    before = len(kernel.output)
    kernel.console.write_lines(7, ["one", "two"])
    assert kernel.output[before:] == [(kernel.now, 7, "one"), (kernel.now, 7, "two")]
    assert printed(sim)[-2:] == kernel.output[before:]

"""A three-job schedule run imports neither the scenario loader nor the policies' siblings'
loaders it does not use: pinned so a later import line cannot bring them back silently.

Not a timing (this machine's swing too much): a fresh interpreter runs the
command and reports ``sys.modules`` when it exits.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

#: What ``osmodel schedule --policy fifo --jobs 1,2,3`` has no use for: the scenario loader
#: and runner (and the TOML reader and the temporary-file machinery behind them).
NOT_FOR_A_SMALL_RUN = (
    "osmodel.kernel.scenario",
    "osmodel.kernel.simulation",
    "osmodel.kernel.tomlpos",
    "osmodel.kernel.report",
    "tomllib",
    "importlib.resources",
    "tempfile",
)

PROBE = """
import sys
from osmodel.kernel.cli import main
sys.argv = ["osmodel", *ARGS]
try:
    main()
except SystemExit:
    pass
sys.__stderr__.write("MODULES " + " ".join(sorted(sys.modules)) + "\\n")
"""


def modules_after(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", f"ARGS = {list(args)!r}\n{PROBE}"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("osmodel schedule: ")
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("MODULES ")]
    return set(line.split()[1:])


@pytest.mark.parametrize("args", [
    ("schedule", "--policy", "fifo", "--jobs", "1,2,3"),
    ("schedule", "--policy", "sjf", "--jobs", "3,1,2", "--arrivals", "0,1,2"),
])
def test_a_small_schedule_run_does_not_import_the_scenario_loader(args: tuple[str, ...],
                                                                  ) -> None:
    assert sorted(modules_after(*args) & set(NOT_FOR_A_SMALL_RUN)) == []


def test_the_probe_sees_what_an_option_does_import() -> None:
    # -O values are checked by the scenario loader's rules: the probe can see it imported
    modules = modules_after("schedule", "--policy", "rr", "-O", "quantum=2", "--jobs", "1,2")
    assert {"osmodel.kernel.scenario", "tomllib"} <= modules

"""The bare platform: jobs from outside, the core instructions plus exit, and nothing else."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from conftest import run_cli

from osmodel.kernel.errors import SourceError
from osmodel.kernel.manager import make_plugin_manager
from osmodel.kernel.scenario import loads_scenario
from osmodel.kernel.simulation import Simulation, simulate
from osmodel.platforms.bare import BarePlatform


def osmodel(*args: str) -> tuple[int, str, str]:
    result = run_cli(*args)
    return result.code, result.stdout, result.stderr


def scenario(programs: dict[str, str], timeline: str, machine: str = "") -> Simulation:
    text = "[scenario]\nplatform = \"bare\"\n"
    text += f"[machine]\nscheduler = {{ name = \"rr\", quantum = 3 }}\n{machine}\n"
    for name, code in programs.items():
        text += f'[programs.{name}]\ncode = """\n{code}\n"""\n'
    return simulate(loads_scenario(text + timeline), pm=make_plugin_manager(autoload=False))


def by_name(sim: Simulation) -> dict[str, Any]:
    return {p.name: p for p in sim.processes()}


# -------------------------------------------------------------------------------- the demo


def test_the_demo_is_three_jobs_that_keep_the_cpu_busy() -> None:
    code, out, err = osmodel("--platform", "bare", "demo", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    rows = {p["name"]: (p["cause"], p["times"]["cpu"], p["times"]["blocked"],
                        p["metrics"]["response"], p["metrics"]["turnaround"],
                        p["metrics"]["wait"]) for p in report["processes"]}
    # rr, quantum 3: compile 0-3, editor 3-5 (cpu, issue), backup 5-6 (issue), compile 6-9,
    # backup 9-11 (complete, issue), compile 11-13 (ends), editor 13-15, backup 15-16
    assert rows == {"compile": ("batch", 8, 0, 0, 13, 5),
                    "editor": ("user", 4, 5, 3, 15, 6),
                    "backup": ("batch", 4, 6, 3, 14, 4)}
    summary = report["summary"]
    assert report["clock"] == 16
    assert summary["cpus"][0]["busy"] == 16  # never idle: I/O overlaps the others' computing
    assert summary["io"]["busy"] == 8
    assert [o["text"] for o in report["output"]] == ["compile: done", "editor: done",
                                                     "backup: done"]
    assert all(p["parent"] is None for p in report["processes"])


def test_osmodel_with_the_bare_platform_and_no_command_runs_the_demo() -> None:
    code, out, _ = osmodel("--platform", "bare")
    assert code == 0
    assert "osmodel: bare: three jobs share one CPU under round robin on bare" in out
    assert "causes of creation: boot 0, syscall 0, user 1, batch 2" in out
    assert BarePlatform.demo().startswith("[scenario]")


def test_bare_is_listed_with_the_cyclic_policy() -> None:
    code, out, _ = osmodel("plugins")
    assert code == 0
    platforms = next(line for line in out.splitlines() if line.startswith("platforms:"))
    schedulers = next(line for line in out.splitlines() if line.startswith("schedulers:"))
    assert "bare" in platforms.split(": ")[1].split(", ")
    assert "cyclic" in schedulers.split(": ")[1].split(", ")


# ------------------------------------------------------------------------- what bare is


def test_nothing_runs_before_the_jobs_and_jobs_get_their_arguments() -> None:
    sim = scenario({"show": 'print "args", r0, r1'},
                   "[[timeline]]\nat = 4\nuser = \"show\"\nargs = [3, 4]\n"
                   "[[timeline]]\nat = 6\nbatch = \"show\"\nargs = [5]\n")
    assert sim.kernel.counters.created == 2
    assert sim.kernel.output == [(4, 1, "args 3 4"), (6, 2, "args 5 0")]
    assert [(p.cause, p.creator, p.acct.created) for p in sim.processes()] == [
        ("user", None, 4), ("batch", None, 6)]


def test_a_job_gets_its_scheduling_fields() -> None:
    sim = scenario({"job": "cpu 2"},
                   "[[timeline]]\nat = 0\nbatch = \"job\"\nlength = 2\npriority = 5\n"
                   "tickets = 7\n")
    (proc,) = sim.processes()
    assert (proc.expected, proc.priority, proc.tickets) == (2, 5, 7)


def test_the_ways_a_job_ends() -> None:
    sim = scenario({"ok": "cpu 1", "bad": "exit 3", "crash": "mov 0 -> r1\ndiv 1, r1 -> r2",
                    "loop": "top: cpu 1\njmp top"},
                   "".join(f"[[timeline]]\nat = 0\nbatch = \"{name}\"\n"
                           for name in ("ok", "bad", "crash", "loop"))
                   + "[[timeline]]\nat = 10\nkill = \"loop\"\n")
    ends = {name: (p.exit.kind, p.exit.code, p.exit.reason)
            for name, p in by_name(sim).items() if p.exit is not None}
    assert ends == {"ok": ("normal", 0, "exit"), "bad": ("error", 3, "exit"),
                    "crash": ("fatal", None, "divide_by_zero"),
                    "loop": ("killed", None, "operator kill")}
    assert not sim.kernel.processes  # nobody waits on bare: records go at once


@pytest.mark.parametrize(("call", "says"), [
    ("fork -> r1", "fork is not a bare system call; bare has no process creation: jobs start "
                   "from the timeline (user or batch events)"),
    ("spawn job -> r1", "spawn is not a bare system call"),
    ("wait r1 -> r2", "bare has no hierarchy, so nothing to wait for"),
    ("CreateProcess job -> r1", "createprocess is not a bare system call"),
])
def test_process_calls_of_other_platforms_are_clear_errors(call: str, says: str) -> None:
    with pytest.raises(SourceError, match=re.escape(says)):
        scenario({"main": call, "job": "cpu 1"}, "[[timeline]]\nat = 0\nuser = \"main\"\n")


def test_there_are_no_signals_or_keys() -> None:
    # refused where the timeline entry is written
    with pytest.raises(SourceError, match="bare has no signals: a kill event ends loop") as kill:
        scenario({"loop": "top: cpu 1\njmp top"},
                 "[[timeline]]\nat = 0\nbatch = \"loop\"\n"
                 "[[timeline]]\nat = 2\nkill = \"loop\"\nsignal = \"SIGTERM\"\n")
    with pytest.raises(SourceError, match="platform bare does not handle key events") as key:
        scenario({"job": "cpu 1"},
                 "[[timeline]]\nat = 0\nbatch = \"job\"\n[[timeline]]\nat = 0\nkey = \"ctrl-c\"\n")
    assert kill.value.location.line > 1 and key.value.location.line > 1


def test_a_scenario_runs_on_bare_from_the_command_line(tmp_path: Any) -> None:
    path = tmp_path / "two.toml"
    path.write_text('[scenario]\nplatform = "bare"\n[programs.job]\ncode = "cpu 2"\n'
                    '[[timeline]]\nat = 0\nbatch = "job"\n[[timeline]]\nat = 1\nuser = "job"\n')
    code, out, err = osmodel("run", str(path), "--no-trace", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert [(p["cause"], p["metrics"]["turnaround"]) for p in report["processes"]] == [
        ("batch", 2), ("user", 3)]

"""Runaway budgets: a loop, a fork bomb, a chain of processes or a flood of events stops
cleanly, names the budget that ran out, and is as reproducible as a finished run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli, toy_kernel

from osmodel.kernel.events import Recorder
from osmodel.kernel.kernel import Kernel
from osmodel.kernel.machine import Limits, Machine


def unlimited(**budgets: int | None) -> Machine:
    """Every budget off except those given: each test sees one budget at work."""
    off = dict(time=None, instructions=None, created=None, refused=None, events=None)
    return Machine(limits=Limits(**{**off, **budgets}))


def stopped_by(kernel: Kernel, key: str) -> str:
    reason = kernel.stop_reason
    assert reason is not None and reason.startswith(f"{key} limit reached: ")
    assert f"[machine.limits] {key} = N" in reason  # says how to raise it
    return reason


def test_an_endless_loop_stops_after_its_instruction_budget() -> None:
    kernel = toy_kernel({"spin": "top: jmp top"}, unlimited(instructions=1000))
    (proc,) = [kernel.create("spin", cause="user")]
    kernel.run()
    assert stopped_by(kernel, "instructions").count("1,000 instructions executed") == 1
    assert kernel.counters.instructions == 1000  # the last one completes, no more run
    assert proc.exit is None and kernel.now == 1000


def test_the_instruction_budget_spans_processes_and_slices() -> None:
    machine = unlimited(instructions=501)
    kernel = toy_kernel({"spin": "top: jmp top"}, machine)
    for _ in range(3):
        kernel.create("spin", cause="user")
    kernel.run()
    stopped_by(kernel, "instructions")
    assert kernel.counters.instructions == 501
    kernel.settle()
    assert sum(p.acct.cpu for p in kernel.processes.values()) == 501


def test_a_stopped_run_does_not_resume() -> None:
    kernel = toy_kernel({"spin": "top: jmp top"}, unlimited(instructions=50))
    kernel.create("spin", cause="user")
    kernel.run()
    now, executed = kernel.now, kernel.counters.instructions
    kernel.run()
    assert (kernel.now, kernel.counters.instructions) == (now, executed)


def test_the_events_budget_bounds_what_a_trace_keeps() -> None:
    recorder = Recorder()
    kernel = toy_kernel({"spin": "top: jmp top"}, unlimited(events=300), sinks=(recorder,))
    kernel.create("spin", cause="user")
    kernel.create("spin", cause="user")
    kernel.run()
    stopped_by(kernel, "events")
    assert 300 <= len(recorder.events) <= 305  # the stop itself is the last event kept
    assert recorder.events[-1].kind == "limit"


FORK_BOMB = "top: fork -> r1\n jmp top"


@pytest.fixture
def scenario(tmp_path: Path):
    def write(code: str, limits: str = "", platform: str = "unix") -> Path:
        path = tmp_path / "runaway.toml"
        body = "\n".join(f"    {line}" for line in code.splitlines())
        path.write_text(f'[scenario]\nplatform = "{platform}"\n'
                        f"[machine.limits]\n{limits}\n"
                        f'[programs.m]\ncode = """\n{body}\n"""\n'
                        f'[[timeline]]\nat = 0\nuser = "m"\n')
        return path
    return write


def test_a_fork_bomb_that_keeps_meeting_eagain_is_stopped(scenario) -> None:
    result = run_cli("run", str(scenario(FORK_BOMB, "processes = 64\nrefused = 40")),
                     "--format", "json")
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["stopped"].startswith("refused limit reached: 40 process creations "
                                        "refused, the last because the process table was full")
    assert report["summary"]["processes_created"] <= 64 + 1


def test_a_chain_of_processes_stops_at_the_creation_budget(scenario) -> None:
    chain = "top: fork -> r1\n jz r1, top\n exit 0"
    result = run_cli("run", str(scenario(chain, "created = 30\ntime = false")), "--format", "json")
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["stopped"].startswith("created limit reached: 30 processes created")
    assert report["summary"]["processes_created"] == 30


def test_processes_that_start_each_other_on_windows_stop_at_the_creation_budget(
        tmp_path: Path) -> None:
    path = tmp_path / "pingpong.toml"
    path.write_text('[scenario]\nplatform = "windows"\n[machine.limits]\ncreated = 25\n'
                    "time = false\n"
                    '[programs.ping]\ncode = "CreateProcess pong, FALSE, 0 -> r1, r2\\n'
                    'exit 0"\n'
                    '[programs.pong]\ncode = "CreateProcess ping, FALSE, 0 -> r1, r2\\n'
                    'exit 0"\n'
                    '[[timeline]]\nat = 0\nuser = "ping"\n')
    result = run_cli("run", str(path), "--format", "json")
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["stopped"].startswith("created limit reached: 25 processes created")


@pytest.mark.parametrize("code, budget", [
    ("top: jmp top", "events"),          # no time limit: the trace's budget stops it
    (FORK_BOMB, "refused"),
])
def test_the_default_budgets_stop_the_runaways(scenario, code: str, budget: str) -> None:
    result = run_cli("run", str(scenario(code, "time = false")), "--format", "json")
    assert json.loads(result.stdout)["stopped"].startswith(f"{budget} limit reached")


def test_a_stopped_run_is_byte_for_byte_reproducible(scenario) -> None:
    path = scenario(FORK_BOMB, "processes = 32\nrefused = 20")
    runs = [subprocess.run([sys.executable, "-c", "from osmodel.kernel.cli import main; main()",
                            "run", str(path)],
                           capture_output=True, check=False) for _ in range(2)]
    assert runs[0].returncode == 0, runs[0].stderr
    assert b"refused limit reached" in runs[0].stdout
    assert runs[0].stdout == runs[1].stdout


def test_a_refused_fork_shares_no_pages(scenario) -> None:
    def memory(refused: int) -> dict[str, int]:
        path = scenario(FORK_BOMB, f"processes = 16\nrefused = {refused}")
        report = run_cli("run", str(path), "--format", "json").json()
        assert report["summary"]["processes_created"] < 16 + refused
        return report["summary"]["memory"]

    # twice the refused forks after the table filled, the same copy-on-write shares
    few, many = memory(10), memory(40)
    assert few["cow_shares"] > 0
    assert few["cow_shares"] == many["cow_shares"]


def test_a_fork_bomb_under_rlimit_nproc_is_stopped_too(scenario) -> None:
    report = run_cli("run", str(scenario(FORK_BOMB, "user_processes = 8\nrefused = 25")),
                     "--format", "json").json()
    assert report["stopped"].startswith("refused limit reached: 25 process creations refused,"
                                        " the last because user ")
    assert "RLIMIT_NPROC" in report["stopped"]


def test_a_run_whose_trace_nobody_asked_for_keeps_no_events() -> None:
    from osmodel.kernel.report import build_report
    from osmodel.kernel.scenario import loads_scenario
    from osmodel.kernel.simulation import simulate
    from osmodel.platforms.unix import UnixPlatform

    scenario = loads_scenario(UnixPlatform.demo(), source="<unix demo>")
    kept = simulate(scenario)
    watched = simulate(scenario, record=False)
    assert kept.recorder.events and not watched.recorder.events
    # the same events went by: the same report, the same states seen
    assert build_report(watched) == build_report(kept)
    assert (watched.watch.states, watched.watch.most_running) == (
        kept.watch.states, kept.watch.most_running)
    assert "zombie" in kept.watch.states


def test_the_events_budget_stops_a_run_at_the_same_point_whatever_it_prints(
        scenario) -> None:
    path = str(scenario("top: jmp top", "time = false\nevents = 500"))
    text = run_cli("run", path).stdout
    assert "stopped: events limit reached: 500 trace events" in text
    quiet = run_cli("run", path, "--no-trace").stdout
    assert quiet.split("== process table")[1] == text.split("== process table")[1]
    report = run_cli("run", path, "--format", "json").json()
    assert report["stopped"].startswith("events limit reached: 500 trace events")
    assert f"clock {report['clock']} ticks" in text

"""kill only marks a process; it exits with status -1 at its next trap."""

from __future__ import annotations

from collections.abc import Callable

from osmodel.testing import Run

from xv6testing import machine

KILL_SLEEPER = """
        spawn victim -> r1
        sleep 3
        kill r1 -> r2
        wait -> r3, r4
        print r2, r4
"""


def test_a_sleeping_process_is_woken_and_exits(xv6: Callable[..., Run]) -> None:
    sim = xv6({"main": KILL_SLEEPER, "victim": "sleep 100\nprint \"never\""})
    (victim,) = sim.procs("victim")
    assert sim.said()[1:] == ["0 -1"]
    assert victim.exit is not None
    assert (victim.exit.kind, victim.exit.code) == ("killed", -1)
    assert victim.acct.ended is not None and victim.acct.ended < 20  # not after 100 ticks


def test_a_runnable_process_stays_marked_until_it_is_scheduled(
        xv6: Callable[..., Run]) -> None:
    """One CPU: the victim is runnable while the killer runs; it exits when the scheduler
    reaches it, before running another instruction."""
    killer = "spawn victim -> r1\nkill r1 -> r2\nprocdump\ncpu 5\nwait -> r3, r4\nprint r4"
    victim = "loop: print \"tick\"\ncpu 1\njmp loop"
    sim = xv6({"main": killer, "victim": victim},
              machine=machine(scheduler_options={"quantum": 0}))
    lines = sim.said()
    (proc,) = sim.procs("victim")
    assert any(line.endswith("runble  victim  killed") for line in lines)
    assert "tick" not in lines and lines[-1] == "-1"
    assert proc.acct.cpu == 0
    assert proc.acct.ended == proc.acct.first_run


SPIN = "loop: cpu 100\njmp loop"


def test_a_running_process_runs_on_until_its_time_slice_ends(
        scenario: Callable[..., Run]) -> None:
    """Two CPUs: the spinner is on a CPU when the operator kills it; the timer
    interrupt at the end of its 10-tick slice is its next trap."""
    text = f"""
[machine]
cpus = 2
scheduler = {{ name = "xv6rr", quantum = 10 }}
[programs.spin]
code = '''{SPIN}'''
[[timeline]]
at = 0
user = "spin"
[[timeline]]
at = 3
kill = "spin"
"""
    sim = scenario(text)
    (spin,) = sim.procs("spin")
    assert spin.exit is not None and spin.exit.kind == "killed"
    assert spin.acct.first_run is not None
    assert spin.acct.ended == spin.acct.first_run + 10
    kill = sim.recorder.of_kind("kill")
    assert [(e.time, e.info["by"]) for e in kill] == [(3, "operator")]


def test_a_running_process_exits_at_its_next_system_call(
        scenario: Callable[..., Run]) -> None:
    text = """
[machine]
cpus = 2
scheduler = { name = "xv6rr", quantum = 10 }
[programs.spin]
code = '''cpu 5
getpid -> r1
print "never"'''
[[timeline]]
at = 0
user = "spin"
[[timeline]]
at = 2
kill = "spin"
"""
    sim = scenario(text)
    (spin,) = sim.procs("spin")
    assert spin.acct.first_run is not None
    assert spin.acct.ended == spin.acct.first_run + 5
    assert "never" not in sim.said()


def test_killing_oneself_ends_the_caller_as_kill_returns(xv6: Callable[..., Run]) -> None:
    sim = xv6({"main": "getpid -> r1\nkill r1 -> r2\nprint \"never\""})
    (main,) = sim.procs("main")
    assert sim.said()[1:] == []
    assert main.exit is not None and (main.exit.kind, main.exit.code) == ("killed", -1)


def test_a_disk_request_is_not_interrupted(xv6: Callable[..., Run]) -> None:
    sim = xv6({"main": "spawn reader -> r1\nsleep 2\nkill r1\nwait -> r2, r3\nprint r3",
               "reader": "io 30\nprint \"never\""})
    (reader,) = sim.procs("reader")
    assert sim.said()[1:] == ["-1"]
    assert reader.acct.ended is not None and reader.acct.ended > 30


def test_kill_of_no_process_fails_and_of_a_zombie_changes_nothing(
        xv6: Callable[..., Run]) -> None:
    program = "kill 999 -> r1\nspawn kid -> r2\nsleep 5\nkill r2 -> r3\nwait -> r4, r5\n" \
              "print r1, r3, r5"
    sim = xv6({"main": program, "kid": "exit 6"})
    assert sim.said()[1:] == ["-1 0 6"]


def test_a_signal_named_by_the_operator_is_ignored(scenario: Callable[..., Run]) -> None:
    text = """
[programs.nap]
code = "sleep 50"
[[timeline]]
at = 0
user = "nap"
[[timeline]]
at = 5
kill = "nap"
signal = "SIGTERM"
"""
    sim = scenario(text)
    (nap,) = sim.procs("nap")
    assert nap.exit is not None and (nap.exit.kind, nap.exit.code) == ("killed", -1)
    (event,) = sim.recorder.of_kind("kill")
    assert "SIGTERM ignored" in event.info["by"]

"""fork copies every page at once into a free slot of a fixed table; exec loads whole."""

from __future__ import annotations

from collections.abc import Callable

from osmodel.kernel.simulation import Simulation
from osmodel.testing import Run

from xv6testing import machine

FORK_ONCE = """
        pages 3
        store x, 1
        fork -> r1
        jz r1, child
        wait r1 -> r2
        load x -> r4
        print "parent", r4
        exit 0
child:  store x, 2
        load x -> r4
        print "child", r4
"""


def test_the_child_gets_a_copy_that_its_writes_never_leave(
        xv6: Callable[..., Run]) -> None:
    sim = xv6({"main": FORK_ONCE})
    assert sim.said()[1:] == ["child 2", "parent 1"]


def test_fork_copies_every_page_and_pays_a_tick_for_each(
        xv6: Callable[..., Run]) -> None:
    timed = "pages 3\nuptime -> r5\nfork -> r1\njz r1, done\nuptime -> r6\n" \
            "sub r6, r5 -> r7\nprint r7\ndone:"
    sim = xv6({"main": timed}, machine=machine(scheduler_options={"quantum": 0}))
    parent = sim.procs("main")[0]
    fork = [e for e in sim.recorder.of_kind("fork") if e.pid == parent.pid]
    # 3 data pages and 4 stack pages, all resident since exec
    assert [e.info["pages_copied"] for e in fork] == [7]
    # between the two uptimes: uptime 1 tick, fork 1 + 7 (one per page copied), jz 1
    assert sim.said()[1:] == ["10"]
    stats = sim.kernel.pool.stats
    assert (stats.cow_shares, stats.cow_faults, stats.zero_fills) == (0, 0, 0)


def test_on_unix_the_same_fork_copies_on_write_instead(
        osmodel_run: Callable[..., Simulation], xv6: Callable[..., Run]) -> None:
    unix = osmodel_run({"main": FORK_ONCE}, platform="unix").kernel.pool.stats
    mine = xv6({"main": FORK_ONCE}).kernel.pool.stats
    assert unix.cow_shares > 0 and mine.cow_shares == 0
    assert mine.pages_copied > unix.pages_copied + 5


BOMB = """
        mov 0 -> r2
more:   fork -> r1
        jz r1, child
        jlt r1, 0, full
        add r2, 1 -> r2
        jmp more
full:   print "children", r2, "of", NPROC
reap:   wait -> r3, r4
        jge r3, 0, reap
        exit 0
child:  exit 0                   ; a zombie, holding its slot until reaped
"""


def test_fork_returns_minus_one_when_the_64_slots_are_used(
        xv6: Callable[..., Run]) -> None:
    sim = xv6({"main": BOMB})
    # init, sh and main hold three of the 64 slots
    assert sim.said()[1:] == ["children 61 of 64"]
    report = sim.kernel.platform.system  # type: ignore[attr-defined]
    assert report.forks_failed == 1
    assert report.in_use() == 2  # every zombie was reaped, main too
    assert sim.kernel.stop_reason is None


def test_a_smaller_process_limit_makes_a_smaller_table(xv6: Callable[..., Run]) -> None:
    sim = xv6({"main": BOMB}, machine=machine(processes=8))
    assert sim.said()[1:] == ["children 5 of 8"]


def test_exec_keeps_the_pid_and_passes_arguments(xv6: Callable[..., Run]) -> None:
    sim = xv6({"main": "getpid -> r1\nprint \"before\", r1\nexec other, 41, r1\n"
                       "print \"never\"",
               "other": "getpid -> r2\nprint \"after\", r2, r0, r1"})
    main = sim.procs("other")[0]
    assert sim.said()[1:] == [f"before {main.pid}", f"after {main.pid} 41 {main.pid}"]
    assert [e.info["program"] for e in sim.recorder.of_kind("exec") if e.pid == main.pid] == [
        "main", "other"]


def test_spawn_is_fork_then_exec(xv6: Callable[..., Run]) -> None:
    sim = xv6({"main": "spawn kid, 5 -> r1\nwait r1 -> r2\nprint \"kid ended\", r2",
               "kid": "exit r0"})
    (kid,) = sim.procs("kid")
    assert sim.said()[1:] == ["kid ended 5"]
    assert kid.creator == sim.procs("main")[0].pid
    assert sim.kernel.pool.stats.pages_copied > 5  # the copy exec then threw away

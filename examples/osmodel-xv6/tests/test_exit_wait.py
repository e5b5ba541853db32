"""exit leaves a zombie and gives children to init; wait reaps, in table order."""

from __future__ import annotations

from collections.abc import Callable

from osmodel.testing import Run


def test_wait_without_children_returns_minus_one(xv6: Callable[..., Run]) -> None:
    sim = xv6({"main": "wait -> r1, r2\nprint r1"})
    assert sim.said()[1:] == ["-1"]


def test_wait_returns_the_pid_and_the_whole_int_status(xv6: Callable[..., Run]) -> None:
    sim = xv6({"main": "spawn kid, 300 -> r1\nwait -> r2, r3\nspawn kid, -1 -> r1\n"
                       "wait -> r4, r5\nprint r2, r3, r4, r5",
               "kid": "exit r0"})
    first, second = sim.procs("kid")
    assert sim.said()[1:] == [f"{first.pid} 300 {second.pid} -1"]
    assert [(k.exit.kind, k.exit.code) for k in (first, second) if k.exit] == [
        ("error", 300), ("error", -1)]


def test_a_child_is_a_zombie_until_its_parent_waits(xv6: Callable[..., Run]) -> None:
    program = "fork -> r1\njz r1, kid\nsleep 20\nprocdump\nwait -> r2, r3\nprocdump\n" \
              "exit 0\nkid: exit 7"
    sim = xv6({"main": program})
    lines = sim.said()
    kid = sim.procs("main")[1]
    zombie = f"{kid.pid:>5}  {sim.procs('main')[0].pid:>4}  zombie  main"
    first, second = lines.index("proc[64]: 4 used"), lines.index("proc[64]: 3 used")
    assert any(line.endswith(zombie) for line in lines[first:second])
    assert not any(str(kid.pid) in line.split()[1] for line in lines[second + 2:])
    assert kid.acct.ended is not None and sim.kernel.processes.get(kid.pid) is None


def test_an_orphan_goes_to_init_which_reaps_it(xv6: Callable[..., Run]) -> None:
    sim = xv6({"main": "fork -> r1\njz r1, kid\nexit 0\nkid: sleep 10\nexit 3"})
    parent, orphan = sim.procs("main")
    moves = sim.recorder.of_kind("reparent")
    assert [(e.pid, e.info["old"], e.info["new"]) for e in moves] == [
        (orphan.pid, parent.pid, 1)]
    reaps = [(e.pid, e.info["child"], e.info["status"]) for e in sim.recorder.of_kind("reap")]
    assert (1, orphan.pid, 3) in reaps
    assert sim.kernel.hook.osmodel_parent(kernel=sim.kernel, process=orphan) == 1


def test_an_orphaned_zombie_wakes_init(xv6: Callable[..., Run]) -> None:
    """The child is already a zombie when its parent exits: init must be woken to reap it."""
    sim = xv6({"main": "fork -> r1\njz r1, kid\nsleep 5\nexit 0\nkid: exit 4"})
    kid = sim.procs("main")[1]
    reap = [e for e in sim.recorder.of_kind("reap") if e.info["child"] == kid.pid]
    assert [(e.pid, e.info["status"]) for e in reap] == [(1, 4)]
    assert sim.kernel.platform.system.in_use() == 2  # type: ignore[attr-defined]


def test_the_portable_wait_takes_one_child_and_leaves_the_others(
        xv6: Callable[..., Run]) -> None:
    program = "spawn kid, 1 -> r1\nspawn kid, 2 -> r2\nwait r2 -> r3\nwait r1 -> r4\n" \
              "wait 999 -> r5\nprint r3, r4, r5"
    sim = xv6({"main": program, "kid": "sleep r0\nexit r0"})
    assert sim.said()[1:] == ["2 1 -1"]


SLOTS = """
        spawn kid, 1 -> r1          ; slot 3
        spawn kid, 3 -> r2          ; slot 4
        wait r1 -> r3               ; slot 3 is free again
        spawn kid, 5 -> r3          ; slot 3, a higher pid than r2
        sleep 20                    ; both end: r2 first (at 3), then r3 (at 5)
        wait -> r4, r5
        wait -> r6, r7
        sub r4, r3 -> r4            ; 0 if the first reaped was r3
        sub r6, r2 -> r6            ; 0 if the second was r2
        print r4, r6
"""


def test_wait_reaps_the_first_zombie_in_table_order(xv6: Callable[..., Run]) -> None:
    sim = xv6({"main": SLOTS, "kid": "sleep r0"})
    assert sim.said()[1:] == ["0 0"]

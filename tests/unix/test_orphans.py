"""Orphans and zombies: docs/unix.md, **exit, wait, SIGCHLD, orphans** (orphans)."""

from __future__ import annotations

from osmodel.platforms.unix.constants import ZOMBIE

# main forks a middle process that forks a leaf and a grandleaf, then middle exits
FAMILY = """
        {setup}
        fork -> r1
        jz r1, middle
        sleep 60
        exit 0
    middle:
        fork -> r2
        jz r2, leaf
        sleep 5
        exit 0
    leaf:
        fork -> r3
        jz r3, grandleaf
        sleep 20
        getppid -> r4
        print "leaf parent", r4
        sleep 20
        exit 0
    grandleaf:
        sleep 20
        getppid -> r4
        print "grandleaf parent", r4
"""


def test_orphans_go_to_init_and_grandchildren_keep_their_parents(unix):
    run = unix({"main": FAMILY.format(setup="")})
    leaf = run.proc("main", 2)
    assert sorted(run.out()) == sorted(["leaf parent 1", f"grandleaf parent {leaf.pid}"])
    middle = run.proc("main", 1)
    moves = [(e.pid, e.info["new"]) for e in run.events("reparent")
             if e.info["old"] == middle.pid]
    assert moves == [(leaf.pid, 1)]  # the grandleaf stayed with the leaf


def test_orphans_go_to_the_nearest_living_subreaper(unix):
    run = unix({"main": FAMILY.format(setup="prctl_subreaper 1")})
    main, leaf = run.proc("main", 0), run.proc("main", 2)
    assert sorted(run.out()) == sorted([f"leaf parent {main.pid}",
                                        f"grandleaf parent {leaf.pid}"])
    assert run.events("reparent")[0].info["to"] == "subreaper"


def test_a_dead_subreaper_does_not_adopt(unix):
    run = unix({"main": """
        prctl_subreaper 1
        fork -> r1
        jz r1, middle
        exit 0                       ; the subreaper itself ends first
    middle:
        fork -> r2
        jz r2, leaf
        sleep 10
        exit 0
    leaf:
        sleep 30
        getppid -> r3
        print "leaf parent", r3
    """})
    assert run.out() == ["leaf parent 1"]


def test_init_reaps_adopted_zombies(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        sleep 20                     ; the child is a zombie of main meanwhile
        exit 0                       ; then init adopts the zombie and reaps it
    child:
        exit 5
    """}, until=15)
    child = run.proc("main", 1)
    assert child.state is ZOMBIE
    run.more()
    assert child.pid not in run.kernel.processes
    reaps = [e for e in run.events("reap") if e.info["child"] == child.pid]
    assert [(e.pid, e.info["status"]) for e in reaps] == [(1, 5)]


def test_init_reaps_an_orphan_when_it_ends_later(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        exit 0
    child:
        sleep 30
        exit 9
    """})
    child = run.proc("main", 1)
    assert child.pid not in run.kernel.processes
    assert [(e.pid, e.info["status"]) for e in run.events("reap")
            if e.info["child"] == child.pid] == [(1, 9)]
    assert run.kernel.stop_reason is None  # and the run ended by itself


def test_kill_on_a_zombie_succeeds_and_changes_nothing(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        sleep 10
        kill r1, SIGKILL -> r2
        print "kill", r2
        waitpid r1, 0 -> r3, r4
        wexitstatus r4 -> r5
        print "status", r5
        exit 0
    child:
        exit 4
    """})
    assert run.out() == ["kill 0", "status 4"]
    assert run.proc("main", 1).exit.kind == "error"


def test_a_zombie_is_marked_in_the_tree(unix):
    run = unix({"main": """
        fork -> r1
        jz r1, child
        sleep 20
    child:
    """}, until=10)
    from osmodel.platforms.unix import render_tree

    child = run.proc("main", 1)
    line = next(line for line in render_tree(run.kernel) if line.split()[0] == str(child.pid))
    assert "<defunct>" in line and " Z" in line

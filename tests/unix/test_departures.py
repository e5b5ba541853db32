"""The departures from UNIX a program may ask for: docs/unix.md, **Departures you can ask
for** (prctl_orphans, prctl_leaf_exit), with UNIX's rules staying the default."""

from __future__ import annotations

from osmodel.platforms.unix.proc import unix as data

# root forks mid, mid forks leaf, leaf forks tiny; then mid exits and everyone reports
# its parent.  The root is a subreaper, so UNIX's orphans come to it too.
TREE = """
        prctl_subreaper 1
        {setup}
        fork -> r1
        jz r1, mid
        sleep 60
        exit 0
    mid:
        fork -> r2
        jz r2, leaf
        sleep 10
        exit 0
        print "mid still here"
        sleep 5
        exit 0
    leaf:
        fork -> r3
        jz r3, tiny
        sleep 30
        getppid -> r4
        print "leaf parent", r4
        sleep 40
        exit 0
    tiny:
        sleep 30
        getppid -> r4
        print "tiny parent", r4
        sleep 40
"""


def parents(run):
    main, mid, leaf, tiny = (run.proc("main", i) for i in range(4))
    return main, mid, leaf, tiny


def test_unix_is_the_default_only_direct_children_move(unix):
    run = unix({"main": TREE.format(setup="")})
    main, _, leaf, _ = parents(run)
    assert sorted(run.out()) == sorted([f"leaf parent {main.pid}",
                                        f"tiny parent {leaf.pid}"])
    assert next(e.info["to"] for e in run.events("reparent")) == "subreaper"


def test_orphans_unix_written_out_is_the_default(unix):
    default = unix({"main": TREE.format(setup="")}).out()
    assert unix({"main": TREE.format(setup="prctl_orphans ORPHANS_UNIX")}).out() == default


def test_orphans_to_root_flattens_the_whole_subtree(unix):
    run = unix({"main": TREE.format(setup="prctl_orphans ORPHANS_TO_ROOT")})
    main, _, leaf, tiny = parents(run)
    assert sorted(run.out()) == sorted([f"leaf parent {main.pid}",
                                        f"tiny parent {main.pid}"])
    moves = [(e.pid, e.info["old"], e.info["new"]) for e in run.events("reparent")]
    assert moves[:2] == [(leaf.pid, run.proc("main", 1).pid, main.pid),
                         (tiny.pid, leaf.pid, main.pid)]


def test_orphans_to_root_keeps_the_order_children_joined(unix):
    run = unix({"main": TREE.format(setup="prctl_orphans ORPHANS_TO_ROOT")}, until=15)
    main, mid, leaf, tiny = parents(run)
    assert list(data(main).children) == [mid.pid]
    run.sim.run(25)
    # mid is a zombie (main does not wait), then leaf and tiny, depth first
    assert list(data(main).children) == [mid.pid, leaf.pid, tiny.pid]
    assert list(data(leaf).children) == []


def test_orphans_to_parent_gives_the_children_to_the_grandparent(unix):
    # the root is no subreaper here: under UNIX the leaf would go to init
    run = unix({"main": TREE.replace("prctl_subreaper 1", "").format(
        setup="prctl_orphans ORPHANS_TO_PARENT")})
    main, _, leaf, _ = parents(run)
    assert sorted(run.out()) == sorted([f"leaf parent {main.pid}",
                                        f"tiny parent {leaf.pid}"])
    assert run.events("reparent")[0].info["to"] == "parent"


def test_a_bad_orphan_rule_is_einval(unix):
    run = unix({"main": "prctl_orphans 7 -> r1\nprint r1\n"})
    assert run.out() == ["-1"]
    assert run.errors("prctl_orphans") == ["EINVAL"]


def test_leaf_exit_fails_with_ebusy_while_a_child_lives(unix):
    run = unix({"main": TREE.format(setup="prctl_leaf_exit 1")}, until=35)
    _, mid, leaf, tiny = parents(run)
    assert "mid still here" in run.out()
    assert set(run.errors("exit")) == {"EBUSY"}
    assert mid.exit is None  # nobody was orphaned
    assert (data(leaf).ppid, data(tiny).ppid) == (mid.pid, leaf.pid)
    assert run.events("reparent") == []


def test_leaf_exit_lets_a_leaf_exit(unix):
    run = unix({"main": "prctl_leaf_exit 1\nfork -> r1\njz r1, child\nsleep 5\nexit 3\n"
                "child:\nexit 4\n"})
    assert run.errors("exit") == []
    assert sorted(p.exit.code for p in run.procs("main")) == [3, 4]


def test_without_leaf_exit_a_parent_exits(unix):
    run = unix({"main": TREE.format(setup="")})
    assert "mid still here" not in run.out()
    assert run.errors("exit") == []


def test_departures_are_inherited_by_fork(unix):
    run = unix({"main": "prctl_orphans ORPHANS_TO_PARENT\nprctl_leaf_exit 1\nfork -> r1\n"
                "jz r1, child\nsleep 5\nchild:\nsleep 5\n"}, until=12)
    child = run.proc("main", 1)
    assert (data(child).orphans, data(child).leaf_exit) == (2, True)

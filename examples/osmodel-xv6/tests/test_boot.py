"""Boot: init is pid 1 in slot 0, and init forks and execs the shell."""

from __future__ import annotations

from collections.abc import Callable

from osmodel.testing import Run

IDLE = {"main": "exit 0"}


def test_init_is_pid_1_and_forks_sh(xv6: Callable[..., Run]) -> None:
    sim = xv6(IDLE, start=())
    init, sh = sim.kernel.processes[1], sim.kernel.processes[2]
    assert (init.name, init.cause, init.creator, init.extra["slot"]) == ("init", "boot", None, 0)
    assert (sh.name, sh.program.name, sh.cause, sh.creator, sh.extra["slot"]) == (
        "sh", "sh", "boot", 1, 1)
    hook = sim.kernel.hook
    assert hook.osmodel_parent(kernel=sim.kernel, process=init) is None
    assert hook.osmodel_parent(kernel=sim.kernel, process=sh) == 1
    assert sim.said() == ["init: starting sh"]
    forks = sim.recorder.of_kind("fork")
    assert [(e.pid, e.info["child"]) for e in forks] == [(1, 2)]


def test_both_end_asleep_so_the_run_ends(xv6: Callable[..., Run]) -> None:
    sim = xv6(IDLE, start=())
    assert sim.kernel.pending() is False
    info = [sim.kernel.hook.osmodel_process_info(kernel=sim.kernel, process=p)
            for p in sim.processes()]
    assert [i[0]["xv6_state"] for i in info] == ["SLEEPING", "SLEEPING"]
    assert [p.blocked_on for p in sim.processes()] == ["wait", "getcmd"]


def test_every_page_is_resident_from_the_start(xv6: Callable[..., Run]) -> None:
    """No demand paging: nothing is ever zero-filled on a fault, and no page is shared
    copy-on-write; init's pages were copied once, by the fork that made sh."""
    sim = xv6(IDLE, start=())
    stats = sim.kernel.pool.stats
    pages = sum(len(seg.obj.pages) for seg in sim.kernel.processes[1].space.segments)
    assert pages > 0
    assert (stats.zero_fills, stats.cow_shares, stats.cow_faults) == (0, 0, 0)
    assert stats.pages_copied == pages
    assert stats.frames_used == 2 * pages  # init's and sh's, nothing else


def test_the_structure_is_the_process_table(xv6: Callable[..., Run]) -> None:
    sim = xv6(IDLE, start=())
    lines = sim.kernel.hook.osmodel_structure(kernel=sim.kernel)
    assert lines == [
        "proc[64]: 2 used",
        "SLOT   PID  PPID  STATE   NAME",
        "   0     1     -  sleep   init",
        "   1     2     1  sleep   sh",
    ]

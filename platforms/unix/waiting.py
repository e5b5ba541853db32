"""Exit, zombies, orphans and waitpid (_exit(2), wait(2), prctl(2) PR_SET_CHILD_SUBREAPER).

A process that ends keeps its pid and an 8-bit status as a zombie until its
parent waits; its children go to the nearest subreaper or to init.  A parent
blocked in waitpid is woken only when a change concerns it, and runs its
waitpid again (the call's pc was rewound), so the reap itself always happens
in the parent's own call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from osmodel.kernel.states import BLOCKED

from . import groups, signals
from .constants import (
    CORE,
    EBUSY,
    ECHILD,
    ORPHANS_TO_PARENT,
    ORPHANS_TO_ROOT,
    SIGCHLD,
    SIGNALS,
    W_CONTINUED,
    WCONTINUED,
    WCOREFLAG,
    WUNTRACED,
    ZOMBIE,
    UnixError,
)
from .proc import parent, system, unix

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import ExitStatus, Process
    from osmodel.kernel.states import State

#: What a wait found: a child that exited, stopped or continued; "none" (block or
#: WNOHANG); "echild" (no child matches at all).
EXITED, STOPPED_, CONTINUED, NONE, NO_CHILD = "exited", "stopped", "continued", "none", "echild"

WAIT_CALLS = ("waitpid", "wait")


# --- status words ----------------------------------------------------------------------


def status_word(status: ExitStatus) -> int:
    """The raw waitpid status (Linux encoding) for how a process ended."""
    if status.signal is not None:
        sig = status.signal & 0x7F
        core = SIGNALS.get(sig, ("", ""))[1] == CORE
        return sig | (WCOREFLAG if core else 0)
    return ((status.code or 0) & 0xFF) << 8


def shell_status(word: int) -> int:
    """What ``$?`` shows: the exit code, or 128+N for death (or a stop) by signal N."""
    low = word & 0x7F
    if low == 0:
        return (word >> 8) & 0xFF
    if (word & 0xFF) == 0x7F:
        return 128 + ((word >> 8) & 0xFF)
    if word == W_CONTINUED:
        return 0
    return 128 + low


def wifexited(w: int) -> bool:
    return (w & 0x7F) == 0


def wexitstatus(w: int) -> int:
    return (w >> 8) & 0xFF


def wifsignaled(w: int) -> bool:
    return (w & 0x7F) not in (0, 0x7F) and w != W_CONTINUED


def wtermsig(w: int) -> int:
    return w & 0x7F


def wifstopped(w: int) -> bool:
    return (w & 0xFF) == 0x7F


def wstopsig(w: int) -> int:
    return (w >> 8) & 0xFF


def wifcontinued(w: int) -> bool:
    return w == W_CONTINUED


def wcoredump(w: int) -> bool:
    return wifsignaled(w) and bool(w & WCOREFLAG)


# --- waitpid ---------------------------------------------------------------------------


def candidates(kernel: Kernel, proc: Process, pid: int) -> list[Process]:
    """The caller's children that waitpid(pid) is about, in the order they became children."""
    u = unix(proc)
    table = kernel.processes
    if pid > 0:
        return [table[pid]] if pid in u.children else []
    if pid == -1:
        return [table[c] for c in u.children]
    group = u.pgid if pid == 0 else -pid
    return [table[c] for c in u.children if unix(table[c]).pgid == group]


def find(kernel: Kernel, proc: Process, pid: int, options: int) -> tuple[str, Process | None]:
    """What waitpid(pid, options) would report now, without changing anything."""
    found = candidates(kernel, proc, pid)
    if not found:
        return NO_CHILD, None
    for child in found:
        cu = unix(child)
        if child.exit is not None:
            return EXITED, child
        if options & WUNTRACED and cu.stop_report is not None:
            return STOPPED_, child
        if options & WCONTINUED and cu.cont_report:
            return CONTINUED, child
    return NONE, None


def collect(kernel: Kernel, proc: Process, what: str, child: Process) -> tuple[int, int]:
    """Report ``child`` to its parent: (pid, raw status); an exited child is reaped."""
    cu = unix(child)
    if what == STOPPED_:
        sig = cu.stop_report or 0
        cu.stop_report = None
        return child.pid, (sig << 8) | 0x7F
    if what == CONTINUED:
        cu.cont_report = False
        return child.pid, W_CONTINUED
    word = cu.status if cu.status is not None else 0
    reap(kernel, proc, child, word)
    return child.pid, word


def reap(kernel: Kernel, proc: Process, child: Process, word: int, *, auto: bool = False) -> None:
    """The zombie's record goes and its pid is free again."""
    unix(proc).children.pop(child.pid, None)
    kernel.trace("reap", proc.pid, child=child.pid, status=shell_status(word),
                 how="no zombie: SIGCHLD ignored" if auto else "waitpid")
    kernel.release(child)


def wait_now(kernel: Kernel, proc: Process, pid: int, options: int) -> tuple[int, int] | None:
    """waitpid without blocking: (pid, status), (0, 0) for nothing yet, None to block."""
    what, child = find(kernel, proc, pid, options)
    if what == NO_CHILD:
        raise UnixError(ECHILD, f"no child matches waitpid({pid})")
    if what == NONE:
        return None
    assert child is not None
    return collect(kernel, proc, what, child)


def collectable(kernel: Kernel, proc: Process) -> bool:
    """Whether waitpid(-1, WNOHANG|WUNTRACED) would report a child (the shell's prompt)."""
    return find(kernel, proc, -1, WUNTRACED)[0] in (EXITED, STOPPED_)


def recheck(kernel: Kernel, proc: Process | None) -> None:
    """A child of ``proc`` changed: wake ``proc`` if its pending wait now has an answer."""
    if proc is None or proc.state is not BLOCKED:
        return
    call = unix(proc).call
    if call is None:
        return
    if call.name == "readcmd":
        what = EXITED if collectable(kernel, proc) else NONE
    elif call.name in WAIT_CALLS:
        what, _ = find(kernel, proc, call.pid, call.options)
    else:
        return
    if what != NONE:
        unix(proc).call = None
        kernel.wake(proc, "child " + ("gone" if what == NO_CHILD else what))


def child_changed(kernel: Kernel, child: Process) -> None:
    """A child stopped or continued: SIGCHLD to the parent, and its wait may end."""
    par = parent(kernel, child)
    if par is None:
        return
    signals.send(kernel, par, SIGCHLD, sender=child.pid)
    recheck(kernel, par)


# --- exit ------------------------------------------------------------------------------


def find_reaper(kernel: Kernel, proc: Process) -> Process | None:
    """The nearest living ancestor that set PR_SET_CHILD_SUBREAPER, else init."""
    ancestor = parent(kernel, proc)
    while ancestor is not None:
        if unix(ancestor).subreaper and ancestor.exit is None:
            return ancestor
        ancestor = parent(kernel, ancestor)
    init = kernel.processes.get(system(kernel).init)
    return init if init is not None and init is not proc else None


def heir_of(kernel: Kernel, proc: Process) -> tuple[Process | None, str]:
    """Who adopts ``proc``'s orphans, and how the trace names it: the nearest subreaper or
    init (UNIX), or with ORPHANS_TO_PARENT the exiting process's own parent."""
    if unix(proc).orphans == ORPHANS_TO_PARENT:
        own = parent(kernel, proc)
        if own is not None and own.exit is None:
            return own, "parent"
    reaper = find_reaper(kernel, proc)
    to = ("subreaper" if reaper is not None and reaper.pid != system(kernel).init
          else "init")
    return reaper, to


def descendants(kernel: Kernel, proc: Process) -> list[int]:
    """Every descendant of ``proc``, depth first, each child in the order it became one."""
    found: list[int] = []
    stack = list(reversed(unix(proc).children))
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack += reversed(unix(kernel.processes[pid]).children)
    return found


def reparent_children(kernel: Kernel, proc: Process) -> None:
    """UNIX: only the direct children move; grandchildren keep their parents.  With the
    ORPHANS_TO_ROOT departure every descendant moves (the subtree is flattened), with
    ORPHANS_TO_PARENT the direct children go to the exiting process's parent."""
    u = unix(proc)
    if not u.children:
        return
    heir, to = heir_of(kernel, proc)
    moving = descendants(kernel, proc) if u.orphans == ORPHANS_TO_ROOT else list(u.children)
    for pid in moving:
        child = kernel.processes[pid]
        cu = unix(child)
        old = cu.ppid
        if old is not None and old != proc.pid and old in kernel.processes:
            unix(kernel.processes[old]).children.pop(pid, None)
        cu.ppid = heir.pid if heir is not None else None
        kernel.trace("reparent", pid, old=old, new=heir.pid if heir is not None else None,
                     to=to)
        if heir is not None:
            ru = unix(heir)
            ru.children[pid] = None
            if child.exit is not None:  # an adopted zombie: the new parent is told now
                if SIGCHLD in ru.ignored:
                    reap(kernel, heir, child, cu.status or 0, auto=True)
                else:
                    signals.send(kernel, heir, SIGCHLD, sender=pid)
                    recheck(kernel, heir)
        groups.kill_orphaned_pgrp(kernel, child, proc)
    u.children.clear()


def check_leaf_exit(kernel: Kernel, proc: Process) -> None:
    """The leaf-only departure (prctl_leaf_exit): exit fails with EBUSY while the caller
    has a child that has not ended (UNIX's exit never fails)."""
    u = unix(proc)
    if u.leaf_exit:
        living = [pid for pid in u.children if kernel.processes[pid].exit is None]
        if living:
            raise UnixError(EBUSY, f"leaf-only exit: {len(living)} living children "
                            f"(first pid {living[0]})")


def on_exit(kernel: Kernel, proc: Process) -> State | None:
    """The platform's part of _exit: returns ZOMBIE, or None when no zombie is kept."""
    u = unix(proc)
    assert proc.exit is not None
    u.status = status_word(proc.exit)
    u.call = None
    u.pending.clear()
    if u.alarm is not None:
        u.alarm.cancel()
        u.alarm = None
    groups.hang_up_if_controlling(kernel, proc)
    reparent_children(kernel, proc)
    groups.kill_orphaned_pgrp(kernel, proc, None)
    par = parent(kernel, proc)
    if par is None:
        return None
    pu = unix(par)
    if SIGCHLD in pu.ignored:
        # SIGCHLD set to SIG_IGN (SA_NOCLDWAIT): no zombie; a blocked wait may now see ECHILD
        pu.children.pop(proc.pid, None)
        kernel.trace("reap", par.pid, child=proc.pid, status=shell_status(u.status),
                     how="no zombie: SIGCHLD ignored")
        recheck(kernel, par)
        return None
    signals.send(kernel, par, SIGCHLD, sender=proc.pid)
    recheck(kernel, par)
    return ZOMBIE


def on_released(kernel: Kernel, proc: Process) -> None:
    """The record is gone: drop it from its group, its user's count and its parent."""
    u = unix(proc)
    sysm = system(kernel)
    sysm.leave(proc.pid, u.pgid)
    count = sysm.users.get(u.uid, 0)
    if count > 1:
        sysm.users[u.uid] = count - 1
    else:
        sysm.users.pop(u.uid, None)
    par = parent(kernel, proc)
    if par is not None:
        unix(par).children.pop(proc.pid, None)

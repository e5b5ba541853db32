"""Process groups, sessions and the terminal (setpgid(2), setsid(2), kill(2), termios).

A job is a process group; a login session is a set of groups sharing a
controlling terminal, of which one group is in the foreground and receives
the keyboard's signals.  The error rules follow Linux's setpgid/setsid code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import signals, waiting
from .constants import (
    EACCES,
    EINVAL,
    ENOTTY,
    EPERM,
    ESRCH,
    ROOT,
    SIGCONT,
    SIGHUP,
    SIGNALS,
    STOPPED,
    UnixError,
)
from .proc import parent, system, unix

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process


def move(kernel: Kernel, proc: Process, pgid: int, by: int | None) -> None:
    """Put ``proc`` in group ``pgid`` (no checks: the caller made them)."""
    u = unix(proc)
    sysm = system(kernel)
    if u.pgid == pgid:
        return
    sysm.leave(proc.pid, u.pgid)
    u.pgid = pgid
    sysm.join(proc.pid, pgid)
    kernel.trace("setpgid", proc.pid, pgid=pgid, by=by)
    waiting.recheck(kernel, parent(kernel, proc))  # a waitpid(0 or -pgid) may now match


def group_in_session(kernel: Kernel, pgid: int, sid: int) -> bool:
    members = system(kernel).groups.get(pgid)
    if not members:
        return False
    first = kernel.processes.get(next(iter(members)))
    return first is not None and unix(first).sid == sid


def setpgid(kernel: Kernel, caller: Process, pid: int, pgid: int) -> None:
    """setpgid(pid, pgid); 0 means the caller, and a pgid of 0 means the pid itself."""
    if pgid < 0:
        raise UnixError(EINVAL, "negative process group")
    cu = unix(caller)
    pid = pid or caller.pid
    pgid = pgid or pid
    target = kernel.processes.get(pid)
    if target is None:
        raise UnixError(ESRCH, f"no process {pid}")
    tu = unix(target)
    if target is not caller:
        if tu.ppid != caller.pid:
            raise UnixError(ESRCH, f"{pid} is neither the caller nor its child")
        if tu.sid != cu.sid:
            raise UnixError(EPERM, f"child {pid} is in another session")
        if tu.execd:
            raise UnixError(EACCES, f"child {pid} has already called exec")
    if tu.sid == target.pid:
        raise UnixError(EPERM, f"{pid} is a session leader")
    if pgid != pid and not group_in_session(kernel, pgid, cu.sid):
        raise UnixError(EPERM, f"no process group {pgid} in session {cu.sid}")
    move(kernel, target, pgid, caller.pid)


def setsid(kernel: Kernel, caller: Process) -> int:
    """A new session and group, both numbered by the caller's pid, with no terminal."""
    sysm = system(kernel)
    if caller.pid in sysm.groups:
        raise UnixError(EPERM, f"{caller.pid} is a process group leader")
    u = unix(caller)
    sysm.leave(caller.pid, u.pgid)
    u.pgid = u.sid = caller.pid
    u.tty = None
    sysm.join(caller.pid, caller.pid)
    kernel.trace("setsid", caller.pid, sid=caller.pid)
    return caller.pid


def has_terminal(kernel: Kernel, proc: Process) -> bool:
    """Whether ``proc``'s controlling terminal is still its session's."""
    u = unix(proc)
    term = system(kernel).terminal
    return u.tty == term.name and term.session == u.sid


def tcsetpgrp(kernel: Kernel, caller: Process, pgid: int) -> None:
    """Make ``pgid`` the terminal's foreground group (it must be in the caller's session)."""
    if not has_terminal(kernel, caller):
        raise UnixError(ENOTTY, "no controlling terminal")
    if pgid <= 0:
        raise UnixError(EINVAL, "bad process group")
    if not group_in_session(kernel, pgid, unix(caller).sid):
        raise UnixError(EPERM, f"no process group {pgid} in the caller's session")
    give_terminal(kernel, pgid, caller.pid)


def give_terminal(kernel: Kernel, pgid: int, by: int | None) -> None:
    term = system(kernel).terminal
    term.foreground = pgid
    kernel.trace("tcsetpgrp", by, tty=term.name, foreground=pgid)


def tcgetpgrp(kernel: Kernel, caller: Process) -> int:
    if not has_terminal(kernel, caller):
        raise UnixError(ENOTTY, "no controlling terminal")
    return system(kernel).terminal.foreground or 0


def hang_up_if_controlling(kernel: Kernel, proc: Process) -> None:
    """The session leader that owns the terminal exits: the foreground group gets
    SIGHUP and SIGCONT and the session loses its terminal."""
    term = system(kernel).terminal
    u = unix(proc)
    if term.session != u.sid or proc.pid != u.sid or u.tty != term.name:
        return
    foreground = term.foreground
    term.session = term.foreground = None
    term.commands.clear()
    kernel.trace("hangup", proc.pid, tty=term.name, foreground=foreground)
    if foreground is not None:
        signal_group(kernel, foreground, SIGHUP, sender="kernel")
        signal_group(kernel, foreground, SIGCONT, sender="kernel")


# --- signalling groups -----------------------------------------------------------------


def live_members(kernel: Kernel, pgid: int) -> list[Process]:
    table = kernel.processes
    return [table[pid] for pid in system(kernel).members(pgid)
            if pid in table and table[pid].exit is None]


def signal_group(kernel: Kernel, pgid: int, sig: int, *, sender: int | str | None) -> None:
    for proc in live_members(kernel, pgid):
        signals.send(kernel, proc, sig, sender=sender)


def may_signal(kernel: Kernel, sender: Process | None, target: Process, sig: int) -> bool:
    """kill(2) permissions: root, the same user, or SIGCONT within one session."""
    if sender is None:
        return True
    su, tu = unix(sender), unix(target)
    return su.uid in (ROOT, tu.uid) or (sig == SIGCONT and su.sid == tu.sid)


def kill(kernel: Kernel, sender: Process | None, pid: int, sig: int) -> None:
    """kill(pid, sig): pid > 0 one process, 0 my group, -1 everyone I may, < -1 a group."""
    if sig != 0 and sig not in SIGNALS:
        raise UnixError(EINVAL, f"no signal {sig}")
    table = kernel.processes
    if pid > 0:
        target = table.get(pid)
        if target is None:
            raise UnixError(ESRCH, f"no process {pid}")
        targets = [target]
    elif pid == -1:
        init = system(kernel).init
        me = sender.pid if sender is not None else None
        targets = [p for p in kernel.live() if p.pid not in (init, me)]
    else:
        if pid == 0 and sender is None:
            raise UnixError(EINVAL, "no group of the caller")
        pgid = unix(sender).pgid if pid == 0 and sender is not None else -pid
        targets = [table[m] for m in system(kernel).members(pgid) if m in table]
    if not targets:
        raise UnixError(ESRCH, f"no process for kill({pid})")
    allowed = [t for t in targets if may_signal(kernel, sender, t, sig)]
    if not allowed:
        raise UnixError(EPERM, f"not allowed to signal kill({pid})")
    if sig == 0:
        return
    who = sender.pid if sender is not None else "operator"
    for target in allowed:
        if pid > 0 or target.exit is None:  # kill() on a zombie succeeds and changes nothing
            signals.send(kernel, target, sig, sender=who)


# --- orphaned process groups -----------------------------------------------------------


def will_become_orphaned(kernel: Kernel, pgid: int, ignored: Process | None) -> bool:
    """No member (but ``ignored``) has a parent in another group of the same session."""
    init = system(kernel).init
    for proc in live_members(kernel, pgid):
        if proc is ignored:
            continue
        par = parent(kernel, proc)
        if par is None or par.pid == init:
            continue
        pu = unix(par)
        if pu.pgid == pgid or pu.sid != unix(proc).sid:
            continue
        return False
    return True


def has_stopped(kernel: Kernel, pgid: int) -> bool:
    return any(p.state is STOPPED for p in live_members(kernel, pgid))


def kill_orphaned_pgrp(kernel: Kernel, proc: Process, old_parent: Process | None) -> None:
    """Linux's kill_orphaned_pgrp: a group that just became orphaned and has a stopped
    member gets SIGHUP then SIGCONT (nobody is left to continue it).

    Called for the exiting process itself (``old_parent`` None) and for each of
    its children once re-parented (``old_parent`` the exiting process).
    """
    u = unix(proc)
    pgid = u.pgid
    if old_parent is None:
        par, ignored = parent(kernel, proc), proc
    else:
        par, ignored = old_parent, None
    if par is None:
        return
    pu = unix(par)
    if (pu.pgid != pgid and pu.sid == u.sid
            and will_become_orphaned(kernel, pgid, ignored) and has_stopped(kernel, pgid)):
        kernel.trace("orphaned", None, pgid=pgid, note="stopped group lost its parent: "
                     "SIGHUP then SIGCONT")
        signal_group(kernel, pgid, SIGHUP, sender="kernel")
        signal_group(kernel, pgid, SIGCONT, sender="kernel")

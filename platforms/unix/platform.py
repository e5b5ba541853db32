"""The UNIX platform: the class the kernel instantiates, with its hook implementations.

Everything here is a thin dispatch to the modules that hold the rules
(creation, signals, waiting, groups, boot, tree), so that the hooks a third
party would write are easy to read on their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from osmodel.kernel import hookimpl
from osmodel.kernel.errors import ConfigError
from osmodel.kernel.events import EventKind
from osmodel.kernel.events import kind as _kind
from osmodel.kernel.manager import LazyModule
from osmodel.kernel.platform import Platform

from .constants import (
    EBADF,
    EINVAL,
    ENOENT,
    IGN,
    SIGINT,
    SIGKILL,
    SIGQUIT,
    SIGTSTP,
    STOPPED,
    ZOMBIE,
    constants,
    signal_number,
)
from .proc import UnixProc, UnixSystem, unix

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.link import OpSpec
    from osmodel.kernel.process import Process
    from osmodel.kernel.states import State

    from . import boot, groups, signals, syscalls, tree, waiting
else:  # the rules are imported when a run on unix first needs them, not at registration
    boot = LazyModule(f"{__package__}.boot")
    groups = LazyModule(f"{__package__}.groups")
    signals = LazyModule(f"{__package__}.signals")
    syscalls = LazyModule(f"{__package__}.syscalls")
    tree = LazyModule(f"{__package__}.tree")
    waiting = LazyModule(f"{__package__}.waiting")

#: Keys at the terminal and the signal each sends to the foreground group (termios
#: INTR, SUSP, QUIT; a BREAK sends SIGINT when BRKINT is set).
KEYS = {"ctrl-c": SIGINT, "ctrl-z": SIGTSTP, "ctrl-\\": SIGQUIT, "ctrl-break": SIGINT}

#: The rule and its source behind each kind of difference ``osmodel compare`` reports.
COMPARE_RULES: Mapping[str, str] = {
    "presence": "fork(2): fails with -1, EAGAIN or ENOMEM, and no child exists",
    "orphan": "_exit(2), prctl(2): orphans are re-parented to the nearest subreaper, "
              "else init (pid 1)",
    "memory": "fork(2): the child gets a copy-on-write copy of the parent's space; "
              "a write copies one page",
    "forced_kill": "kill(2), signal(7): SIGKILL (9) cannot be caught; a shell shows "
                   "128+9 = 137",
    "fatal_fault": "signal(7): a fault raises SIGSEGV (11), SIGFPE (8) or SIGILL (4); "
                   "a shell shows 128+N",
    "ctrl_c_reach": "termios, kill(2): SIGINT goes to every process of the terminal's "
                    "foreground process group, none of the background groups",
    "ctrl_c_end": "signal(7): SIGINT's default action ends the process; a shell shows "
                  "128+2 = 130",
    "exit_width": "_exit(2), wait(2): only the low 8 bits of the status reach the parent",
    "end": "_exit(2), wait(2)",
}

#: The trace events unix emits beyond the kernel's, with their fields.
EVENTS: Mapping[str, EventKind] = {
    "boot": _kind("the system is up", init="init's pid", daemons="the daemons' pids",
                  shell="the login shell's pid", tty="its terminal"),
    "fork": _kind("fork(2) made a child", child="the child's pid"),
    "exec": _kind("execve(2) replaced the image", program="the new program"),
    "error": _kind("a call failed", call="the call", errno="the errno name",
                   detail="why, in words"),
    "signal": _kind("a signal was generated for the process", sig="its name",
                    sender="a pid, or who in words (tty1, operator, kernel, fault)",
                    action="what it does: handler, terminate, ignored, pending (...) ..."),
    "handler": _kind("a signal handler starts", sig="the signal", pc="the handler"),
    "disposition": _kind("signal(2): a disposition changed", sig="the signal",
                         action="the new disposition"),
    "reap": _kind("a zombie's status was collected", child="the zombie's pid",
                  status="what $? shows", how="waitpid, or no zombie: SIGCHLD ignored"),
    "reparent": _kind("an orphan got a new parent", old="the parent it had (the one that "
                      "ended, or with ORPHANS_TO_ROOT one of its descendants)",
                      new="the new parent's pid, or None",
                      to="init, subreaper, or parent (ORPHANS_TO_PARENT)"),
    "setpgid": _kind("the process joined a process group", pgid="the group", by="who"),
    "setsid": _kind("the process started a session", sid="the session"),
    "tcsetpgrp": _kind("the terminal's foreground group changed", tty="the terminal",
                       foreground="the new foreground group"),
    "hangup": _kind("the session leader left its terminal", tty="the terminal",
                    foreground="the group that gets SIGHUP, or None"),
    "orphaned": _kind("a stopped group lost its last parent in the session",
                      pgid="the group", note="what follows"),
    "key": _kind("a key at the terminal", key="the key", tty="the terminal",
                 foreground="the group it goes to, or None"),
}


def _ignores(u: UnixProc, sig: int) -> bool:
    """Whether sending ``sig`` does nothing at all (SIG_IGN, or ignored by default)."""
    return signals.action_of(u, sig) == IGN and not signals.blocked(u, sig)


class UnixPlatform(Platform):
    """fork/exec, a process tree under init, zombies, signals, groups and a terminal."""

    name = "unix"
    summary = ("UNIX: fork (copy-on-write) and exec, a tree under init, zombies and "
               "waitpid, signals, process groups and a terminal")
    states = (ZOMBIE, STOPPED)
    events = EVENTS

    def __init__(self, kernel: Kernel) -> None:
        super().__init__(kernel)
        self.system = UnixSystem()

    # --- what programs see -----------------------------------------------------------

    def syscalls(self) -> Mapping[str, OpSpec]:
        return syscalls.table()

    def constants(self) -> Mapping[str, int]:
        return constants()

    def equivalents(self) -> Mapping[str, str]:
        return {
            "CreateProcess": "fork + exec (or spawn)",
            "WaitForSingleObject": "waitpid (or wait)",
            "GetExitCodeProcess": "waitpid, then wexitstatus / wtermsig",
            "TerminateProcess": "kill with SIGKILL",
            "ExitProcess": "exit",
            "DuplicateHandle": "dup (descriptors only; pids need no handle)",
            "CloseHandle": "close",
            "OpenProcess": "nothing: kill and waitpid take a pid",
            "SetConsoleCtrlHandler": "signal SIGINT, LABEL (or sigignore SIGINT)",
            "GenerateConsoleCtrlEvent": "kill with a negative pid (kill -pgid, SIGINT)",
            "CreateJobObject": "setpgid (process groups)",
            "AssignProcessToJobObject": "setpgid",
            "TerminateJobObject": "kill -pgid, SIGKILL",
            "ResumeThread": "kill with SIGCONT",
            "SuspendThread": "kill with SIGSTOP",
            "CreateFileMapping": "mmap_shared",
            "MapViewOfFile": "mmap_shared",
            "GetCurrentProcessId": "getpid",
        }

    def error_code(self, reason: str) -> int:
        return {"bad": EBADF, "missing": ENOENT, "mode": EBADF}.get(reason, EINVAL)

    # --- set-up and creation ---------------------------------------------------------

    def boot(self, kernel: Kernel) -> None:
        boot.boot(kernel)

    def user_command(self, kernel: Kernel, program: str, background: bool,
                     args: Sequence[int]) -> Process:
        return boot.user_command(kernel, program, background, args)

    def batch_job(self, kernel: Kernel, program: str, args: Sequence[int]) -> Process:
        return boot.batch_job(kernel, program, args)

    # --- termination -----------------------------------------------------------------

    def process_exit(self, kernel: Kernel, process: Process) -> State | None:
        return waiting.on_exit(kernel, process)

    def process_released(self, kernel: Kernel, process: Process) -> None:
        waiting.on_released(kernel, process)

    def fault(self, kernel: Kernel, process: Process, fault: str,
              detail: Mapping[str, Any]) -> bool:
        return signals.fault(kernel, process, fault, detail)

    def operator_kill(self, kernel: Kernel, target: Process, signal: str | None) -> None:
        sig = SIGKILL if signal is None else signal_number(signal)
        if sig is None:
            raise ConfigError(f"unknown signal {signal!r} (try SIGTERM, TERM or 15)")
        signals.send(kernel, target, sig, sender="operator")

    # --- hierarchy -------------------------------------------------------------------

    def parent(self, kernel: Kernel, process: Process) -> int | None:
        return unix(process).ppid

    def interrupt(self, kernel: Kernel, key: str) -> list[int] | None:
        """The terminal sends the key's signal to its foreground group; the answer is
        the members that do not ignore it."""
        sig = KEYS.get(key)
        if sig is None:
            return None
        term = self.system.terminal
        kernel.trace("key", None, key=key, tty=term.name, foreground=term.foreground)
        if term.foreground is None:
            return []
        reached = [p.pid for p in groups.live_members(kernel, term.foreground)
                   if not _ignores(unix(p), sig)]
        groups.signal_group(kernel, term.foreground, sig, sender=term.name)
        return reached

    def process_info(self, kernel: Kernel, process: Process) -> Mapping[str, Any]:
        u = unix(process)
        info: dict[str, Any] = {"pgid": u.pgid, "sid": u.sid, "uid": u.uid,
                                "tty": u.tty if groups.has_terminal(kernel, process) else None}
        if u.status is not None:
            info["status"] = waiting.shell_status(u.status)
        return info

    def structure(self, kernel: Kernel) -> Sequence[str]:
        return tree.render_tree(kernel)

    def report_section(self, kernel: Kernel) -> Mapping[str, Any]:
        term = self.system.terminal
        return {
            "tree": tree.render_tree(kernel),
            "terminal": {"name": term.name, "session": term.session,
                         "foreground": term.foreground},
        }

    @hookimpl(optionalhook=True, trylast=True)
    def osmodel_compare_rules(self, kernel: Kernel) -> Mapping[str, str]:
        """The rule and its source behind each kind of difference ``osmodel compare``
        reports (a hook the compare view adds; optional, so unix loads without it)."""
        return COMPARE_RULES

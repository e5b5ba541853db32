"""System initialisation, and the processes that serve the outside world.

Boot makes a small, recognisable Windows: the System Idle Process (0), System
(4), the session manager, csrss, wininit, the service control manager with
two service hosts (one runs the Task Scheduler), lsass, winlogon and the
user's shell, explorer; all with cause ``boot`` and each created by the
process that creates it on Windows.  Two of them end at once, as on Windows:
smss's per-session copy (so winlogon's creator pid is stale) and userinit
(so explorer's is).  They are real programs that end up blocked on an event
nobody sets, never polling, so a run ends when the users' work is done.

The shell creates what the user runs (cause ``user``) and closes both
handles at once, as ShellExecute does, so nothing keeps an ended command's
object; a command runs attached to the user's console (``background``
starts it like ``start /b``: a new process group, Ctrl+C disabled).  The Task
Scheduler creates batch jobs (cause ``batch``) without a console.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from attrs import frozen

from osmodel.kernel.asm import parse
from osmodel.kernel.errors import ConfigError, LimitTooSmall
from osmodel.kernel.files import ResourceTable
from osmodel.platforms.unix.constants import signal_number

from . import creation, handles, lifetime
from .constants import (
    CREATE_NEW_PROCESS_GROUP,
    DETACHED_PROCESS,
    IDLE,
    SYSTEM_ACCOUNT,
    USER_ACCOUNT,
    USER_CONSOLE,
    WinError,
    error_name,
)
from .proc import WinProc, alive, handle_table, system, trace

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process
    from osmodel.kernel.program import Program

WAIT_FOREVER = """\
        CreateEvent TRUE, FALSE -> r1      ; an event nobody sets: {why}
        WaitForSingleObject r1, INFINITE -> r2
"""

SOURCES = {
    "System Idle Process": "; the CPUs' idle loop: a record only, never scheduled\n",
    "System": "; System: the kernel's own worker threads; nothing runs in user mode\n"
              + WAIT_FOREVER.format(why="they wait for work"),
    "smss.exe": """\
; smss.exe, the session manager.  The first copy keeps a handle to csrss.exe (r0) and
; waits on it: if csrss ended, Windows would stop.  A per-session copy (r0 = 0) has
; started winlogon.exe and ends at once, so winlogon's creator pid goes stale.
        jz r0, done
        WaitForSingleObject r0, INFINITE -> r1
done:   ExitProcess 0
""",
    "csrss.exe": "; csrss.exe: the Windows subsystem process (consoles, process list)\n"
                 + WAIT_FOREVER.format(why="it serves requests"),
    "wininit.exe": "; wininit.exe: starts services.exe and lsass.exe, then stays\n"
                   + WAIT_FOREVER.format(why="it waits for shutdown"),
    "services.exe": "; services.exe: the service control manager; it keeps a handle to each"
                    " service host\n" + WAIT_FOREVER.format(why="it waits for control requests"),
    "svchost.exe": "; svchost.exe: a service host (the Task Scheduler runs in one)\n"
                   + WAIT_FOREVER.format(why="its services' stop request"),
    "lsass.exe": "; lsass.exe: the local security authority (logons, tokens)\n"
                 + WAIT_FOREVER.format(why="it serves requests"),
    "winlogon.exe": "; winlogon.exe: the logon of session 1; it started userinit.exe\n"
                    + WAIT_FOREVER.format(why="it waits for Ctrl+Alt+Del"),
    "userinit.exe": """\
; userinit.exe: run by winlogon at logon; it has started explorer.exe and ends,
; so explorer's creator pid is stale (as Task Manager shows on a real machine)
        ExitProcess 0
""",
    "explorer.exe": "; explorer.exe: the user's shell; it creates what the user runs\n"
                    + WAIT_FOREVER.format(why="its message loop"),
}


@frozen
class Start:
    """One boot process: who creates it, what it keeps, how it runs."""

    program: str
    creator: str | None
    account: str = SYSTEM_ACCOUNT
    session: int = 0
    #: Handles the creator keeps (the rest are closed right after creation).
    keep: bool = False
    label: str = ""


#: In creation order; ``creator`` names an earlier entry (its label or program).
BOOT: tuple[Start, ...] = (
    Start("System", None),
    Start("smss.exe", "System"),
    Start("csrss.exe", "smss.exe", keep=True),
    Start("wininit.exe", "smss.exe"),
    Start("services.exe", "wininit.exe"),
    Start("svchost.exe", "services.exe", keep=True, label="svchost (DcomLaunch)"),
    Start("svchost.exe", "services.exe", keep=True, label="svchost (Schedule)"),
    Start("lsass.exe", "wininit.exe"),
    Start("smss.exe", "smss.exe", session=1, label="smss (session 1)"),
    Start("winlogon.exe", "smss (session 1)", session=1),
    Start("userinit.exe", "winlogon.exe", account=USER_ACCOUNT, session=1),
    Start("explorer.exe", "userinit.exe", account=USER_ACCOUNT, session=1),
)


def programs() -> dict[str, Program]:
    return {name: parse(text, name, file=f"<windows {name}>") for name, text in SOURCES.items()}


def _chosen(kernel: Kernel, program: Program) -> str:
    """A scenario program of the same name replaces the built-in one."""
    kernel.programs.setdefault(program.name, program)
    return program.name


def check_room(kernel: Kernel) -> None:
    """Refuse a process table too small for the boot itself, naming the limit, rather than
    fail half-way through creating the system (as ERROR_NO_SYSTEM_RESOURCES)."""
    limit = kernel.machine.limits.processes
    needed = 1 + len(BOOT)  # the System Idle Process too
    if limit is not None and limit < needed:
        raise LimitTooSmall(
            f"[machine.limits] processes = {limit} is too small for windows: its boot creates "
            f"{needed} processes (System Idle Process, System, smss.exe ... explorer.exe); "
            f"allow at least {needed}, plus the scenario's own", "processes")


def boot(kernel: Kernel) -> None:
    """Create the boot processes in order, each by its Windows creator (cause boot)."""
    check_room(kernel)
    sysm = system(kernel)
    built = {name: _chosen(kernel, prog) for name, prog in programs().items()}
    _idle(kernel, built["System Idle Process"])
    made: dict[str, Process] = {}
    for start in BOOT:
        creator = made.get(start.creator) if start.creator is not None else None
        proc, hprocess, hthread = creation.create_process(
            kernel, creator, built[start.program], cause="boot", console=None,
            account=start.account, session=start.session, quiet=True)
        made[start.label or start.program] = proc
        if creator is not None:
            handles.close(kernel, creator, hthread, quiet=True)
            if not start.keep:
                handles.close(kernel, creator, hprocess, quiet=True)
    smss = made["smss.exe"]
    smss.context.registers[0] = next(v for v, s in smss.resources
                                     if getattr(s.obj, "proc", None) is made["csrss.exe"])
    sysm.shell = made["explorer.exe"].pid
    sysm.scheduler = made["svchost (Schedule)"].pid
    trace(kernel, "boot", None, system=made["System"].pid, shell=sysm.shell,
          task_scheduler=sysm.scheduler, console=USER_CONSOLE)


def _idle(kernel: Kernel, program: str) -> None:
    """The System Idle Process: pid 0, one idle 'thread' per CPU, never scheduled."""
    data = WinProc(system(kernel).serial(), None, None, account=SYSTEM_ACCOUNT, session=0)
    table: ResourceTable = handle_table()
    proc = kernel.create(program, cause="boot", resources=table, platform=data, start=False,
                         pid=0)
    lifetime.install(kernel, proc, data, 0)
    kernel.set_state(proc, IDLE, "idle loop: runs only when no thread is ready")


def _serve(kernel: Kernel, creator: Process | None, program: str, *, cause: str, flags: int,
           console: int | None, args: Sequence[int]) -> Process | None:
    """Create a process for the outside world; the server closes both handles at once."""
    try:
        proc, hprocess, hthread = creation.create_process(
            kernel, creator, program, flags=flags, args=args, cause=cause, console=console,
            account=USER_ACCOUNT, session=1)
    except WinError as error:
        who = creator.name if creator is not None else "windows"
        text = f"{who}: cannot run {program}: {error_name(error.code)} ({error.code})"
        kernel.console.write(creator.pid if creator else 0, text)
        trace(kernel, "error", creator.pid if creator else None, call="CreateProcess",
              error=f"{error_name(error.code)} ({error.code})", detail=error.detail)
        # the request was served (and failed); System answers when the shell is gone
        return creator if creator is not None else kernel.processes.get(4)
    if creator is not None:
        handles.close(kernel, creator, hthread, quiet=True)
        handles.close(kernel, creator, hprocess, quiet=True)
    return proc


def user_command(kernel: Kernel, program: str, background: bool,
                 args: Sequence[int]) -> Process | None:
    """explorer runs a program on the user's console; background is like ``start /b``."""
    shell = alive(kernel, system(kernel).shell)
    return _serve(kernel, shell, program, cause="user", console=USER_CONSOLE, args=args,
                  flags=CREATE_NEW_PROCESS_GROUP if background else 0)


def batch_job(kernel: Kernel, program: str, args: Sequence[int]) -> Process | None:
    """The Task Scheduler runs a job as the user, without a console."""
    scheduler = alive(kernel, system(kernel).scheduler)
    return _serve(kernel, scheduler, program, cause="batch", console=None, args=args,
                  flags=DETACHED_PROCESS)


def kill_code(signal: str | None) -> tuple[int, str | None]:
    """The exit code an operator's kill gives, and a note for the trace: 1, or the number
    given; a UNIX signal name (a scenario written for both) has no Windows meaning and
    gives 1 too.  Any other name is a mistake: ConfigError, as on UNIX."""
    if signal is None:
        return 1, None
    try:
        return int(signal, 0), None
    except ValueError:
        pass
    if signal_number(signal) is None:
        raise ConfigError(f"unknown signal {signal[:40]!r}: a kill on windows takes an exit "
                          'code (signal = "7") or a UNIX signal name (which gives 1)')
    return 1, f"{signal} has no Windows meaning: TerminateProcess with code 1"


def operator_kill(kernel: Kernel, target: Process, signal: str | None) -> None:
    """TerminateProcess from outside (taskkill /F): code 1, or the number given."""
    code, note = kill_code(signal)
    if target.pid in (0, 4):
        trace(kernel, "TerminateProcess", None, target=target.pid, by="the operator",
              result="ERROR_ACCESS_DENIED (5): a system process")
        return
    if note is not None:
        trace(kernel, "TerminateProcess", None, target=target.pid, note=note)
    if target.exit is None:
        lifetime.terminate(kernel, target, code, by="the operator")


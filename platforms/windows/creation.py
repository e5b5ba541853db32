"""CreateProcess: a new process in a new address space loaded from an image.

Nothing of the creator's memory is copied: the kernel's default space is
built fresh from the program's image, so the child reads its image's
initial values.  The creator gets a process handle and a thread handle with
full access.  Only handles marked inheritable are copied, and only when
bInheritHandles is TRUE: same values, same rights, same objects (a file
handle shares its file position).  The console, the Ctrl+C-ignore flag, the
account and the job are inherited; priority is not (every process starts
at the scheduler's default).  Rules: CreateProcess, Process Creation Flags,
Inheritance, Job Objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from osmodel.kernel.kernel import ProcessLimit
from osmodel.kernel.memory import OutOfMemory

from . import handles, lifetime
from .constants import (
    CREATE_BREAKAWAY_FROM_JOB,
    CREATE_NEW_CONSOLE,
    CREATE_NEW_PROCESS_GROUP,
    CREATE_SUSPENDED,
    DETACHED_PROCESS,
    ERROR_ACCESS_DENIED,
    ERROR_FILE_NOT_FOUND,
    ERROR_INVALID_PARAMETER,
    ERROR_NO_SYSTEM_RESOURCES,
    ERROR_NOT_ENOUGH_MEMORY,
    ERROR_NOT_ENOUGH_QUOTA,
    JOB_OBJECT_LIMIT_BREAKAWAY_OK,
    JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK,
    PROCESS_ALL_ACCESS,
    SYSTEM_ACCOUNT,
    THREAD_ALL_ACCESS,
    USER_ACCOUNT,
    WinError,
    flags_text,
)
from .objects import JobObject
from .proc import WinProc, handle_table, system, trace, win

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process
    from osmodel.kernel.program import Program

INHERIT: Literal["inherit"] = "inherit"


def _job_for(parent: WinProc | None, flags: int) -> JobObject | None:
    """The job the child joins: its creator's, unless it breaks away (and may)."""
    job = parent.job if parent is not None else None
    if job is None:
        return None
    if job.limits & JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK:
        return None
    if flags & CREATE_BREAKAWAY_FROM_JOB:
        if job.limits & JOB_OBJECT_LIMIT_BREAKAWAY_OK:
            return None
        raise WinError(ERROR_ACCESS_DENIED, f"{job.describe()} does not allow breakaway")
    return job


def check_limits(kernel: Kernel, account: str) -> None:
    """The per-user quota and memory, before anything is made."""
    limit = kernel.machine.limits.user_processes
    running = system(kernel).running[USER_ACCOUNT]
    if account == USER_ACCOUNT and limit is not None and running >= limit:
        kernel.refuse(f"the user already ran {limit} processes (quota)")
        raise WinError(ERROR_NOT_ENOUGH_QUOTA, f"the user already runs {limit} processes")
    if kernel.pool.free == 0:
        raise WinError(ERROR_NOT_ENOUGH_MEMORY, "no free frame for the new process")


def create_process(
    kernel: Kernel,
    creator: Process | None,
    program: str | Program,
    *,
    inherit: bool = False,
    flags: int = 0,
    args: Sequence[int] = (),
    cause: str = "syscall",
    console: int | Literal["inherit"] | None = INHERIT,
    account: str | None = None,
    session: int | None = None,
    name: str | None = None,
    quiet: bool = False,
) -> tuple[Process, int, int]:
    """Create a process; returns it with the handles put in the creator's table (0, 0
    without a creator).  Raises WinError with nothing created."""
    if flags & DETACHED_PROCESS and flags & CREATE_NEW_CONSOLE:
        raise WinError(ERROR_INVALID_PARAMETER, "DETACHED_PROCESS with CREATE_NEW_CONSOLE")
    if isinstance(program, str) and program not in kernel.programs:
        raise WinError(ERROR_FILE_NOT_FOUND, f"no program {program!r}")
    sysm = system(kernel)
    parent = win(creator) if creator is not None else None
    job = _job_for(parent, flags)
    account = account or (parent.account if parent is not None else SYSTEM_ACCOUNT)
    check_limits(kernel, account)
    table = (creator.resources.copy(lambda slot: slot.inheritable)
             if inherit and creator is not None else handle_table())
    data = WinProc(sysm.serial(), creator.pid if creator is not None else None,
                   parent.serial if parent is not None else None, account=account,
                   session=session if session is not None else (parent.session if parent else 0),
                   flags=flags)
    ids = sysm.ids
    try:
        pid, tid = ids.pair(kernel.processes)
        try:
            child = kernel.create(program, cause=cause, creator=creator, resources=table,
                                  platform=data, start=False, name=name, pid=pid)
        except (ProcessLimit, OutOfMemory):
            ids.free(pid)
            ids.free(tid)
            raise
    except (ProcessLimit, OutOfMemory) as error:
        table.close_all()
        code = (ERROR_NOT_ENOUGH_MEMORY if isinstance(error, OutOfMemory)
                else ERROR_NO_SYSTEM_RESOURCES)
        raise WinError(code, str(error)) from None
    lifetime.install(kernel, child, data, tid)
    sysm.running[account] += 1
    _console(kernel, child, parent, flags, console)
    child.context.registers[: len(args)] = list(args)
    if job is not None:
        job.members[child.pid] = child
        data.job = job
    hprocess = hthread = 0
    if creator is not None:
        hprocess = handles.add(creator, data.obj, PROCESS_ALL_ACCESS)
        hthread = handles.add(creator, data.thread, THREAD_ALL_ACCESS)
    if kernel.sinks and not quiet:
        trace(kernel, "CreateProcess", creator.pid if creator is not None else None,
              child=child.pid, program=child.program.name, hProcess=hprocess, hThread=hthread,
              tid=tid, flags=flags_text(flags),
              inherited=[value for value, _ in table] if inherit else None,
              job=job.describe() if job is not None else None)
    if flags & CREATE_SUSPENDED:
        data.thread.suspend_count = 1
        kernel.block(child, "suspended (CREATE_SUSPENDED)")
    else:
        kernel.ready(child, "created")
    return child, hprocess, hthread


def _console(kernel: Kernel, child: Process, parent: WinProc | None, flags: int,
             console: int | Literal["inherit"] | None) -> None:
    """Console and process group: inherited unless a flag (or the shell) says otherwise."""
    data = win(child)
    if parent is not None:
        data.group = parent.group
        data.ignore_ctrl_c = parent.ignore_ctrl_c
    if flags & DETACHED_PROCESS:
        data.console = None
    elif flags & CREATE_NEW_CONSOLE:
        sysm = system(kernel)
        sysm.consoles += 1
        data.console = sysm.consoles
        data.group = 0
    elif console != INHERIT:
        data.console = console
        data.group = 0
    else:
        data.console = parent.console if parent is not None else None
    if flags & CREATE_NEW_PROCESS_GROUP:
        # the group id is the new process's pid, and Ctrl+C is disabled in the group
        data.group = child.pid
        data.ignore_ctrl_c = True


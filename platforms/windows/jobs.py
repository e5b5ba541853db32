"""Job objects: the Windows way to manage a group of processes as a unit.

Rules (Job Objects, AssignProcessToJobObject, TerminateJobObject,
JOBOBJECT_BASIC_LIMIT_INFORMATION): assigning cannot be undone; a process
created by a member joins the job, unless it breaks away (and the job allows
it); TerminateJobObject ends every member with one code, as TerminateProcess
would; with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE the members end when the last
handle to the job closes.  The race-free way to start a process in a job is
create suspended, assign, resume.

Model: a process belongs to at most one job (assigning a member of another
job fails with ERROR_ACCESS_DENIED, as before Windows 8's nested jobs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from osmodel.kernel.process import ExitStatus

from . import handles
from .constants import (
    ERROR_ACCESS_DENIED,
    ERROR_INVALID_PARAMETER,
    JOB_LIMITS,
    JOB_OBJECT_ALL_ACCESS,
    JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
    WinError,
    dword,
)
from .objects import JobObject
from .proc import system, trace, win

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process


def create(kernel: Kernel, proc: Process) -> int:
    """CreateJobObject: a new, empty job; a handle with full access."""
    sysm = system(kernel)
    sysm.jobs += 1
    job = JobObject(number=sysm.jobs, on_zero=lambda j: _last_handle_closed(kernel, j))
    return handles.add(proc, job, JOB_OBJECT_ALL_ACCESS)


def assign(kernel: Kernel, caller: Process, job: JobObject, target: Process) -> None:
    """AssignProcessToJobObject: ``target`` is a member for good."""
    data = win(target)
    if target.exit is not None:
        raise WinError(ERROR_ACCESS_DENIED, f"process {target.pid} has ended")
    if data.job is job:
        return
    if data.job is not None:
        raise WinError(ERROR_ACCESS_DENIED, f"process {target.pid} is already in "
                       f"{data.job.describe()}")
    job.members[target.pid] = target
    data.job = job
    trace(kernel, "job", caller.pid, job=job.describe(), assigned=target.pid)


def set_limits(kernel: Kernel, caller: Process, job: JobObject, limits: int) -> None:
    """SetInformationJobObject with the basic limit flags."""
    if limits & ~JOB_LIMITS:
        raise WinError(ERROR_INVALID_PARAMETER, f"limit flags {limits & ~JOB_LIMITS:#x} "
                       "are not modelled")
    job.limits = limits


def terminate(kernel: Kernel, job: JobObject, code: int, *, reason: str,
              caller: Process | None = None) -> list[int]:
    """End every live member with ``code`` (the caller last, if it is one)."""
    code = dword(code)
    members = sorted(job.active(), key=lambda p: (p is caller, p.pid))
    trace(kernel, "job", caller.pid if caller is not None else None, job=job.describe(),
          terminate=[p.pid for p in members], code=code, reason=reason)
    for proc in members:
        if proc.exit is None:
            kernel.exit(proc, ExitStatus("killed", code, reason=reason))
    return [p.pid for p in members]


def _last_handle_closed(kernel: Kernel, job: JobObject) -> None:
    if job.limits & JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE and job.active():
        terminate(kernel, job, 0, reason=f"{job.describe()} closed (KILL_ON_JOB_CLOSE)")

"""fork and exec (fork(2), execve(2)): a copy-on-write clone, then a new image in it.

fork costs O(segments) whatever the size of the address space: the kernel's
``share_copy_on_write`` gives both sides a shadow object and the first write
to a page copies that page only.  exec keeps the pid and the descriptors
(except close-on-exec) and drops everything else of the old image.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from osmodel.kernel.kernel import ProcessLimit
from osmodel.kernel.process import ExitStatus, Frame

from .constants import EAGAIN, ENOENT, ENOMEM, ROOT, UnixError
from .proc import UnixProc, system, unix

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process


def register(kernel: Kernel, proc: Process) -> None:
    """Book a new process into its group, its parent's children and its user's count."""
    u = unix(proc)
    sysm = system(kernel)
    sysm.join(proc.pid, u.pgid)
    sysm.users[u.uid] = sysm.users.get(u.uid, 0) + 1
    if u.ppid is not None and u.ppid in kernel.processes:
        unix(kernel.processes[u.ppid]).children[proc.pid] = None


def check_limits(kernel: Kernel, uid: int) -> None:
    """RLIMIT_NPROC (root is exempt) and memory: EAGAIN or ENOMEM before anything is made."""
    limit = kernel.machine.limits.user_processes
    if uid != ROOT and limit is not None and system(kernel).users.get(uid, 0) >= limit:
        kernel.refuse(f"user {uid} had {limit} processes (RLIMIT_NPROC)")
        raise UnixError(EAGAIN, f"user {uid} has {limit} processes (RLIMIT_NPROC)")
    if kernel.pool.free == 0:
        raise UnixError(ENOMEM, "no free frame for the child")


def fork(kernel: Kernel, proc: Process, *, cause: str = "syscall",
         uid: int | None = None) -> Process:
    """A child that is a copy of ``proc``; not yet ready (the caller readies it).

    Inherited: descriptors (sharing open file descriptions), dispositions and
    mask, group, session, terminal, the context, the orphan and leaf-exit
    departures.  Not inherited: pending signals, CPU accounting (the new PCB
    starts at 0), alarms, the subreaper flag.  Raises UnixError (EAGAIN,
    ENOMEM) with nothing created.
    """
    pu = unix(proc)
    uid = pu.uid if uid is None else uid
    check_limits(kernel, uid)
    try:
        kernel.check_room()  # before the copy-on-write share: a refused fork shares nothing
    except ProcessLimit as error:
        raise UnixError(EAGAIN, str(error)) from None
    space = proc.space.share_copy_on_write()
    files = proc.resources.copy(lambda slot: True)
    data = UnixProc(ppid=proc.pid, pgid=pu.pgid, sid=pu.sid, uid=uid, caught=dict(pu.caught),
                    ignored=set(pu.ignored), mask=set(pu.mask), tty=pu.tty,
                    orphans=pu.orphans, leaf_exit=pu.leaf_exit)
    child = kernel.create(proc.program, cause=cause, creator=proc, space=space,
                          resources=files, name=proc.name, platform=data, start=False)
    src, dst = proc.context, child.context
    dst.pc, dst.sp, dst.error = src.pc, src.sp, src.error
    dst.registers[:] = src.registers
    dst.frames[:] = [Frame(f.pc, f.sp, f.burst_left, list(f.registers)) for f in src.frames]
    register(kernel, child)
    kernel.trace("fork", proc.pid, child=child.pid)
    return child


def exec_image(kernel: Kernel, proc: Process, program: str, args: Sequence[int] = ()) -> None:
    """Replace ``proc``'s image with ``program``; ENOENT if there is no such program."""
    if program not in kernel.programs:
        raise UnixError(ENOENT, f"no program {program!r}")
    kernel.replace_image(proc, program)
    for number, slot in list(proc.resources):
        if slot.close_on_exec:
            proc.resources.close(number)
    u = unix(proc)
    u.caught.clear()  # handlers point into the old code: back to default; ignored stay ignored
    u.execd = True
    proc.context.registers[: len(args)] = list(args)
    kernel.trace("exec", proc.pid, program=program)


def exec_or_127(kernel: Kernel, child: Process, program: str, args: Sequence[int] = ()) -> None:
    """What a shell's child does: exec, or report and exit 127 (an error exit)."""
    try:
        exec_image(kernel, child, program, args)
    except UnixError:
        kernel.console.write(child.pid, f"sh: {program}: not found")
        kernel.exit(child, ExitStatus("error", 127, reason="exec failed: ENOENT"))
        return
    kernel.ready(child, "forked")


def spawn(kernel: Kernel, proc: Process, program: str, args: Sequence[int] = ()) -> Process:
    """The portable spawn: fork, then exec in the child, which then runs."""
    child = fork(kernel, proc)
    exec_or_127(kernel, child, program, args)
    return child

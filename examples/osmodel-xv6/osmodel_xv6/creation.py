"""Making processes the xv6 way: allocproc into a fixed table, fork by copying, exec.

fork (kernel/proc.c) takes the first UNUSED slot of ``proc[NPROC]`` and fails
with -1 when there is none; it then copies the parent's memory page by page
and its open files, and the child returns 0 from the same fork.  exec
replaces the image in the same process; the new image is loaded whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from osmodel.kernel import OutOfMemory, ProcessLimit, Program

from . import memory
from .proc import SLOT_KEY, Xv6Proc, system, xv6

if TYPE_CHECKING:
    from osmodel.kernel import Kernel, Process


class ForkFailed(Exception):
    """fork returns -1: no free slot in the process table, or no memory for the copy."""


def _occupy(kernel: Kernel, proc: Process, slot: int) -> None:
    system(kernel).table[slot] = proc
    proc.extra[SLOT_KEY] = slot


def start(kernel: Kernel, program: str | Program, *, cause: str,
          creator: Process | None = None) -> Process:
    """A process made from a program image, not by fork: init at boot (userinit()).

    Not yet ready; raises ForkFailed when the table or memory is full.
    """
    sysm = system(kernel)
    slot = sysm.free_slot()
    if slot is None:
        raise ForkFailed("no free slot in the process table")
    name = program if isinstance(program, str) else program.name
    if isinstance(program, Program):
        kernel.image(program)  # a scenario program of the same name wins
    try:
        space, pages = memory.load(kernel, name)
    except OutOfMemory as error:
        raise ForkFailed(str(error)) from None
    try:
        proc = kernel.create(name, cause=cause, creator=creator, space=space,
                             platform=Xv6Proc(creator.pid if creator else None, slot),
                             start=False)
    except ProcessLimit as error:
        space.release()
        raise ForkFailed(str(error)) from None
    sysm.pages_loaded += pages
    _occupy(kernel, proc, slot)
    return proc


def fork(kernel: Kernel, parent: Process, *, cause: str = "syscall") -> tuple[Process, int]:
    """A copy of ``parent`` in a new slot: (child, pages copied).  Not yet ready.

    Inherited: memory (copied now, page by page), open files, the context (the
    child returns from the same fork).  Raises ForkFailed with nothing made.
    """
    sysm = system(kernel)
    slot = sysm.free_slot()
    if slot is None:
        sysm.forks_failed += 1
        raise ForkFailed(f"process table full (NPROC = {sysm.nproc})")
    try:
        space, copied = memory.copy(parent.space)
    except OutOfMemory as error:
        sysm.forks_failed += 1
        raise ForkFailed(str(error)) from None
    files = parent.resources.copy(lambda _slot: True)
    try:
        child = kernel.create(parent.program, cause=cause, creator=parent, space=space,
                              resources=files, name=parent.name,
                              platform=Xv6Proc(parent.pid, slot), start=False)
    except ProcessLimit as error:
        space.release()
        files.close_all()
        sysm.forks_failed += 1
        raise ForkFailed(str(error)) from None
    _occupy(kernel, child, slot)
    src, dst = parent.context, child.context
    dst.pc, dst.sp, dst.error = src.pc, src.sp, src.error
    dst.registers[:] = src.registers
    if kernel.sinks:
        kernel.trace("fork", parent.pid, child=child.pid, slot=slot, pages_copied=copied)
    return child, copied


def exec_image(kernel: Kernel, proc: Process, program: str, args: Sequence[int] = ()) -> None:
    """Replace ``proc``'s image with ``program``, loaded whole; raises OutOfMemory.

    The new space is built first, so a failed exec leaves the caller as it was
    (xv6's exec returns -1 and the old image goes on).
    """
    space, pages = memory.load(kernel, program)
    kernel.replace_image(proc, program)
    lazy, proc.space = proc.space, space
    lazy.release()
    proc.context.registers[: len(args)] = list(args)
    sysm = system(kernel)
    sysm.pages_loaded += pages
    if program == "sh" and xv6(proc).parent == sysm.init:
        sysm.shell = proc.pid  # init's child became the login shell
    if kernel.sinks:
        kernel.trace("exec", proc.pid, program=program, pages_loaded=pages)

"""What xv6 adds to a process and to the machine: the parts of struct proc the core lacks.

The core's PCB holds identity, context, memory and files.  xv6's ``struct
proc`` also has a parent pointer, the ``killed`` flag, the exit status kept
for ``wait`` and the channel it sleeps on; they hang off ``process.platform``
as an `Xv6Proc`.  The fixed process table (``proc[NPROC]``), the console's
typed lines and who init and the shell are live in one `Xv6System` per run.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, cast

from attrs import define, field

if TYPE_CHECKING:
    from osmodel.kernel import Kernel, Process

    from .platform import Xv6Platform

#: The size of xv6's process table (kernel/param.h).
NPROC = 64
#: The key under which a process's table slot is published in ``process.extra``, so a
#: scheduler such as xv6rr can scan the table in slot order without knowing xv6.
SLOT_KEY = "slot"


@define(eq=False)
class Xv6Proc:
    """Per-process xv6 data (the fields of struct proc the core's PCB does not have)."""

    #: The parent's pid (p->parent); None for init.
    parent: int | None
    #: The index of the process's entry in the process table.
    slot: int
    #: p->killed: set by kill(); the process exits at its next trap.
    killed: bool = False
    #: p->xstate: the status exit() left for wait().
    xstate: int | None = None


@define(eq=False)
class Xv6System:
    """Machine-wide xv6 state for one run."""

    nproc: int = NPROC
    #: proc[NPROC]: the process in each slot, or None for an UNUSED slot.
    table: list[Process | None] = field(factory=list)
    init: int | None = None
    #: The pid of the login shell, once it has exec'd sh.
    shell: int | None = None
    #: Lines typed at the console that sh has not read yet (each is the pid running it).
    console: deque[int] = field(factory=deque)
    #: Pages allocated and filled when a program was loaded (exec, boot); xv6 has no
    #: demand paging, so every page of a process exists from the start.
    pages_loaded: int = 0
    #: fork calls that returned -1 (the table was full, or memory ran out).
    forks_failed: int = 0

    def __attrs_post_init__(self) -> None:
        if not self.table:
            self.table = [None] * self.nproc

    def free_slot(self) -> int | None:
        """allocproc(): the first UNUSED slot, or None when the table is full."""
        for slot, occupant in enumerate(self.table):
            if occupant is None:
                return slot
        return None

    def in_use(self) -> int:
        return sum(1 for occupant in self.table if occupant is not None)

    def processes(self) -> Iterator[Process]:
        """Every process in the table (live and zombie), in slot order."""
        for occupant in self.table:
            if occupant is not None:
                yield occupant

    def children(self, pid: int) -> Iterator[Process]:
        """The processes whose parent is ``pid``, in slot order (how xv6's wait scans)."""
        for proc in self.processes():
            if xv6(proc).parent == pid:
                yield proc


def xv6(proc: Process) -> Xv6Proc:
    """The xv6 data of a process (every process of an xv6 run has it)."""
    return cast("Xv6Proc", proc.platform)


def platform_of(kernel: Kernel) -> Xv6Platform:
    return cast("Xv6Platform", kernel.platform)


def system(kernel: Kernel) -> Xv6System:
    return platform_of(kernel).system


def say(kernel: Kernel, proc: Process, text: str) -> None:
    """Write a line on the console, as the kernel's printf or a program's would."""
    kernel.output.append((kernel.now, proc.pid, text))
    if kernel.sinks:
        kernel.trace("print", proc.pid, text=text)

"""Kernel objects: what a handle refers to.

Each object counts its open handles in ``refs`` (the kernel's ResourceTable
adds one per slot and calls ``close()`` when a slot goes), so a handle
table is the only place a reference can come from.  When the count reaches
zero the object calls ``on_zero``, which the module that owns the rule sets
(a process record is released, a section's name disappears, a job with
KILL_ON_JOB_CLOSE ends its processes).  Waitable objects keep the
processes blocked on them in the order they started waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from attrs import define, field

if TYPE_CHECKING:
    from osmodel.kernel.files import ResourceTable
    from osmodel.kernel.kernel import Timer
    from osmodel.kernel.memory import MemoryObject
    from osmodel.kernel.process import Process


@define(eq=False)
class Waiter:
    """One process blocked in WaitForSingleObject (or the portable ``wait``) on one object.

    ``exit_code`` marks the portable ``wait``: it wakes with the process's exit
    code instead of WAIT_OBJECT_0.  ``deadline`` is None for INFINITE.
    """

    proc: Process
    obj: KernelObject
    exit_code: bool = False
    deadline: int | None = None
    timer: Timer | None = None
    #: The index of the waiting instruction, so an interrupted wait can resume there.
    pc: int = 0


@define(eq=False)
class KernelObject:
    """Base of every object a handle can refer to."""

    kind: ClassVar[str] = "object"
    waitable: ClassVar[bool] = False

    refs: int = 0
    on_zero: Callable[[Any], None] | None = None
    waiters: list[Waiter] = field(factory=list)
    #: The open handles to it, as (handle table, handle value), kept by ResourceTable, so
    #: who holds it is known without a pass over every process's table.
    held: dict[tuple[ResourceTable, int], None] = field(factory=dict)

    def holders(self) -> list[tuple[int, int]]:
        """(holder pid, handle value) of every open handle to it."""
        return [(table.owner if table.owner is not None else -1, value)
                for table, value in self.held]

    def close(self) -> None:
        """One handle closed (called by ResourceTable.close)."""
        self.refs -= 1
        if self.refs == 0 and self.on_zero is not None:
            self.on_zero(self)

    def signaled(self) -> bool:
        return False

    def describe(self) -> str:
        return self.kind


@define(eq=False, kw_only=True)
class ProcessObject(KernelObject):
    """A process: signaled once it has ended; lives while live or any handle is open."""

    kind: ClassVar[str] = "process"
    waitable: ClassVar[bool] = True

    proc: Process
    #: The platform's exit work is done: only now may the record be released.
    finished: bool = False

    def signaled(self) -> bool:
        return self.proc.exit is not None

    def describe(self) -> str:
        return f"process {self.proc.pid} {self.proc.name}"


@define(eq=False, kw_only=True)
class ThreadObject(KernelObject):
    """The primary (only) thread of a process; an open thread handle keeps its process."""

    kind: ClassVar[str] = "thread"
    waitable: ClassVar[bool] = True

    proc: Process
    tid: int
    suspend_count: int = 0
    #: The thread id went back to the id table (the thread ended, no handle is open).
    freed: bool = False

    def signaled(self) -> bool:
        return self.proc.exit is not None

    def describe(self) -> str:
        return f"thread {self.tid} of {self.proc.pid} {self.proc.name}"


@define(eq=False, kw_only=True)
class EventObject(KernelObject):
    """An event: manual-reset (stays signaled, wakes every waiter) or auto-reset
    (wakes one waiter and resets)."""

    kind: ClassVar[str] = "event"
    waitable: ClassVar[bool] = True

    manual: bool
    state: bool = False
    number: int = 0

    def signaled(self) -> bool:
        return self.state

    def describe(self) -> str:
        return f"event {self.number}"


@define(eq=False, kw_only=True)
class SectionObject(KernelObject):
    """A file-mapping (section) object backed by the paging file.

    It holds one reference on ``memory`` while a handle is open; every view
    holds its own, so views outlive the last handle (as in Windows).
    """

    kind: ClassVar[str] = "section"

    name: str
    npages: int
    memory: MemoryObject
    number: int = 0

    def describe(self) -> str:
        return f"section {self.name!r}" if self.name else f"section {self.number} (unnamed)"


@define(eq=False, kw_only=True)
class JobObject(KernelObject):
    """A job: a group of processes managed as a unit.

    ``members`` holds every process ever assigned (pid -> process), in order;
    a process stays a member for good.  ``limits`` is the LimitFlags mask.
    """

    kind: ClassVar[str] = "job"

    number: int
    limits: int = 0
    members: dict[int, Process] = field(factory=dict)

    def active(self) -> list[Process]:
        return [p for p in self.members.values() if p.exit is None]

    def describe(self) -> str:
        return f"job {self.number}"


def kind_of(obj: object) -> str:
    """The object type a handle refers to (``file`` for the core's open files)."""
    return obj.kind if isinstance(obj, KernelObject) else "file"


def describe(obj: object) -> str:
    text = getattr(obj, "describe", None)
    return str(text()) if text is not None else type(obj).__name__

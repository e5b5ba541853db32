"""What Windows adds to a process and to the machine: the data the kernel core does not know.

The core's PCB keeps identity, context, memory and the handle table (its
resource table, numbered in multiples of four); the creator record, the
console, the control handlers, the __try frames, the job and the kernel
objects hang off ``process.platform``.  Machine-wide state (the id table,
the object namespace, consoles, who serves the outside world) lives in one
`WindowsSystem` owned by the platform instance of the run.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from attrs import define, field

from osmodel.kernel.files import ResourceTable
from osmodel.kernel.kernel import PidAllocator, ProcessLimit
from osmodel.kernel.platform import MachineData, ProcessData

from .constants import STILL_ACTIVE, USER_ACCOUNT, USER_CONSOLE

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process

    from .objects import JobObject, ProcessObject, SectionObject, ThreadObject, Waiter


def handle_table() -> ResourceTable:
    """Handle values: the lowest free multiple of four, from 4 (0 is NULL)."""
    return ResourceTable(first=4, step=4)


@define(eq=False)
class ClientIds(PidAllocator):
    """Process and thread ids from one table, as Windows' client-id table hands them out:
    multiples of four, and an id is reused (lowest first) once its object is gone."""

    first: int = 4
    step: int = 4
    limit: int = 4_194_304
    freed: list[int] = field(factory=list)
    #: Ids held by thread objects (a pid must not collide with a tid).
    threads: set[int] = field(factory=set)

    def allocate(self, in_use: Mapping[int, Any]) -> int:
        while self.freed:
            cid = heapq.heappop(self.freed)
            if cid not in in_use and cid not in self.threads:
                return cid
        start = cid = self.next
        while cid in in_use or cid in self.threads:
            cid += self.step
            if cid >= self.limit:
                cid = self.first
            if cid == start:
                raise ProcessLimit("no free process or thread id")
        nxt = cid + self.step
        self.next = self.first if nxt >= self.limit else nxt
        return cid

    def pair(self, in_use: Mapping[int, Any]) -> tuple[int, int]:
        """A process id and its primary thread's id; ProcessLimit when ids run out."""
        pid = self.allocate(in_use)
        self.threads.add(pid)
        try:
            tid = self.allocate(in_use)
        except ProcessLimit:
            self.free(pid)
            raise
        self.threads.discard(pid)
        self.threads.add(tid)
        return pid, tid

    def free(self, cid: int) -> None:
        self.threads.discard(cid)
        heapq.heappush(self.freed, cid)


@define(eq=False)
class TryFrame:
    """An active ``__try`` block: where its ``__except`` starts and the stack to unwind to.

    ``depth`` is how many handler frames (Ctrl handlers) were active at ``try``,
    so a fault inside a handler is not caught by the program's outer block.
    """

    handler: int
    sp: int
    depth: int


@define(eq=False)
class WinProc:
    """Per-process Windows data (the parts of EPROCESS and the PEB the model needs)."""

    serial: int
    #: The creator's pid, only recorded (None for the first processes); may go stale.
    creator: int | None
    creator_serial: int | None
    account: str = USER_ACCOUNT
    session: int = 1
    #: The console the process is attached to, or None (DETACHED_PROCESS, services).
    console: int | None = None
    #: Console process group: 0 is the console's first group, else the pid of the
    #: process created with CREATE_NEW_PROCESS_GROUP that started it.
    group: int = 0
    ignore_ctrl_c: bool = False
    #: SetConsoleCtrlHandler routines (handler pcs) in the order added; the last runs first.
    handlers: list[int] = field(factory=list)
    tries: list[TryFrame] = field(factory=list)
    job: JobObject | None = None
    flags: int = 0
    exit_code: int = STILL_ACTIVE
    #: The code GetExceptionCode reads inside an __except block.
    exception: int = 0
    wait: Waiter | None = None
    #: A wait interrupted to run a Ctrl handler: (instruction index, deadline) to resume.
    resume: tuple[int, int | None] | None = None
    obj: ProcessObject = field(init=False)
    thread: ThreadObject = field(init=False)


@define(eq=False)
class WindowsSystem:
    """Machine-wide Windows state for one run."""

    ids: ClientIds = field(factory=ClientIds)
    #: The object namespace (\\BaseNamedObjects): named sections by name.
    names: dict[str, SectionObject] = field(factory=dict)
    serials: int = 0
    events: int = 0
    sections: int = 0
    jobs: int = 0
    consoles: int = USER_CONSOLE
    #: Live processes per account, for the per-user quota.
    running: Counter[str] = field(factory=Counter)
    #: Who serves the outside world: the shell (explorer) and the Task Scheduler.
    shell: int | None = None
    scheduler: int | None = None

    def serial(self) -> int:
        self.serials += 1
        return self.serials


#: ``win(process)``: the Windows data of a process (every process of a windows run has it).
win = ProcessData(WinProc, "windows")


#: ``system(kernel)``: the machine-wide state of a windows run (the platform's ``system``).
system = MachineData(WindowsSystem, "windows")


def alive(kernel: Kernel, pid: int | None) -> Process | None:
    """The live process with ``pid``, or None."""
    proc = kernel.processes.get(pid) if pid is not None else None
    return proc if proc is not None and proc.exit is None else None


def creator_status(kernel: Kernel, proc: Process) -> str:
    """``running``, ``ended`` (its object is still kept), ``gone`` or ``reused``."""
    data = win(proc)
    if data.creator is None:
        return "none"
    other = kernel.processes.get(data.creator)
    if other is None:
        return "gone"
    if win(other).serial != data.creator_serial:
        return "reused"
    return "running" if other.exit is None else "ended"


def trace(kernel: Kernel, kind: str, pid: int | None, **info: Any) -> None:
    """A platform event (no CPU); `Kernel.trace` builds it only when a sink listens."""
    kernel.trace(kind, pid, None, **info)

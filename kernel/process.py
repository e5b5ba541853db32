"""The process control block and the values it holds.

The PCB keeps what every platform needs: identity, program, state, saved CPU
context, address space, resource table, accounting and scheduling fields,
and why the process was created.  What only one platform knows (a parent, a
process group, a handle's rights) hangs off ``platform``, owned by that
platform's plugin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from attrs import define, field, frozen

from .files import ResourceTable
from .memory import AddressSpace, image_space
from .program import REGISTERS, Program
from .states import NEW, State

if TYPE_CHECKING:
    from .cpu import CPU
    from .link import Image

#: Why a process exists: the textbook's four causes of creation.
CAUSES = ("boot", "syscall", "user", "batch")
#: How a process ended: the textbook's four ways.
EXIT_KINDS = ("normal", "error", "fatal", "killed")


@frozen
class ExitStatus:
    """How a process ended, as its platform reports it.

    ``code`` is what a waiting process or shell sees (UNIX shows death by
    signal N as 128+N; Windows keeps 32 bits); ``signal`` is the signal
    number where one ended it; ``reason`` names the cause in the platform's
    own words (``SIGSEGV``, ``EXCEPTION_ACCESS_VIOLATION``, ``exit``).
    """

    kind: str
    code: int | None
    signal: int | None = None
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "code": self.code, "signal": self.signal,
                "reason": self.reason}


@define(eq=False)
class Frame:
    """A context saved when a handler interrupts the program (a signal, an exception)."""

    pc: int
    sp: int
    burst_left: int
    registers: list[int]
    #: Called when the handler returns (a platform restores a signal mask, say).
    on_return: Callable[[Process], None] | None = None


@define(eq=False)
class Context:
    """The CPU state saved in the PCB on a context switch.

    ``burst_left`` is what remains of an instruction that was cut short (a
    ``cpu 5`` preempted after 2 ticks resumes with 3 left).  ``result`` is
    the register that receives the value of a blocking call when it wakes.
    """

    pc: int = 0
    sp: int = 0
    registers: list[int] = field(factory=lambda: [0] * REGISTERS)
    burst_left: int = 0
    result: int | None = None
    error: int = 0
    _frames: list[Frame] | None = field(default=None, alias="frames")

    @property
    def frames(self) -> list[Frame]:
        """Contexts saved by handlers that have not returned, innermost last (made on first
        use: most processes never run a handler)."""
        frames = self._frames
        if frames is None:
            frames = self._frames = []
        return frames

    def snapshot(self) -> dict[str, Any]:
        return {"pc": self.pc, "sp": self.sp, "registers": list(self.registers),
                "burst_left": self.burst_left}


#: The context every retired process shares (`Process.retire`): nothing runs it again.
RETIRED_CONTEXT = Context(registers=[])


@define(eq=False)
class Accounting:
    """Times, in ticks.  ``since`` is when the current state began."""

    created: int = 0
    first_run: int | None = None
    cpu: int = 0
    ready: int = 0
    blocked: int = 0
    ended: int | None = None
    since: int = 0
    switches_in: int = 0
    preemptions: int = 0

    @property
    def response(self) -> int | None:
        return None if self.first_run is None else self.first_run - self.created

    @property
    def turnaround(self) -> int | None:
        return None if self.ended is None else self.ended - self.created

    @property
    def wait(self) -> int:
        return self.ready

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "first_run": self.first_run, "cpu": self.cpu,
                "ready": self.ready, "blocked": self.blocked, "ended": self.ended}


@define(eq=False)
class Process:
    """The PCB.  An entity: two processes are never equal unless they are one."""

    pid: int
    name: str
    program: Program
    image: Image
    cause: str
    creator: int | None
    #: None until first used: a job that never touches memory or opens anything pays for
    #: neither (see the `space` and `resources` properties).
    _space: AddressSpace | None = field(alias="space")
    _resources: ResourceTable | None = field(alias="resources")
    state: State = NEW
    context: Context = field(factory=Context)
    acct: Accounting = field(factory=Accounting)
    # Scheduling.  The launch contract: what a timeline entry or `Kernel.launching` gives
    # the job before the scheduler first sees it (docs/scenario.md), read by policies.
    #: Lower is better under ``priority`` (``order = "high-first"`` reverses it).
    priority: int = 0
    #: -20 to 19; ``cfs`` turns it into a weight.
    nice: int = 0
    #: The job's share under ``lottery`` and ``stride``.
    tickets: int = 100
    #: The CPU demand the job declares: the oracle that SJF and STCF read (None: unknown).
    expected: int | None = None
    #: The CPUs this process may run on (None: any); schedulers honour it.
    affinity: frozenset[int] | None = None
    # Published by the policy in use for traces and views (the switch event's
    # "scheduling" field): ``mlfq``'s current level, ``cfs``'s virtual runtime or
    # ``stride``'s pass.  Written by those policies only.
    level: int = 0
    vruntime: float = 0.0
    # Owned by the scheduler in use.
    #: Its per-process state (the built-in policies keep a `Job` here); None until it admits.
    sched: Any = None
    #: Bumped when the process leaves a ready queue (picked or removed), so a queue entry
    #: that recorded an older value is stale (`BaseScheduler.remove` bumps it).
    qtoken: int = 0
    # runtime links
    cpu: CPU | None = None
    wakeup: Any = None
    blocked_on: str = ""
    #: Actions to run at the next instruction boundary (see `Kernel.interrupt`); a tuple,
    #: so the many processes that never get one share the empty one.
    pending: tuple[Callable[[Process], None], ...] = ()
    exit: ExitStatus | None = None
    # owned by plugins
    platform: Any = None
    _extra: dict[str, Any] | None = field(default=None, alias="extra")

    @property
    def space(self) -> AddressSpace:
        """The address space; one that maps the program's image is made on first use."""
        space = self._space
        if space is None:  # an ended process that never had one has an empty one
            space = self._space = (image_space(self.image) if self.exit is None
                                   else AddressSpace(self.image.text.pool))
        return space

    @space.setter
    def space(self, space: AddressSpace) -> None:
        self._space = space

    @property
    def resources(self) -> ResourceTable:
        """The resource table (descriptors, handles); an empty one is made on first use."""
        table = self._resources
        if table is None:
            table = self._resources = ResourceTable()
        return table

    @resources.setter
    def resources(self, table: ResourceTable) -> None:
        self._resources = table

    def release_memory(self) -> None:
        """Unmap the space and close the resources, if the process ever had them (exit)."""
        if self._space is not None:
            self._space.release()
        if self._resources is not None:
            self._resources.close_all()

    def retire(self, keep_context: bool = False) -> None:
        """Shrink the record of a released process to what reports of an ended process
        read: identity, program, cause, creator, state, exit, accounting, scheduling
        fields and the platform's data.  Its memory and resources were released at its
        exit (asked for again, they are empty), and the policy's entry, the timers and
        the saved context go; ``keep_context`` keeps the context, which a CPU that ran
        the process last still shows when it next switches (the trace's ``saved``)."""
        self._space = None
        self._resources = None
        self.sched = None
        self.wakeup = None
        self.pending = ()
        self.cpu = None
        if not keep_context:
            self.context = RETIRED_CONTEXT

    @property
    def extra(self) -> dict[str, Any]:
        """What other plugins publish about the process, by key (made on first use)."""
        extra = self._extra
        if extra is None:
            extra = self._extra = {}
        return extra

    def __repr__(self) -> str:
        return f"<Process {self.pid} {self.name} {self.state}>"

    @property
    def code(self) -> tuple[Any, ...]:
        return self.image.code

"""The scheduler interface: a decision object made once at boot, then called directly.

The kernel never calls pluggy while it runs; it calls these methods.  A
scheduler plugin returns a factory from ``osmodel_schedulers``; the factory
gets the kernel and the scheduler's options and returns an object with the
methods of `Scheduler`.  `BaseScheduler` gives harmless defaults.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .cpu import CPU
    from .kernel import Kernel
    from .process import Process


class Scheduler(Protocol):
    #: True when a newly ready process may take a CPU from a running one.
    preemptive: bool

    def admit(self, process: Process, reason: str) -> None:
        """``process`` became ready (new, woken, preempted or its quantum expired)."""

    def pick(self, cpu: CPU) -> Process | None:
        """Remove and return the process that ``cpu`` should run next, or None to idle."""

    def remove(self, process: Process) -> None:
        """``process`` left the ready queue without being picked (killed, stopped)."""

    def slice(self, process: Process, cpu: CPU) -> int | None:
        """How many ticks ``process`` may run now; None runs it until it blocks or ends."""

    def ran(self, process: Process, ticks: int, reason: str) -> None:
        """``process`` left its CPU after ``ticks``; why: expired, blocked, exit or preempted."""

    def victim(self, process: Process, running: list[CPU]) -> CPU | None:
        """For a preemptive scheduler: the CPU whose process ``process`` should displace."""


class Cycler(Scheduler, Protocol):
    """A scheduler whose next turns can be predicted: round robin over a fixed cycle.

    Optional: a scheduler that has ``cycle`` lets the kernel fast-forward its
    rounds on one CPU without trace sinks (`Kernel` counts the turns instead
    of taking them; the run is the same, slice for slice).  The kernel calls
    ``cycle`` after a quantum expired and ``first`` was picked; if it forwards,
    it calls ``forwarded`` for each member whose turns it counted and, at the
    end, ``requeue`` with the members still ready in the order they run next.
    """

    def cycle(self, cpu: CPU, first: Process) -> tuple[list[Process], int] | None:
        """``first`` and then the ready queue, in the order they will take their turns,
        with the quantum each turn lasts; None when the next turns are not such a round.
        Read only: nothing leaves the queue."""

    def forwarded(self, process: Process, turns: int) -> None:
        """``process`` had ``turns`` more quanta, each ending in expiry, that no call reported:
        bring the policy's books up to date as if `pick`, `slice` and `ran` had been called."""

    def requeue(self, order: list[Process], members: list[Process]) -> None:
        """The forward ended: the ready queue is ``order`` first, then whoever was admitted
        meanwhile; members of the cycle not in ``order`` have left it (they ended)."""


SchedulerFactory = Callable[["Kernel", Mapping[str, Any]], Scheduler]


class BaseScheduler:
    """Defaults for a scheduler: not preemptive, unlimited slices, no bookkeeping."""

    preemptive = False
    #: Options this scheduler accepts, with their defaults (checked by the kernel).
    options: Mapping[str, Any] = {}

    def __init__(self, kernel: Kernel, options: Mapping[str, Any]) -> None:
        self.kernel = kernel
        self.config = {**self.options, **options}

    def admit(self, process: Process, reason: str) -> None:
        raise NotImplementedError

    def pick(self, cpu: CPU) -> Process | None:
        raise NotImplementedError

    def remove(self, process: Process) -> None:
        process.qtoken += 1

    def slice(self, process: Process, cpu: CPU) -> int | None:
        return None

    def ran(self, process: Process, ticks: int, reason: str) -> None:
        pass

    def victim(self, process: Process, running: list[CPU]) -> CPU | None:
        return None

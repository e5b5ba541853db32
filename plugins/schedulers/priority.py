"""Priority scheduling: the ready process with the best priority runs next.

Reads ``process.priority`` (a scenario's ``priority``).  By default a lower
number is a higher priority, as with UNIX nice values (``order =
"low-first"``); ``order = "high-first"`` makes a higher number the higher
priority, as on Windows.  Equal priorities break by arrival: the order in
which the processes became ready (processes created together: pid order).

Options:

``preemptive`` (default false)
    A process that becomes ready with a strictly better priority than a
    running one takes its CPU: of the running processes it beats (on CPUs
    its affinity allows), the one with the worst priority, the
    lowest-numbered CPU on ties.  The displaced process goes back to the
    ready queue as a new arrival.  Without it a process runs until it blocks
    or ends.
``aging`` (ticks, default 0: off)
    Every ``aging`` ticks a process spends waiting in the ready queue, its
    effective priority improves by one level (without bound): a process
    waiting ``w`` ticks has effective priority ``priority - w // aging`` (in
    low-first terms).  So a low-priority process cannot starve: it
    eventually beats any newcomer.  The wait counts from when the process
    last became ready; once it is picked its effective priority stays what
    it was at that moment while it runs (so a newcomer preempts it only if
    strictly better than that), and when it becomes ready again it starts
    from its own priority.  Ties between equal effective priorities break by
    arrival.  ``process.priority`` itself never changes.
``queues``
    ``"shared"`` (default) or ``"per-cpu"``, see `osmodel.plugins.schedulers.policy`.

Cost: without aging a pick is a heap operation; with aging, a pick looks at
the head of each distinct priority value that has processes waiting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from osmodel.kernel import hookimpl

from .policy import Job, Policy
from .queues import FifoQueue, HeapQueue

if TYPE_CHECKING:
    from osmodel.kernel.cpu import CPU
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process
    from osmodel.kernel.scheduler import SchedulerFactory

ORDERS = ("low-first", "high-first")


class PriorityJob(Job):
    __slots__ = ("effective", "rank", "ready_at")

    def __init__(self) -> None:
        super().__init__()
        #: The priority in low-first terms when it was queued, and when.
        self.rank = 0
        self.ready_at = 0
        #: Its effective priority when it was last picked.
        self.effective = 0


class AgingQueue:
    """One FIFO per priority value; a pick compares the heads' effective priorities."""

    __slots__ = ("aging", "count", "cpus", "index", "kernel", "levels")

    def __init__(self, index: int, cpus: int, kernel: Kernel, aging: int) -> None:
        self.index = index
        self.cpus = cpus
        self.kernel = kernel
        self.aging = aging
        self.count = 0
        self.levels: dict[int, FifoQueue] = {}

    def push(self, process: Process, rank: int, seq: int) -> None:
        level = self.levels.get(rank)
        if level is None:
            level = self.levels[rank] = FifoQueue(self.index, self.cpus)
        level.push(process, seq)
        self.count += 1

    def pop(self, cpu: int) -> Process | None:
        now = self.kernel.now
        aging = self.aging
        best: tuple[int, int] | None = None
        chosen: tuple[FifoQueue, Any] | None = None
        for rank, level in list(self.levels.items()):
            line = level.best(cpu)
            if line is None:
                if not level.count:
                    del self.levels[rank]
                continue
            seq, _, process = line[0]
            key = (rank - (now - process.sched.ready_at) // aging, seq)
            if best is None or key < best:
                best, chosen = key, (level, line)
        if chosen is None:
            return None
        self.count -= 1
        return chosen[0].take(chosen[1])

    def discard(self, process: Process) -> None:
        self.levels[process.sched.rank].discard(process)
        self.count -= 1


class PriorityScheduling(Policy):
    name = "priority"
    options: Mapping[str, Any] = {"preemptive": False, "aging": 0, "order": "low-first",
                                  "queues": "shared"}
    job_class = PriorityJob

    def __init__(self, kernel: Kernel, options: Mapping[str, Any]) -> None:
        super().__init__(kernel, options)
        self.preemptive = self.read.boolean("preemptive")
        self.aging = self.read.integer("aging", 0)
        self.sign = 1 if self.read.choice("order", ORDERS) == "low-first" else -1
        if self.aging:
            aging = self.aging
            self.make_queues(lambda index, cpus: AgingQueue(index, cpus, kernel, aging))
        else:
            self.make_queues(HeapQueue)

    def enqueue(self, process: Process, job: PriorityJob, queue: Any, reason: str) -> None:
        job.rank = rank = self.sign * process.priority
        job.ready_at = self.kernel.now
        queue.push(process, rank, self.next_seq())

    def picked(self, process: Process, job: PriorityJob, cpu: CPU) -> None:
        waited = self.kernel.now - job.ready_at
        job.effective = job.rank - waited // self.aging if self.aging else job.rank

    def displaces(self, process: Process, other: Process, cpu: CPU) -> Any:
        theirs = other.sched.effective
        return theirs if process.sched.rank < theirs else None


@hookimpl
def osmodel_schedulers() -> dict[str, SchedulerFactory]:
    return {"priority": PriorityScheduling}

"""First come, first served: one FIFO ready queue, each process runs until it blocks or ends.

Not preemptive.  A process goes to the back of the queue whenever it becomes
ready (created, or woken after I/O or a wait), and runs until it blocks or
ends.  Ties break by arrival: the order in which processes became ready; at
one tick, the order the kernel made them ready (jobs created together: pid
order).

Option ``queues``: ``"shared"`` (default) or ``"per-cpu"``, see
`osmodel.plugins.schedulers.policy` (placement, stealing the oldest entry of
the longest queue, affinity).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from osmodel.kernel import hookimpl

from .policy import Job, Policy
from .queues import FifoQueue

if TYPE_CHECKING:
    from osmodel.kernel.cpu import CPU
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process
    from osmodel.kernel.scheduler import SchedulerFactory


class FirstComeFirstServed(Policy):
    """FIFO over `FifoQueue`; `RoundRobin` adds a quantum."""

    name = "fifo"
    options: Mapping[str, Any] = {"queues": "shared"}

    def __init__(self, kernel: Kernel, options: Mapping[str, Any]) -> None:
        super().__init__(kernel, options)
        self.make_queues(FifoQueue)
        #: The shared queue, whose unpinned processes take a short path (None: per-CPU).
        self.lean: FifoQueue | None = None if self.per_cpu else self.queues[0]

    def enqueue(self, process: Process, job: Job, queue: FifoQueue, reason: str) -> None:
        queue.push(process, self.next_seq())

    # The two methods below run once per time slice under round robin: the
    # common case (one shared queue, no affinity) is written out.

    def admit(self, process: Process, reason: str) -> None:
        lean = self.lean
        if lean is not None and process.affinity is None:
            self.seq = seq = self.seq + 1
            lean.any.append((seq, process.qtoken, process))
            lean.count += 1
            return
        Policy.admit(self, process, reason)

    def pick(self, cpu: CPU) -> Process | None:
        lean = self.lean
        if lean is not None and not lean.pinned:
            line = lean.any
            while line:
                _, token, process = line.popleft()
                if token == process.qtoken:
                    process.qtoken += 1
                    lean.count -= 1
                    job = process.sched
                    if job is not None:
                        job.queue = None
                    return process
            return None
        return Policy.pick(self, cpu)


@hookimpl
def osmodel_schedulers() -> dict[str, SchedulerFactory]:
    return {"fifo": FirstComeFirstServed}

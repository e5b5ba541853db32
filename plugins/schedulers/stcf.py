"""Shortest time to completion first: preemptive SJF on the CPU time a job has left.

A job's remaining time is ``process.expected`` (its declared CPU demand)
minus the CPU time it has used, counting what it has run in its current
slice; never below 0.  The ready job with the least remaining time runs
next.  A job that becomes ready with strictly less remaining time than a
running job preempts it: of the running jobs it beats (on CPUs its affinity
allows), the one with the most time left, the lowest-numbered CPU on ties.
The preempted job goes back to the ready queue as a new arrival.

Jobs whose ``expected`` is None have infinite remaining time: they run only
when no job with a known demand is ready (first come first served among
themselves), and any job with a known demand preempts them.  Equal remaining
times break by arrival: the order in which the jobs became ready (jobs
created together: pid order).

Option ``queues``: ``"shared"`` (default) or ``"per-cpu"``, see
`osmodel.plugins.schedulers.policy`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from osmodel.kernel import hookimpl

from .policy import INF, Job, Policy
from .queues import HeapQueue

if TYPE_CHECKING:
    from osmodel.kernel.cpu import CPU
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process
    from osmodel.kernel.scheduler import SchedulerFactory


class ShortestTimeToCompletion(Policy):
    name = "stcf"
    preemptive = True
    options: Mapping[str, Any] = {"queues": "shared"}

    def __init__(self, kernel: Kernel, options: Mapping[str, Any]) -> None:
        super().__init__(kernel, options)
        self.make_queues(HeapQueue)

    def remaining(self, process: Process, cpu: CPU | None = None) -> float:
        """CPU time ``process`` has left; ``cpu``: the one it is running on."""
        expected = process.expected
        if expected is None:
            return INF
        used = process.acct.cpu + (self.ran_so_far(cpu) if cpu is not None else 0)
        return max(expected - used, 0)

    def enqueue(self, process: Process, job: Job, queue: HeapQueue, reason: str) -> None:
        queue.push(process, self.remaining(process), self.next_seq())

    def displaces(self, process: Process, other: Process, cpu: CPU) -> Any:
        theirs = self.remaining(other, cpu)
        return theirs if self.remaining(process) < theirs else None


@hookimpl
def osmodel_schedulers() -> dict[str, SchedulerFactory]:
    return {"stcf": ShortestTimeToCompletion}

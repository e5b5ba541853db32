"""Shortest job first: the ready job with the smallest declared CPU demand runs next.

Not preemptive: a job keeps its CPU until it blocks or ends.  The demand is
``process.expected`` (the oracle a scenario gives as ``length``), the whole
job's declared CPU time, not what is left of it (that is ``stcf``).  Jobs
whose ``expected`` is None go after every job with a known demand, first
come first served among themselves.  Equal demands break by arrival: the
order in which the jobs became ready (jobs created together: pid order).

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
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process
    from osmodel.kernel.scheduler import SchedulerFactory


class ShortestJobFirst(Policy):
    name = "sjf"
    options: Mapping[str, Any] = {"queues": "shared"}

    def __init__(self, kernel: Kernel, options: Mapping[str, Any]) -> None:
        super().__init__(kernel, options)
        self.make_queues(HeapQueue)

    def enqueue(self, process: Process, job: Job, queue: HeapQueue, reason: str) -> None:
        expected = process.expected
        queue.push(process, INF if expected is None else expected, self.next_seq())


@hookimpl
def osmodel_schedulers() -> dict[str, SchedulerFactory]:
    return {"sjf": ShortestJobFirst}

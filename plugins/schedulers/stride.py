"""Stride scheduling: deterministic proportional share (Waldspurger; OSTEP chapter 9).

Each process has a stride of ``big // tickets`` (``process.tickets``; fewer
than 1 counts as 1; a stride is at least 1) and a pass value.  The ready
process with the lowest pass runs next, for up to a quantum, and its pass
then advances by its stride for every tick it ran (with quantum 1, by one
stride per pick, as in OSTEP's example).  Over a run each process gets CPU
time in proportion to its tickets, exactly so when ``big`` is a multiple of
every ticket count (as 10,000 is of 100, 50 and 250).

Equal passes break by arrival: the order in which the processes became
ready (processes created together: pid order).  A process that joins (new)
or comes back after blocking starts at the larger of its own pass and the
pass of the process picked last, so a newcomer cannot monopolise the CPU
and sleeping earns no credit.  ``process.vruntime`` shows the pass value.

Options: ``quantum`` (ticks, default 1; 0 runs a process until it blocks or
ends), ``big`` (the number strides are computed from, default 10,000 as in
OSTEP; at most `MAX_BIG`, 1,000,000,000) and ``queues`` (``"shared"`` or
``"per-cpu"``, see `osmodel.plugins.schedulers.policy`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from osmodel.kernel import hookimpl

from .options import MAX_BIG
from .policy import Job, Policy
from .queues import HeapQueue

if TYPE_CHECKING:
    from osmodel.kernel.cpu import CPU
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process
    from osmodel.kernel.scheduler import SchedulerFactory


class StrideJob(Job):
    __slots__ = ("pass_value", "stride")

    def __init__(self) -> None:
        super().__init__()
        self.pass_value = 0
        self.stride = 1


class Stride(Policy):
    name = "stride"
    options: Mapping[str, Any] = {"quantum": 1, "big": 10_000, "queues": "shared"}
    job_class = StrideJob

    def __init__(self, kernel: Kernel, options: Mapping[str, Any]) -> None:
        super().__init__(kernel, options)
        self.quantum: int | None = self.read.integer("quantum", 0) or None
        self.big = self.read.integer("big", 1, MAX_BIG)
        #: The pass of the process picked last (never decreasing).
        self.floor = 0
        self.make_queues(HeapQueue)

    def enqueue(self, process: Process, job: StrideJob, queue: HeapQueue, reason: str) -> None:
        job.stride = max(1, self.big // max(1, process.tickets))
        if job.last in ("", "blocked", "removed") and job.pass_value < self.floor:
            job.pass_value = self.floor
        process.vruntime = job.pass_value
        queue.push(process, job.pass_value, self.next_seq())

    def picked(self, process: Process, job: StrideJob, cpu: CPU) -> None:
        if job.pass_value > self.floor:
            self.floor = job.pass_value

    def charge(self, process: Process, job: StrideJob, ticks: int, reason: str) -> None:
        job.pass_value += job.stride * ticks
        process.vruntime = job.pass_value

    def slice(self, process: Process, cpu: CPU) -> int | None:
        return self.quantum


@hookimpl
def osmodel_schedulers() -> dict[str, SchedulerFactory]:
    return {"stride": Stride}

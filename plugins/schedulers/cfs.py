"""A CFS-like fair scheduler: the process with the least virtual runtime runs next.

Weights come from Linux's nice-to-weight table (``sched_prio_to_weight``):
nice 0 weighs 1024, and each nice step is about 1.25 times the CPU share
(``process.nice``, clamped to -20..19).  A process that runs ``t`` ticks
advances its virtual runtime by ``t * 1024 / weight``; ``process.vruntime``
is brought up to date whenever it leaves a CPU.  Its slice is ``max(
min_granularity, sched_latency * weight // total_weight)`` ticks, where
``total_weight`` sums the weights of all ready and running processes (of the
whole machine, also with several CPUs).  Over a run, CPU time is shared in
proportion to the weights.

Placement: ``min_vruntime`` is the smallest virtual runtime of the ready and
running processes, never decreasing, taken when a process joins.  A new
process starts at ``max(its vruntime, min_vruntime)`` (no start debit); a
process that comes back after blocking at ``max(its vruntime, min_vruntime -
sched_latency / 2)`` (Linux's gentle sleeper credit), so a sleeper runs soon
but cannot bank its sleep.  There is no wake-up preemption: a woken process
waits for the running slice to end.

Equal virtual runtimes break by arrival: the order in which the processes
became ready (processes created together: pid order).

Options: ``sched_latency`` (default 48 ticks), ``min_granularity`` (default
6 ticks) and ``queues`` (``"shared"`` or ``"per-cpu"``, see
`osmodel.plugins.schedulers.policy`; ``min_vruntime`` and ``total_weight`` are
the machine's in both).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from osmodel.kernel import hookimpl

from .policy import Job, Policy
from .queues import HeapQueue

if TYPE_CHECKING:
    from osmodel.kernel.cpu import CPU
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process
    from osmodel.kernel.scheduler import SchedulerFactory

#: Linux's sched_prio_to_weight, nice -20 to 19.
WEIGHTS = (
    88761, 71755, 56483, 46273, 36291,
    29154, 23254, 18705, 14949, 11916,
    9548, 7620, 6100, 4904, 3906,
    3121, 2501, 1991, 1586, 1277,
    1024, 820, 655, 526, 423,
    335, 272, 215, 172, 137,
    110, 87, 70, 56, 45,
    36, 29, 23, 18, 15,
)
NICE_0_LOAD = 1024


def weight(nice: int) -> int:
    """The load weight of a nice value (clamped to -20..19)."""
    return WEIGHTS[min(max(nice, -20), 19) + 20]


class CfsJob(Job):
    __slots__ = ("weight",)

    def __init__(self) -> None:
        super().__init__()
        self.weight = 0


class CompletelyFair(Policy):
    name = "cfs"
    options: Mapping[str, Any] = {"sched_latency": 48, "min_granularity": 6,
                                  "queues": "shared"}
    job_class = CfsJob

    def __init__(self, kernel: Kernel, options: Mapping[str, Any]) -> None:
        super().__init__(kernel, options)
        self.latency = self.read.integer("sched_latency", 1)
        self.granularity = self.read.integer("min_granularity", 1)
        #: Sum of the weights of the ready and running processes.
        self.total = 0
        self.min_vruntime = 0.0
        self.make_queues(HeapQueue)

    def joined(self, process: Process, job: CfsJob) -> None:
        job.weight = weight(process.nice)
        self.total += job.weight

    def departed(self, process: Process, job: CfsJob) -> None:
        self.total -= job.weight

    def current_min(self) -> float:
        """min_vruntime brought up to date."""
        found = [key for key in (queue.head_key() for queue in self.queues) if key is not None]
        for cpu, process in self.running():
            found.append(process.vruntime + self.used_since_pick(cpu, process)
                         * NICE_0_LOAD / process.sched.weight)
        if found:
            lowest = min(found)
            if lowest > self.min_vruntime:
                self.min_vruntime = lowest
        return self.min_vruntime

    def enqueue(self, process: Process, job: CfsJob, queue: HeapQueue, reason: str) -> None:
        now_weight = weight(process.nice)
        if now_weight != job.weight:  # its nice value changed while it was runnable
            self.total += now_weight - job.weight
            job.weight = now_weight
        if job.last == "":
            process.vruntime = max(process.vruntime, self.current_min())
        elif job.last in ("blocked", "removed"):
            process.vruntime = max(process.vruntime, self.current_min() - self.latency / 2)
        queue.push(process, process.vruntime, self.next_seq())

    def slice(self, process: Process, cpu: CPU) -> int | None:
        share: int = self.latency * process.sched.weight // max(self.total, 1)
        return max(self.granularity, share)

    def charge(self, process: Process, job: CfsJob, ticks: int, reason: str) -> None:
        process.vruntime += ticks * NICE_0_LOAD / job.weight


@hookimpl
def osmodel_schedulers() -> dict[str, SchedulerFactory]:
    return {"cfs": CompletelyFair}

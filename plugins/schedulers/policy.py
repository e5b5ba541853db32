"""The policy base: what every built-in scheduling policy shares, on one CPU or several.

Not a plugin itself: each policy module (fifo, rr, sjf, ...) registers its own
scheduler and builds on `Policy`, the queues of
`osmodel.plugins.schedulers.queues` and the option reader of
`osmodel.plugins.schedulers.options`.

Several CPUs.  Every policy takes ``queues = "shared"`` (default: one ready
queue that every CPU picks from) or ``queues = "per-cpu"`` (one queue per
CPU).  With per-CPU queues a process that becomes ready goes

1. back to the CPU it has just left, when it was preempted or its slice ended;
2. else to an idle CPU it may run on (the lowest-numbered: the one the kernel
   dispatches at once);
3. else back to the CPU it last ran on;
4. else (a new process, or one whose affinity excludes its last CPU) to the
   shortest queue among the CPUs it may run on, the lowest-numbered on ties.

A CPU whose own queue has nothing it may run steals from the longest other
queue (the lowest-numbered on ties, then the next longest...), taking the
entry that queue would run next that the thief may run: for ``fifo`` and
``rr`` the oldest.  With per-CPU queues a preemptive policy lets a newly
ready process displace only the process on the CPU whose queue it joined.

Affinity.  A process never runs on a CPU outside ``process.affinity``; a
process whose affinity names no CPU of the machine is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from osmodel.kernel.scheduler import BaseScheduler

from .options import OptionReader
from .queues import check_affinity

if TYPE_CHECKING:
    from osmodel.kernel.cpu import CPU
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process

__all__ = ["INF", "QUEUE_MODES", "Job", "Policy"]

#: The key of a job whose length is unknown: it sorts after every known one.
INF = float("inf")
QUEUE_MODES = ("shared", "per-cpu")


class Job:
    """What a policy keeps about a process, in ``process.sched``."""

    __slots__ = ("home", "last", "mark", "queue", "runnable")

    def __init__(self) -> None:
        #: The queue the process waits in, or None.
        self.queue: Any = None
        #: The CPU it last ran on.
        self.home: int | None = None
        #: Why it last left a CPU or queue: "" (never did), expired, preempted, blocked,
        #: exit (as `ran` says), or removed (it left the ready queue unpicked).
        self.last = ""
        #: Ready or running (between admit and blocking, ending or removal).
        self.runnable = False
        #: ``process.acct.cpu`` when it was picked: `ran` charges the difference.
        self.mark = 0


class Policy(BaseScheduler):
    """A policy over ready queues, shared or one per CPU, honouring affinity.

    A subclass names itself, lists its options, makes its queues and puts a
    process into one (`enqueue`); it may follow `picked`, `charge`, `joined`
    and `departed`, and decide preemption with `displaces`.
    """

    #: The scheduler's name, as users type it (and as error messages say it).
    name: ClassVar[str] = ""
    options: Mapping[str, Any] = {"queues": "shared"}
    job_class: ClassVar[type[Job]] = Job

    def __init__(self, kernel: Kernel, options: Mapping[str, Any]) -> None:
        super().__init__(kernel, options)
        self.read = OptionReader(self.name, self.config, self.options)
        self.ncpus = len(kernel.cpus)
        # A policy without the option keeps an order of its own instead of queues (cyclic).
        self.per_cpu = ("queues" in self.options
                        and self.read.choice("queues", QUEUE_MODES) == "per-cpu"
                        and self.ncpus > 1)
        self.seq = 0
        self._front = 0

    def make_queues(self, factory: Callable[[int, int], Any]) -> None:
        """One queue (shared) or one per CPU; call from the subclass's constructor."""
        self.queues: list[Any] = [factory(i, self.ncpus)
                                  for i in range(self.ncpus if self.per_cpu else 1)]

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def front_seq(self) -> int:
        """A sequence number below every one given so far: for the front of a queue."""
        self._front -= 1
        return self._front

    # -- what subclasses fill in

    def enqueue(self, process: Process, job: Any, queue: Any, reason: str) -> None:
        raise NotImplementedError

    def picked(self, process: Process, job: Any, cpu: CPU) -> None:
        """``process`` was just picked to run on ``cpu``."""

    def charge(self, process: Process, job: Any, ticks: int, reason: str) -> None:
        """``process`` ran ``ticks`` of CPU since it was picked and left its CPU
        (``reason`` as in `ran`)."""

    def joined(self, process: Process, job: Any) -> None:
        """``process`` became runnable (it was new, blocked or stopped)."""

    def departed(self, process: Process, job: Any) -> None:
        """``process`` stopped being runnable (it blocked, ended or was removed)."""

    def displaces(self, process: Process, other: Process, cpu: CPU) -> Any:
        """None if ``process`` may not take ``cpu`` from ``other``; else a score, the
        largest of which is the victim."""
        return None

    # -- the Scheduler interface

    def admit(self, process: Process, reason: str) -> None:
        job = process.sched
        if job is None:
            job = process.sched = self.job_class()
        elif job.queue is not None:  # admitted twice: the first entry goes
            job.queue.discard(process)
            job.queue = None
        if not job.runnable:
            job.runnable = True
            self.joined(process, job)
        queue = self.place(process, job) if self.per_cpu else self.queues[0]
        self.enqueue(process, job, queue, reason)
        job.queue = queue

    def place(self, process: Process, job: Job) -> Any:
        """The per-CPU queue for ``process`` (the rules are in the module docstring)."""
        allowed = process.affinity
        home = job.home
        queues = self.queues
        if (home is not None and job.last in ("expired", "preempted")
                and (allowed is None or home in allowed)):
            return queues[home]
        for cpu in self.kernel.cpus:
            if (cpu.proc is None and not cpu.dispatching
                    and (allowed is None or cpu.index in allowed)):
                return queues[cpu.index]
        if home is not None and (allowed is None or home in allowed):
            return queues[home]
        candidates = [q for q in queues if allowed is None or q.index in allowed]
        if not candidates:
            check_affinity(process, self.ncpus)
        return min(candidates, key=lambda q: (q.count, q.index))

    def pick(self, cpu: CPU) -> Process | None:
        queues = self.queues
        process: Process | None
        if len(queues) == 1:
            process = queues[0].pop(cpu.index)
        else:
            process = queues[cpu.index].pop(cpu.index)
            if process is None:
                process = self.steal(cpu)
        if process is not None:
            job = process.sched
            if job is not None:
                job.queue = None
                job.home = cpu.index
                job.mark = process.acct.cpu
                self.picked(process, job, cpu)
        return process

    def steal(self, cpu: CPU) -> Process | None:
        others = sorted((q for q in self.queues if q.index != cpu.index and q.count > 0),
                        key=lambda q: (-q.count, q.index))
        for queue in others:
            process: Process | None = queue.pop(cpu.index)
            if process is not None:
                return process
        return None

    def remove(self, process: Process) -> None:
        job = process.sched
        if job is None:
            process.qtoken += 1
            return
        if job.queue is not None:
            job.queue.discard(process)
            job.queue = None
        else:
            process.qtoken += 1
        job.last = "removed"
        if job.runnable:
            job.runnable = False
            self.departed(process, job)

    def ran(self, process: Process, ticks: int, reason: str) -> None:
        job = process.sched
        if job is None:
            return
        job.last = reason
        # What it used since it was picked, from its accounting rather than ``ticks``:
        # Kernel.settle() in mid-slice books the ticks so far and restarts the count.
        used = process.acct.cpu - job.mark
        job.mark = process.acct.cpu
        self.charge(process, job, used, reason)
        if reason in ("blocked", "exit") and job.runnable:
            job.runnable = False
            self.departed(process, job)

    def victim(self, process: Process, running: list[CPU]) -> CPU | None:
        job = process.sched
        allowed = process.affinity
        only = job.queue.index if self.per_cpu and job is not None and job.queue else None
        best: CPU | None = None
        best_score: Any = None
        for cpu in running:
            other = cpu.proc
            if (other is None or other.sched is None
                    or (only is not None and cpu.index != only)
                    or (allowed is not None and cpu.index not in allowed)):
                continue
            score = self.displaces(process, other, cpu)
            if score is not None and (best is None or score > best_score):
                best, best_score = cpu, score
        return best

    # -- helpers

    def ran_so_far(self, cpu: CPU) -> int:
        """Ticks the process on ``cpu`` has run and not yet booked in ``acct.cpu``."""
        ran = self.kernel.now - cpu.run_start
        return ran if ran > 0 else 0

    def used_since_pick(self, cpu: CPU, process: Process) -> int:
        """CPU time ``process`` (running on ``cpu``) has used since it was picked."""
        return int(process.acct.cpu + self.ran_so_far(cpu) - process.sched.mark)

    def running(self) -> Iterator[tuple[CPU, Process]]:
        """The CPUs running a process this policy knows, with the process."""
        for cpu in self.kernel.cpus:
            process = cpu.proc
            if process is not None and process.sched is not None:
                yield cpu, process

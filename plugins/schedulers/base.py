"""What the built-in scheduling policies share: option checks, ready queues, several CPUs.

Not a plugin itself: each policy module (fifo, rr, sjf, ...) registers its own
scheduler and builds on `Policy` and the queues here.

Ready queues.  A queue holds entries ``(key..., seq, token, process)``; the
smallest runs first.  ``seq`` counts admissions, so equal keys break by
arrival: the order in which processes became ready (at one tick, the order
the kernel made them ready, which for jobs created together is creation
order, that is pid order).  ``token`` is the process's ``qtoken`` when it was
queued: `BaseScheduler.remove` (and every pick) bumps ``qtoken``, so a stale
entry is recognised and skipped when it reaches the head (lazy deletion, no
search).  Each queue keeps one sub-queue per affinity set (processes without
affinity share one), so a pick looks only at the heads that the CPU may run:
the cost of a pick grows with the number of distinct affinity sets in use,
never with the number of processes.

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

import heapq
import reprlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from osmodel.kernel.errors import ConfigError
from osmodel.kernel.machine import MAX_TICKS
from osmodel.kernel.scheduler import BaseScheduler

if TYPE_CHECKING:
    from osmodel.kernel.cpu import CPU
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process

INF = float("inf")
QUEUE_MODES = ("shared", "per-cpu")

FifoEntry = tuple[int, int, "Process"]
HeapEntry = tuple[Any, int, int, "Process"]


# ---------------------------------------------------------------------- options

#: The most levels a multi-level queue may have (each CPU's queue keeps a FIFO per level).
MAX_LEVELS = 64
#: The largest stride numerator (``big``).
MAX_BIG = 1_000_000_000
#: Every other integer option is a time in ticks, at most the machine's bound on times.
MAX_OPTION_TICKS = MAX_TICKS

# Values are echoed in errors: a long list or string shows only its start.
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxtuple, _SHORT.maxstring, _SHORT.maxother = (
    2, 8, 8, 40, 40)


def _bound(value: int) -> str:
    return f"{value:,}" if value >= 10_000 else str(value)


class OptionError(ConfigError):
    """A scheduler option that is unknown or has a bad value; ``option`` names it, so an
    error can point at where the option was written (`Scenario.locations`)."""

    def __init__(self, message: str, scheduler: str, option: str) -> None:
        super().__init__(message)
        self.scheduler = scheduler
        self.option = option


class OptionReader:
    """Reads a scheduler's options; every bad one is an OptionError naming scheduler and option.

    Every integer option has an upper bound (`MAX_LEVELS`, `MAX_BIG`,
    `MAX_OPTION_TICKS`), the same from a scenario file and from ``-o``, so a value
    that passes cannot make a policy build more than it can hold.
    """

    def __init__(self, scheduler: str, config: Mapping[str, Any],
                 known: Iterable[str]) -> None:
        self.scheduler = scheduler
        self.config = config
        allowed = sorted(known)
        unknown = sorted(set(config) - set(allowed))
        if unknown:
            raise OptionError(f"scheduler {scheduler!r} has no option "
                              f"{_SHORT.repr(unknown[0])} "
                              f"(options: {', '.join(allowed) or 'none'})", scheduler, unknown[0])

    def fail(self, option: str, wanted: str) -> OptionError:
        return OptionError(f"scheduler {self.scheduler!r}: option {option!r} must be {wanted}, "
                           f"not {_SHORT.repr(self.config[option])}", self.scheduler, option)

    @staticmethod
    def _is_int(value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    def integer(self, option: str, minimum: int = 0, maximum: int = MAX_OPTION_TICKS) -> int:
        value = self.config[option]
        if not self._is_int(value) or not minimum <= value <= maximum:
            raise self.fail(option, f"an integer from {minimum} to {_bound(maximum)}")
        return int(value)

    def boolean(self, option: str) -> bool:
        value = self.config[option]
        if not isinstance(value, bool):
            raise self.fail(option, "true or false")
        return value

    def choice(self, option: str, choices: Iterable[str]) -> str:
        value = self.config[option]
        allowed = tuple(choices)
        if value not in allowed:
            raise self.fail(option, "one of " + ", ".join(repr(c) for c in allowed))
        return str(value)

    def per_level(self, option: str, levels: int, minimum: int = 1,
                  maximum: int = MAX_OPTION_TICKS) -> list[int]:
        """An integer for every level, or a list of one integer per level."""
        value = self.config[option]
        wanted = (f"an integer from {minimum} to {_bound(maximum)} or a list of {levels} "
                  f"such integers (one per level)")

        def fits(item: object) -> bool:
            return (isinstance(item, int) and not isinstance(item, bool)
                    and minimum <= item <= maximum)

        if self._is_int(value):
            if not fits(value):
                raise self.fail(option, wanted)
            return [int(value)] * levels
        if (not isinstance(value, list | tuple) or len(value) != levels
                or not all(fits(v) for v in value)):
            raise self.fail(option, wanted)
        return [int(v) for v in value]


# ----------------------------------------------------------------------- queues


class ReadyQueue(Protocol):
    """What `Policy` needs of a queue: a live count, pop for a CPU, discard."""

    index: int
    count: int

    def pop(self, cpu: int) -> Process | None:
        """Remove and return the entry that ``cpu`` should run next (None: nothing it may run)."""

    def discard(self, process: Process) -> None:
        """``process`` leaves the queue without being picked."""


def check_affinity(process: Process, cpus: int) -> None:
    affinity = process.affinity
    if affinity is not None and not any(0 <= c < cpus for c in affinity):
        raise ConfigError(f"process {process.pid} ({process.name}) may run only on CPU(s) "
                          f"{', '.join(map(str, sorted(affinity))) or 'none'}, and the machine "
                          f"has CPUs 0 to {cpus - 1}")


def sub_queue(queue: FifoQueue | HeapQueue, process: Process, make: Callable[[], Any]) -> Any:
    """The sub-queue of ``queue`` for ``process``'s affinity set, made on first use."""
    affinity = process.affinity
    if affinity is None:
        return queue.any
    found = queue.pinned.get(affinity)
    if found is None:
        check_affinity(process, queue.cpus)
        found = queue.pinned[affinity] = make()
    return found


class FifoQueue:
    """Processes in the order they became ready; ``front`` entries jump the line.

    Entries are ``(seq, token, process)``; a sub-queue per affinity set.  A
    front entry gets a negative ``seq`` below every other (see `Policy.front_seq`).
    """

    __slots__ = ("any", "count", "cpus", "index", "pinned")

    def __init__(self, index: int, cpus: int) -> None:
        self.index = index
        self.cpus = cpus
        self.count = 0
        self.any: deque[FifoEntry] = deque()
        self.pinned: dict[frozenset[int], deque[FifoEntry]] = {}

    def push(self, process: Process, seq: int, front: bool = False) -> None:
        line = sub_queue(self, process, deque)
        if front:
            line.appendleft((seq, process.qtoken, process))
        else:
            line.append((seq, process.qtoken, process))
        self.count += 1

    def best(self, cpu: int) -> deque[FifoEntry] | None:
        """The sub-queue whose head ``cpu`` should run next (stale heads dropped on the way)."""
        line = self.any
        while line and line[0][1] != line[0][2].qtoken:
            line.popleft()
        best = line if line else None
        if self.pinned:
            best_seq = line[0][0] if line else 0
            for affinity, line in list(self.pinned.items()):
                while line and line[0][1] != line[0][2].qtoken:
                    line.popleft()
                if not line:
                    del self.pinned[affinity]
                elif cpu in affinity and (best is None or line[0][0] < best_seq):
                    best, best_seq = line, line[0][0]
        return best

    def take(self, line: deque[FifoEntry]) -> Process:
        process = line.popleft()[2]
        process.qtoken += 1
        self.count -= 1
        return process

    def pop(self, cpu: int) -> Process | None:
        line = self.best(cpu)
        return None if line is None else self.take(line)

    def discard(self, process: Process) -> None:
        process.qtoken += 1
        self.count -= 1

    def requeue(self, order: list[Process], members: list[Process],
                number: Callable[[], int]) -> None:
        """After a fast-forward (see `osmodel.kernel.scheduler.Cycler`): ``order`` first,
        numbered by ``number``, then the entries of whoever is not a member."""
        line = self.any
        gone = {id(p) for p in members}
        rest = [e for e in line if id(e[2]) not in gone and e[1] == e[2].qtoken]
        line.clear()
        line.extend((number(), process.qtoken, process) for process in order)
        line.extend(rest)
        self.count = len(line) + sum(len(pinned) for pinned in self.pinned.values())

    def move_to(self, other: FifoQueue, renumber: Callable[[], int] | None = None) -> None:
        """Append all entries to the back of ``other`` (same affinity sets), leaving this empty.

        ``renumber`` gives the moved entries fresh sequence numbers: needed when
        affinity sets exist, whose heads are compared by them.
        """
        lines: list[tuple[frozenset[int] | None, deque[FifoEntry]]] = [
            (None, self.any), *self.pinned.items()]
        for affinity, line in lines:
            if not line:
                continue
            target = other.any if affinity is None else other.pinned.setdefault(affinity, deque())
            if renumber is None:
                target.extend(line)
            else:
                target.extend([(renumber(), token, process) for _, token, process in line])
            line.clear()
        self.pinned.clear()
        other.count += self.count
        self.count = 0


class HeapQueue:
    """Processes by a key, smallest first, then by arrival; a heap per affinity set."""

    __slots__ = ("any", "count", "cpus", "index", "pinned")

    def __init__(self, index: int, cpus: int) -> None:
        self.index = index
        self.cpus = cpus
        self.count = 0
        self.any: list[HeapEntry] = []
        self.pinned: dict[frozenset[int], list[HeapEntry]] = {}

    def push(self, process: Process, key: Any, seq: int) -> None:
        heapq.heappush(sub_queue(self, process, list), (key, seq, process.qtoken, process))
        self.count += 1

    @staticmethod
    def _clean(heap: list[HeapEntry]) -> None:
        while heap and heap[0][2] != heap[0][3].qtoken:
            heapq.heappop(heap)

    def best(self, cpu: int | None) -> list[HeapEntry] | None:
        """The heap whose head ``cpu`` should run next (None for ``cpu``: any head)."""
        heap = self.any
        self._clean(heap)
        best = heap if heap else None
        if self.pinned:
            for affinity, heap in list(self.pinned.items()):
                self._clean(heap)
                if not heap:
                    del self.pinned[affinity]
                elif ((cpu is None or cpu in affinity)
                      and (best is None or heap[0][:2] < best[0][:2])):
                    best = heap
        return best

    def pop(self, cpu: int) -> Process | None:
        heap = self.best(cpu)
        if heap is None:
            return None
        process = heapq.heappop(heap)[3]
        process.qtoken += 1
        self.count -= 1
        return process

    def head_key(self) -> Any:
        """The smallest key queued (for any CPU), or None."""
        heap = self.best(None)
        return None if heap is None else heap[0][0]

    def discard(self, process: Process) -> None:
        process.qtoken += 1
        self.count -= 1


# ----------------------------------------------------------------------- policy


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
        self.per_cpu = (self.read.choice("queues", QUEUE_MODES) == "per-cpu"
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

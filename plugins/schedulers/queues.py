"""Ready queues: arrival order or a key, lazy deletion, one sub-queue per affinity set.

A queue holds entries ``(key..., seq, token, process)``; the smallest runs
first.  ``seq`` counts admissions, so equal keys break by arrival: the order
in which processes became ready (at one tick, the order the kernel made them
ready, which for jobs created together is creation order, that is pid order).
``token`` is the process's ``qtoken`` when it was queued:
`BaseScheduler.remove` (and every pick) bumps ``qtoken``, so a stale entry is
recognised and skipped when it reaches the head (lazy deletion, no search).
Each queue keeps one sub-queue per affinity set (processes without affinity
share one), so a pick looks only at the heads that the CPU may run: the cost
of a pick grows with the number of distinct affinity sets in use, never with
the number of processes.

Affinity.  A process never runs on a CPU outside ``process.affinity``; a
process whose affinity names no CPU of the machine is an error.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from osmodel.kernel.errors import ConfigError

if TYPE_CHECKING:
    from osmodel.kernel.process import Process

__all__ = ["FifoEntry", "FifoQueue", "HeapEntry", "HeapQueue", "ReadyQueue", "check_affinity",
           "sub_queue"]

FifoEntry = tuple[int, int, "Process"]
HeapEntry = tuple[Any, int, int, "Process"]


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

"""Lottery scheduling: each pick draws a winning ticket among the ready processes.

A process holds ``process.tickets`` tickets (a scenario's ``tickets``,
default 100; fewer than 1 counts as 1), so over a long run it gets a share
of the CPU proportional to its tickets.  A pick draws ``r =
kernel.random.randrange(total)`` over the tickets of the processes the CPU
may run, laid out in the order the processes became ready, and the winner
is the first whose running total of tickets exceeds ``r`` (as OSTEP's
``lottery.py`` walks its list).  The draw uses the kernel's seeded random
generator: the same seed gives the same run.  With affinity, processes are
laid out one affinity set after another (in the order the sets first
appeared), each set in ready order.  A pick costs O(log n): the tickets sit
in a Fenwick tree.

Options: ``quantum`` (ticks, default 1; 0 runs the winner until it blocks or
ends), ``queues`` (``"shared"`` or ``"per-cpu"``, see
`osmodel.plugins.schedulers.policy`), ``draw`` and ``skip``.

``draw = "ostep"`` draws as OSTEP's ``lottery.py`` does, so that ``osmodel
ostep lottery`` gives that homework's winners for its seed: ``r =
int(random() * 1000001)``, the winning ticket ``r % total``, and the
processes laid out in the order they first became ready (each keeps its
seat when it leaves and comes back, as the homework's job list keeps its
order), not in ready order.  Seats are never compacted, so this layout
holds a slot per process the run ever admitted.  ``skip`` (default 0,
at most 10,000,000) discards that many ``random()`` draws before the first pick: the homework
draws its jobs from the same generator first.  The default ``draw =
"uniform"`` is the ``randrange`` draw above, so runs without the option keep
their winners.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from osmodel.kernel import hookimpl
from osmodel.kernel.cpu import CPU
from osmodel.kernel.kernel import Kernel
from osmodel.kernel.process import Process
from osmodel.kernel.scheduler import SchedulerFactory

from .policy import Job, Policy
from .queues import check_affinity

#: The ways of drawing a winner (option ``draw``).
DRAWS = ("uniform", "ostep")
#: ``draw = "ostep"``: a draw is ``int(random() * OSTEP_SPAN)`` taken modulo the total.
OSTEP_SPAN = 1_000_001
#: The most draws ``skip`` may discard (each costs a call of the generator at boot).
MAX_SKIP = 10_000_000


class LotteryJob(Job):
    __slots__ = ("pool", "seat", "slot")

    def __init__(self) -> None:
        super().__init__()
        self.pool: TicketPool | None = None
        self.slot = 0
        #: ``draw = "ostep"``: the pool and slot the process first sat in, kept for life.
        self.seat: tuple[TicketPool, int] | None = None


class TicketPool:
    """Processes in ready order with their tickets, in a Fenwick tree (slots from 1)."""

    __slots__ = ("fixed", "live", "procs", "total", "tree", "weights")

    def __init__(self, fixed: bool = False) -> None:
        #: Slots are seats kept for life (``draw = "ostep"``): never compacted.
        self.fixed = fixed
        self.tree = [0]
        self.procs: list[Process | None] = [None]
        self.weights = [0]
        self.total = 0
        self.live = 0

    def _prefix(self, i: int) -> int:
        tree = self.tree
        total = 0
        while i:
            total += tree[i]
            i -= i & -i
        return total

    def add(self, process: Process, tickets: int) -> int:
        slot = len(self.tree)
        low = slot & -slot
        self.tree.append(tickets + self._prefix(slot - 1) - self._prefix(slot - low))
        self.procs.append(process)
        self.weights.append(tickets)
        self.total += tickets
        self.live += 1
        return slot

    def put(self, slot: int, process: Process, tickets: int) -> None:
        """Seat ``process`` again in its empty ``slot`` (a fixed pool)."""
        assert self.procs[slot] is None
        self.procs[slot] = process
        self._change(slot, tickets)
        self.live += 1

    def _change(self, slot: int, delta: int) -> None:
        """Add ``delta`` tickets to ``slot``: its weight, the tree above it and the total."""
        self.weights[slot] += delta
        tree = self.tree
        i = slot
        while i < len(tree):
            tree[i] += delta
            i += i & -i
        self.total += delta

    def drop(self, slot: int) -> Process:
        process = self.procs[slot]
        assert process is not None
        self.procs[slot] = None
        self._change(slot, -self.weights[slot])
        self.live -= 1
        if not self.fixed and len(self.tree) > 2 * self.live + 64:
            self._compact()
        return process

    def _compact(self) -> None:
        """Forget the empty slots, keeping the order; the live processes learn their new slot."""
        kept = [(p, w) for p, w in zip(self.procs, self.weights, strict=True) if p is not None]
        self.procs = [None]
        self.weights = [0]
        tree = [0] * (len(kept) + 1)
        for slot, (process, tickets) in enumerate(kept, start=1):
            self.procs.append(process)
            self.weights.append(tickets)
            process.sched.slot = slot
            tree[slot] += tickets
            parent = slot + (slot & -slot)
            if parent <= len(kept):
                tree[parent] += tree[slot]
        self.tree = tree

    def find(self, ticket: int) -> int:
        """The slot of ``ticket`` (0 <= ticket < total): the first whose running sum exceeds it."""
        tree = self.tree
        size = len(tree) - 1
        pos = 0
        step = 1 << size.bit_length()
        while step:
            nxt = pos + step
            if nxt <= size and tree[nxt] <= ticket:
                pos = nxt
                ticket -= tree[nxt]
            step >>= 1
        return pos + 1


class TicketQueue:
    """The ready processes' tickets, a pool per affinity set."""

    __slots__ = ("count", "cpus", "index", "ostep", "pools", "random")

    def __init__(self, index: int, cpus: int, kernel: Kernel, ostep: bool = False) -> None:
        self.index = index
        self.cpus = cpus
        self.random = kernel.random
        self.ostep = ostep
        self.count = 0
        self.pools: dict[frozenset[int] | None, TicketPool] = {}

    def push(self, process: Process, job: LotteryJob) -> None:
        affinity = process.affinity
        pool = self.pools.get(affinity)
        if pool is None:
            check_affinity(process, self.cpus)
            pool = self.pools[affinity] = TicketPool(fixed=self.ostep)
        job.pool = pool
        tickets = max(1, process.tickets)
        seat = job.seat
        if seat is not None and seat[0] is pool:
            pool.put(seat[1], process, tickets)
            job.slot = seat[1]
        else:
            job.slot = pool.add(process, tickets)
            if self.ostep:
                job.seat = (pool, job.slot)
        self.count += 1

    def draw(self, total: int) -> int:
        """The winning ticket, from 0 to ``total`` - 1."""
        if self.ostep:
            return int(self.random.random() * OSTEP_SPAN) % total
        return self.random.randrange(total)

    def pop(self, cpu: int) -> Process | None:
        pools = [pool for affinity, pool in self.pools.items()
                 if pool.live and (affinity is None or cpu in affinity)]
        total = sum(pool.total for pool in pools)
        if not total:
            return None
        ticket = self.draw(total)
        for pool in pools:
            if ticket < pool.total:
                process = pool.drop(pool.find(ticket))
                process.qtoken += 1
                process.sched.pool = None
                self.count -= 1
                return process
            ticket -= pool.total
        raise AssertionError("the winning ticket is in no pool")  # pragma: no cover

    def discard(self, process: Process) -> None:
        job: LotteryJob = process.sched
        if job.pool is not None:
            job.pool.drop(job.slot)
            job.pool = None
        process.qtoken += 1
        self.count -= 1


class Lottery(Policy):
    name = "lottery"
    options: Mapping[str, Any] = {"quantum": 1, "queues": "shared", "draw": "uniform",
                                  "skip": 0}
    job_class = LotteryJob

    def __init__(self, kernel: Kernel, options: Mapping[str, Any]) -> None:
        super().__init__(kernel, options)
        self.quantum: int | None = self.read.integer("quantum", 0) or None
        ostep = self.read.choice("draw", DRAWS) == "ostep"
        for _ in range(self.read.integer("skip", 0, MAX_SKIP)):
            kernel.random.random()
        self.make_queues(lambda index, cpus: TicketQueue(index, cpus, kernel, ostep))

    def enqueue(self, process: Process, job: LotteryJob, queue: TicketQueue, reason: str) -> None:
        queue.push(process, job)

    def slice(self, process: Process, cpu: CPU) -> int | None:
        return self.quantum


@hookimpl
def osmodel_schedulers() -> dict[str, SchedulerFactory]:
    return {"lottery": Lottery}

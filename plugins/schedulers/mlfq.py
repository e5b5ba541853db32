"""Multi-level feedback queue, by the textbook's rules (OSTEP, chapter 8).

Levels are numbered from 0 (the top, highest priority) down to ``levels - 1``;
``process.level`` shows a job's current level (a finished job keeps the
level it last ran at; for a blocked job see the boost below).

1. A job that is ready at a higher level runs before any job at a lower one.
2. Jobs at the same level run round robin, each for up to its level's
   ``quantum``.
3. A new job enters at the top level.
4. A job that has used up its level's ``allotment`` of CPU time (however many
   times it gave up the CPU on the way) moves down one level (the bottom
   level keeps it, with a fresh allotment).
5. Every ``boost`` ticks (at times boost, 2*boost, ...) every job goes back
   to the top level with a fresh allotment.

MLFQ is preemptive: a job that becomes ready at a higher level than a
running job takes its CPU (of the running jobs it beats, on CPUs its
affinity allows, the one at the lowest level; the lowest-numbered CPU on
ties).  The preempted job goes to the front of its level's queue and later
finishes the rest of its quantum, as in OSTEP's simulator where it stays at
the head of its queue.

Details: a job keeps the unused part of its quantum when it blocks (I/O,
wait) and when it is preempted, and its allotment throughout: only when the
quantum is used up does it get a fresh one (and go to the back of its
queue).  A job at a level below the top gets a slice that ends at the next
boost at the latest; at a boost, the jobs already at the top stay first in
line and the others follow, those from the bottom level first (as in OSTEP's
simulator); a job running at the top level keeps running, its allotment
counted afresh from the boost; a blocked job is boosted when it becomes
ready again (until then ``process.level`` shows the level it blocked at).
A boost costs time in proportion to the jobs waiting in the queues.  The
boost timer is pending only while some job is ready or running, so it never
keeps a finished simulation going.

Options:

``levels`` (default 3)
    Number of queues, at most `MAX_LEVELS` (64).
``quantum`` (default 2)
    Ticks of a time slice: one integer for every level, or a list with one
    per level, top first.
``allotment`` (default: the quantum)
    CPU ticks a job may use at a level before it moves down: an integer or a
    list per level.  Equal to the quantum, a job moves down after one full
    quantum at a level.
``boost`` (default 0: never)
    The priority boost period in ticks.
``io_resets_allotment`` (default false)
    OSTEP's ``-S``: a job that blocks (gives up the CPU for I/O, say) stays
    at its level with a fresh quantum and allotment, the old rule 4b that a
    job can game by blocking just before its allotment runs out.
``io_to_front`` (default false)
    A job that becomes ready after blocking goes to the front of its level's
    queue instead of the back.
``io_bump`` (default false)
    OSTEP's ``-I``: a job that becomes ready after blocking goes to the front
    of its level's queue *and* takes the CPU from a running job of its own
    level (which waits right behind it, keeping the rest of its quantum).
``stay_charges_quantum`` (default false)
    With ``io_resets_allotment``: a job whose quantum runs out at the very
    tick it blocks has that quantum charged to its fresh allotment (and moves
    down if that was its only one), as OSTEP's ``-S`` does.
``settle_first`` (default false)
    What happens at one instant is settled in OSTEP's simulator's order: the
    running job's own tick first (its quantum running out, its I/O, its end),
    then the jobs that became ready then, which only afterwards preempt it.
    By default a job that becomes ready preempts at once.
``boost_preempts`` (default false)
    At a boost (after the running job's own tick, with ``settle_first``) the
    running job goes back to the head of its queue, so it moves up in its
    place among its level's jobs and is given a fresh quantum, and jobs that
    arrive or come back from I/O at the boost's instant queue behind every
    boosted job.  By default the running job keeps the CPU and a job below
    the top gets a slice that ends at the boost.
``queues``
    ``"shared"`` (default) or ``"per-cpu"``, see `osmodel.plugins.schedulers.policy`.

Ties within a level break by arrival: the order in which jobs joined the
level's queue (jobs created together: pid order), front insertions aside.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from osmodel.kernel import hookimpl
from osmodel.kernel.cpu import CPU
from osmodel.kernel.kernel import Kernel, Timer
from osmodel.kernel.process import Process
from osmodel.kernel.scheduler import SchedulerFactory

from .options import MAX_LEVELS
from .policy import Job, Policy
from .queues import FifoQueue


class MlfqJob(Job):
    __slots__ = ("allot", "epoch", "level", "qleft")

    def __init__(self) -> None:
        super().__init__()
        #: Current level (-1: not placed yet).
        self.level = -1
        #: CPU ticks left of the allotment at this level, and of the current quantum.
        self.allot = 0
        self.qleft = 0
        #: The boost period the job's level was last set in.
        self.epoch = 0


class LevelQueues:
    """One FIFO per level, the top level first."""

    __slots__ = ("count", "index", "levels")

    def __init__(self, index: int, cpus: int, levels: int) -> None:
        self.index = index
        self.count = 0
        self.levels = [FifoQueue(index, cpus) for _ in range(levels)]

    def push(self, process: Process, level: int, seq: int, front: bool) -> None:
        self.levels[level].push(process, seq, front)
        self.count += 1

    def pop(self, cpu: int) -> Process | None:
        if self.count:
            for level in self.levels:
                if level.count:
                    process = level.pop(cpu)
                    if process is not None:
                        self.count -= 1
                        return process
        return None

    def discard(self, process: Process) -> None:
        self.levels[process.sched.level].discard(process)
        self.count -= 1


class MultiLevelFeedbackQueue(Policy):
    name = "mlfq"
    preemptive = True
    options: Mapping[str, Any] = {"levels": 3, "quantum": 2, "allotment": None, "boost": 0,
                                  "io_resets_allotment": False, "io_to_front": False,
                                  "io_bump": False, "stay_charges_quantum": False,
                                  "settle_first": False, "boost_preempts": False,
                                  "queues": "shared"}
    job_class = MlfqJob

    def __init__(self, kernel: Kernel, options: Mapping[str, Any]) -> None:
        super().__init__(kernel, options)
        read = self.read
        self.levels = levels = read.integer("levels", 1, MAX_LEVELS)
        self.quantum = read.per_level("quantum", levels)
        self.allotment = (list(self.quantum) if self.config["allotment"] is None
                          else read.per_level("allotment", levels))
        self.boost = read.integer("boost", 0)
        self.io_resets = read.boolean("io_resets_allotment")
        self.io_to_front = read.boolean("io_to_front")
        self.io_bump = read.boolean("io_bump")
        self.stay_charges = read.boolean("stay_charges_quantum")
        self.settle_first = read.boolean("settle_first")
        self.boost_preempts = read.boolean("boost_preempts")
        #: settle_first: the jobs that became ready at this instant, not yet queued.
        self.arriving: list[tuple[Process, LevelQueues]] = []
        #: io_bump: the jobs put at the front of a queue at ``bumped_at``, in order.
        self.bumped: list[Process] = []
        self.bumped_at = -1
        #: boost_preempts: the boost period last applied, and the CPU whose process the
        #: boost takes off it.
        self.applied = 0
        self.evict: CPU | None = None
        self.make_queues(lambda index, cpus: LevelQueues(index, cpus, levels))
        #: Processes ready or running; the boost timer runs only while there are some.
        self.live = 0
        self.timer: Timer | None = None

    def _top(self, process: Process, job: MlfqJob, epoch: int) -> None:
        """Put ``job`` at the top level with a fresh allotment, in boost period ``epoch``."""
        job.level = process.level = 0
        job.allot = self.allotment[0]
        job.qleft = self.quantum[0]
        job.epoch = epoch

    def enqueue(self, process: Process, job: MlfqJob, queue: LevelQueues, reason: str) -> None:
        if self.settle_first and job.last in ("", "blocked"):
            # new or back from a wait: it joins once this instant's own steps are done
            if not self.arriving:
                self.kernel.at(self.kernel.now, self._arrive)
            self.arriving.append((process, queue))
            return
        self._push(process, job, queue)

    def admit(self, process: Process, reason: str) -> None:
        super().admit(process, reason)
        if self.arriving and self.arriving[-1][0] is process:
            process.sched.queue = None  # not in its queue until `_arrive`

    def _arrive(self, _: object) -> None:
        """settle_first: the jobs that became ready at this instant join their queues, in
        the order they became ready, after a boost due now; then they may preempt."""
        if self.boost_due():
            self.kernel.at(self.kernel.now, self._arrive)  # after the boost
            return
        arriving, self.arriving = self.arriving, []
        joined = []
        for process, queue in arriving:
            job = process.sched
            if job.runnable and job.queue is None and process.cpu is None:
                self._push(process, job, queue)
                job.queue = queue
                joined.append(process)
        for process in joined:
            if process.sched.queue is not None:
                self.kernel.offer(process)
        self._wake()

    def _push(self, process: Process, job: MlfqJob, queue: LevelQueues) -> None:
        boost = self.boost
        now = self.kernel.now
        if boost and self.boost_preempts:
            if self.timer is None:  # nobody was ready: the boosts since came to no one
                self.applied = now // boost
            epoch = self.applied
        else:
            epoch = now // boost if boost else 0
        if job.level < 0 or job.epoch != epoch:  # new, or a boost came while it was blocked
            self._top(process, job, epoch)
        last = job.last
        woke = last == "blocked"
        front = last == "preempted" or (woke and (self.io_to_front or self.io_bump))
        queue.push(process, job.level, self.front_seq() if front else self.next_seq(), front)
        if front and woke and self.io_bump:
            if self.bumped_at != now:
                self.bumped, self.bumped_at = [], now
            self.bumped.append(process)
        elif last == "preempted" and self.io_bump and self.bumped_at == now:
            self._behind_bumped(process, queue)
        if boost and self.timer is None:
            self.timer = self.kernel.at((now // boost + 1) * boost, self._boost)

    def _behind_bumped(self, process: Process, queue: LevelQueues) -> None:
        """``process`` was just put at the front of its level: the jobs bumped there at
        this instant go back in front of it, in the order they came."""
        level = process.sched.level
        for other in self.bumped:
            job = other.sched
            if job.queue is queue and job.level == level:
                queue.discard(other)
                queue.push(other, level, self.front_seq(), True)

    def slice(self, process: Process, cpu: CPU) -> int | None:
        job: MlfqJob = process.sched
        ticks = min(job.qleft, job.allot)
        boost = self.boost
        if boost and job.level > 0 and not self.boost_preempts:
            now = self.kernel.now
            ticks = min(ticks, (now // boost + 1) * boost - now)
        return ticks

    def charge(self, process: Process, job: MlfqJob, ticks: int, reason: str) -> None:
        job.qleft -= ticks
        job.allot -= ticks
        level = job.level
        if reason == "exit":
            return  # a finished job keeps the level it ran at
        if reason == "blocked" and self.io_resets:
            used_up = job.qleft <= 0 and self.stay_charges
            job.allot = self.allotment[level] - (self.quantum[level] if used_up else 0)
            job.qleft = self.quantum[level]
            if job.allot <= 0:  # that quantum was the whole allotment: move down
                level = job.level = process.level = min(level + 1, self.levels - 1)
                job.allot = self.allotment[level]
                job.qleft = self.quantum[level]
        elif job.allot <= 0:
            level = job.level = process.level = min(level + 1, self.levels - 1)
            job.allot = self.allotment[level]
            job.qleft = self.quantum[level]
        elif job.qleft <= 0:
            job.qleft = self.quantum[level]

    # Fast-forward (see `osmodel.kernel.scheduler.Cycler`): once every ready job is at the
    # bottom level, where a used-up quantum is also a used-up allotment, that level is
    # plain round robin until something arrives or the boost comes.

    def cycle(self, cpu: CPU, first: Process) -> tuple[list[Process], int] | None:
        """``first`` and the bottom level in order, with its quantum; None unless every
        ready job is there with a whole quantum and allotment ahead of it."""
        if self.per_cpu:
            return None
        bottom = self.levels - 1
        quantum, allotment = self.quantum[bottom], self.allotment[bottom]
        levels = self.queues[0].levels
        line = levels[bottom]
        if quantum != allotment or line.pinned or any(q.count for q in levels[:bottom]):
            return None
        members = [first, *(p for _, token, p in line.any if token == p.qtoken)]
        for process in members:
            job: MlfqJob = process.sched
            if (job.level != bottom or job.qleft != quantum or job.allot != allotment
                    or process.affinity is not None):
                return None
        return members, quantum

    def forwarded(self, process: Process, turns: int) -> None:
        """``turns`` more quanta at the bottom: each ended with a fresh quantum and
        allotment there, so only the bookkeeping of the last one shows."""
        if turns:
            self.seq += turns
            job = process.sched
            job.last = "expired"
            job.mark = process.acct.cpu

    def requeue(self, order: list[Process], members: list[Process]) -> None:
        queues = self.queues[0]
        line = queues.levels[self.levels - 1]
        before = line.count
        line.requeue(order, members, self.next_seq)
        queues.count += line.count - before
        for process in order:
            process.sched.queue = queues

    def displaces(self, process: Process, other: Process, cpu: CPU) -> Any:
        theirs = other.sched.level
        mine = process.sched.level
        if mine < theirs:
            return theirs
        if (self.io_bump and mine == theirs and process.sched.last == "blocked"
                and self.bumped_at == self.kernel.now and process in self.bumped):
            return theirs
        return None

    def boost_due(self) -> bool:
        """boost_preempts: a boost is due at this instant and has not come yet (it sorts the
        queues first, so nothing is picked or preempted until it has)."""
        boost = self.boost
        if not (boost and self.boost_preempts and self.timer is not None):
            return False
        now = self.kernel.now
        return now % boost == 0 and self.applied < now // boost

    def pick(self, cpu: CPU) -> Process | None:
        if self.arriving or self.boost_due():
            return None  # `_arrive` or the boost offers the jobs to the CPUs again
        return super().pick(cpu)

    def victim(self, process: Process, running: list[CPU]) -> CPU | None:
        evict = self.evict
        if evict is not None:  # a boost takes this CPU's process off it
            return evict if evict in running else None
        if self.boost_due() or (self.settle_first and process.sched.queue is None):
            return None  # not queued yet: `_arrive` offers it again
        return super().victim(process, running)

    def joined(self, process: Process, job: MlfqJob) -> None:
        self.live += 1

    def departed(self, process: Process, job: MlfqJob) -> None:
        self.live -= 1
        if not self.live and self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _boost(self, _: object) -> None:
        if self.boost_preempts:
            # after whatever the running jobs do at this instant (their own ticks)
            self.timer = self.kernel.at(self.kernel.now, self._boost_now)
            return
        self.timer = None
        now = self.kernel.now
        epoch = now // self.boost
        self._move_up(epoch)
        for cpu, process in self.running():
            job = process.sched
            self._top(process, job, epoch)
            job.mark = process.acct.cpu + self.ran_so_far(cpu)  # only later ticks count
        if self.live:
            self.timer = self.kernel.at(now + self.boost, self._boost)

    def _boost_now(self, _: object) -> None:
        """boost_preempts: the running jobs go back to the head of their queues, then every
        level moves up, the bottom first; then the CPUs pick again."""
        now = self.kernel.now
        for cpu, process in list(self.running()):  # queued at their level, then boosted
            self.evict = cpu
            try:
                self.kernel.offer(process)
            finally:
                self.evict = None
        epoch = self.applied = now // self.boost
        self._move_up(epoch)
        for _cpu, process in self.running():  # a CPU the boost could not take back
            self._top(process, process.sched, epoch)
        self.timer = None
        if self.live:
            self.timer = self.kernel.at(now + self.boost, self._boost)
        self._wake()

    def _move_up(self, epoch: int) -> None:
        """Every level's jobs to the back of the top level, the bottom level first (as
        OSTEP's simulator does), each with a fresh allotment."""
        for queue in self.queues:
            levels = queue.levels
            top = levels[0]
            renumber = self.next_seq if any(level.pinned for level in levels) else None
            for level in reversed(levels[1:]):
                level.move_to(top, renumber)
            for line in (top.any, *top.pinned.values()):
                for _seq, token, process in line:
                    if token == process.qtoken:
                        self._top(process, process.sched, epoch)

    def _wake(self) -> None:
        """Offer the jobs at the head of the queues to the idle CPUs: a CPU that found
        nothing to pick while jobs were held back (`pick`) picks now."""
        idle = sum(1 for cpu in self.kernel.cpus if cpu.proc is None and not cpu.dispatching)
        if not idle:
            return
        for queue in self.queues:
            offered = 0
            for level in queue.levels:
                for _seq, token, process in level.any:
                    if offered >= idle:
                        break
                    if token == process.qtoken:
                        self.kernel.offer(process)
                        offered += 1


@hookimpl
def osmodel_schedulers() -> dict[str, SchedulerFactory]:
    return {"mlfq": MultiLevelFeedbackQueue}

"""One CPU's cache, as OSTEP's multi-CPU homework models it: warm-up, speed-up, working sets.

A job's working set is warm in a CPU's cache once it has run there for the
warm-up time; a warm job does ``warm_rate`` units of work a tick, a cold one 1.
The cache holds working sets up to its size: a job that becomes warm goes to
the front, and the jobs at the back are evicted until the rest fits (a job
larger than the cache evicts everything, itself last, so it never stays
warm).  An evicted job starts warming again from the full warm-up time; a
job that leaves the CPU half warmed keeps its count for when it returns.

`CpuCache.step` is one tick as the homework takes it; `CpuCache.run` takes
many ticks at once in closed form (a scheduler asks it once a slice), and
`CpuCache.ticks_to_finish` says when a job's remaining work runs out here.
"""

from __future__ import annotations

from collections.abc import Mapping

from attrs import define, field, frozen


@frozen
class Ran:
    """What ``ticks`` of one job on one CPU did: work done, ticks at the warm rate."""

    ticks: int
    work: int
    warm: int


@define(eq=False)
class CpuCache:
    """The cache of one CPU: who is warm (front first) and who is warming, with counts."""

    sizes: Mapping[str, int]
    size: int
    warmup: int
    warm_rate: int
    #: Warm jobs, the most recently warmed first (evictions take from the back).
    contents: list[str] = field(factory=list)
    #: Jobs warming up, each with the ticks still to run before it is warm.
    warming: dict[str, int] = field(factory=dict)

    def arrive(self, job: str) -> None:
        """``job`` is put on this CPU: it starts warming (at once warm with no warm-up)."""
        if job in self.contents or job in self.warming:
            return
        if self.warmup == 0:
            self.contents.insert(0, job)
            self._fit()
        else:
            self.warming[job] = self.warmup

    def warm(self, job: str) -> bool:
        return job in self.contents

    def rate(self, job: str) -> int:
        return self.warm_rate if job in self.contents else 1

    def _fit(self) -> None:
        total = sum(self.sizes[name] for name in self.contents)
        while total > self.size:
            gone = self.contents.pop()
            self.warming[gone] = self.warmup
            total -= self.sizes[gone]

    def step(self, job: str) -> int:
        """One tick of ``job`` here: the work it did (at the rate it began the tick with)."""
        done = self.rate(job)
        count = self.warming.get(job)
        if count is not None:
            count -= 1
            if count <= 0:
                del self.warming[job]
                self.contents.insert(0, job)
                self._fit()
            else:
                self.warming[job] = count
        return done

    def ticks_to_finish(self, job: str, left: int) -> int:
        """Ticks ``job`` needs here to do ``left`` units (at least one tick, as a job of no
        work still runs a tick), if nothing else runs on this CPU meanwhile."""
        rate = self.warm_rate
        if job in self.contents:
            return max(1, -(-left // rate))
        cold = max(self.warming.get(job, self.warmup), 1)
        if left <= cold or self.sizes[job] > self.size:
            return max(1, left)
        return cold + -(-(left - cold) // rate)

    def run(self, job: str, ticks: int) -> Ran:
        """``ticks`` of ``job`` here at once: the same state and work as that many `step`s
        (work not capped by what the job has left)."""
        if ticks <= 0:
            return Ran(0, 0, 0)
        rate = self.warm_rate
        if job in self.contents:
            return Ran(ticks, ticks * rate, ticks)
        count = self.warming.get(job, self.warmup)
        cold = max(count, 1)
        if ticks < cold:
            self.warming[job] = count - ticks
            return Ran(ticks, ticks, 0)
        self.step_to_warm(job)
        rest = ticks - cold
        if job in self.contents:
            return Ran(ticks, cold + rest * rate, rest)
        # too big to stay: it warms and is evicted again and again, always cold
        cycle = max(self.warmup, 1)
        if self.warmup and rest % cycle:
            self.warming[job] = self.warmup - rest % cycle
        return Ran(ticks, ticks, 0)

    def step_to_warm(self, job: str) -> None:
        """``job`` finishes warming now: to the front, and what no longer fits goes."""
        self.warming.pop(job, None)
        self.contents.insert(0, job)
        self._fit()

    def warm_ticks(self, ran: Ran) -> int:
        """Ticks counted as warm, as the homework counts them: only when warm is faster."""
        return ran.warm if self.warm_rate > 1 else 0

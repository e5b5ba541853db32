"""The tick-by-tick table of a run, built from its run-length records, a stretch at a time.

A mixed workload's answer has a row per tick and a column per process: a
run of 120,000 ticks and 50 processes is six million cells.  They are never
all held.  `TickTable` keeps each process's stretches (running, switching
to it, blocked) as the kernel's run log recorded them, and makes the rows of
a few thousand ticks at a time when they are read: each column of such a
block is filled a stretch at a time (slice assignment), the per-tick counts
come from difference arrays, and the rows are the columns zipped.  What a
running tick shows (``RUN:cpu``, ``RUN:io``, ``RUN:io_done``) is the job's
program read in order, kept as runs of equal labels.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from itertools import accumulate
from typing import TYPE_CHECKING, overload

from osmodel.kernel.runs import SWITCHING, RunLog

if TYPE_CHECKING:
    from .engine import Tick
    from .workload import Job

#: Ticks made at once: the rows of a block are built together, then handed out.
BLOCK = 4096

Spans = list[tuple[int, int]]


def label_runs(job: Job, costs: tuple[int, int]) -> tuple[list[int], list[str]]:
    """What each tick of the job's CPU time does, as runs: the tick each run begins at
    (counting the job's running ticks from 0) and its label."""
    starts: list[int] = []
    names: list[str] = []
    at = 0

    def add(name: str, ticks: int) -> None:
        nonlocal at
        if ticks <= 0:
            return
        if names and names[-1] == name:  # c1,c1 was merged already; io costs may repeat
            at += ticks
            return
        starts.append(at)
        names.append(name)
        at += ticks

    for step in job.steps:
        if step.kind == "cpu":
            add("RUN:cpu", step.ticks)
        else:
            add("RUN:io", costs[0])
            add("RUN:io_done", costs[1])
    starts.append(at)  # past the last: "RUN"
    names.append("RUN")
    return starts, names


def _minus(spans: Spans, holes: Spans) -> Spans:
    """``spans`` without the ticks in ``holes`` (both sorted, each without overlaps)."""
    if not holes:
        return spans
    out: Spans = []
    for start, end in spans:
        for hole_start, hole_end in holes:
            if hole_end <= start or hole_start >= end:
                continue
            if hole_start > start:
                out.append((start, hole_start))
            start = max(start, hole_end)
            if start >= end:
                break
        if start < end:
            out.append((start, end))
    return out


class _Column:
    """One process's stretches, sorted, with the label offset of each running stretch."""

    __slots__ = ("arrival", "blocked", "ended", "label_names", "label_starts", "offsets",
                 "run_ends", "running", "switching")

    def __init__(self, arrival: int, ended: int, running: Spans, switching: Spans,
                 blocked: Spans, labels: tuple[list[int], list[str]]) -> None:
        self.arrival = arrival
        self.ended = ended
        self.switching = sorted(switching)
        # a switch shown over a tick hides what the state says there (as in the trace)
        self.running = _minus(sorted(running), self.switching)
        self.blocked = _minus(sorted(blocked), self.switching)
        self.run_ends = [end for _, end in self.running]
        self.offsets = list(accumulate((end - start for start, end in self.running),
                                       initial=0))
        self.label_starts, self.label_names = labels

    def labels(self, offset: int, count: int) -> list[str]:
        """The labels of running ticks ``offset`` to ``offset + count`` of this job."""
        starts, names = self.label_starts, self.label_names
        out: list[str] = []
        index = bisect_right(starts, offset) - 1
        last = len(names) - 1
        while count > 0:
            if index >= last:
                out += [names[last]] * count
                break
            take = min(count, starts[index + 1] - offset)
            out += [names[index]] * take
            offset += take
            count -= take
            index += 1
        return out


class TickTable(Sequence["Tick"]):
    """The rows of the tick table (see the module docstring); a read-only sequence.

    Iterating makes the rows a block at a time, in order; indexing makes the
    block that holds the row.  Two tables, or a table and a tuple of rows, are
    equal when their rows are.
    """

    def __init__(self, clock: int, log: RunLog, jobs: Sequence[Job],
                 position_of: Mapping[int, int], ended: Sequence[int],
                 costs: tuple[int, int]) -> None:
        self.clock = clock
        self._source: tuple[RunLog, Sequence[Job], Mapping[int, int], Sequence[int],
                            tuple[int, int]] | None = (log, jobs, position_of, ended, costs)
        self._made: tuple[list[_Column], set[int]] | None = None
        self._cached: tuple[int, list[Tick]] | None = None

    @classmethod
    def from_log(cls, log: RunLog, clock: int, jobs: Sequence[Job],
                 position_of: Mapping[int, int], ended: Sequence[int],
                 costs: tuple[int, int]) -> TickTable:
        """The table of a run: ``position_of`` maps a pid to its job's position in
        ``jobs``, ``ended`` is when each job ended.  The stretches are sorted out when
        the table is first read (by then the run's kernel and programs are gone)."""
        return cls(clock, log, jobs, position_of, ended, costs)

    def _columns(self) -> tuple[list[_Column], set[int]]:
        made = self._made
        if made is None:
            assert self._source is not None
            made = self._made = _columns(*self._source)
            self._source = None
        return made

    def __len__(self) -> int:
        return self.clock


    @overload
    def __getitem__(self, index: int) -> Tick: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Tick, ...]: ...

    def __getitem__(self, index: int | slice) -> Tick | tuple[Tick, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(self.clock)))
        if index < 0:
            index += self.clock
        if not 0 <= index < self.clock:
            raise IndexError("tick table index out of range")
        first = index - index % BLOCK
        cached = self._cached
        if cached is None or cached[0] != first:
            cached = self._cached = (first, self._block(first, min(first + BLOCK, self.clock)))
        return cached[1][index - first]

    def __iter__(self) -> Iterator[Tick]:
        for first in range(0, self.clock, BLOCK):
            yield from self._block(first, min(first + BLOCK, self.clock))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TickTable | tuple | list):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other,
                                                                            strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<TickTable {self.clock} ticks>"

    def _block(self, first: int, last: int) -> list[Tick]:
        """Rows ``first + 1`` to ``last`` (cell i is the tick from time i to i + 1)."""
        from .engine import Tick

        width = last - first
        cpu = [0] * (width + 1)
        io = [0] * (width + 1)
        cells: list[list[str]] = []
        columns, done = self._columns()
        for column in columns:
            cell = [""] * width
            a, b = max(column.arrival, first), min(column.ended, last)
            if b > a:
                cell[a - first:b - first] = ["READY"] * (b - a)
            for start, end in _overlapping(column.blocked, first, last):
                cell[start - first:end - first] = ["BLOCKED"] * (end - start)
                io[start - first] += 1
                io[end - first] -= 1
            index = bisect_right(column.run_ends, first)
            running = column.running
            while index < len(running) and running[index][0] < last:
                start, end = running[index]
                begin = max(start, first)
                stop = min(end, last)
                offset = column.offsets[index] + begin - start
                cell[begin - first:stop - first] = column.labels(offset, stop - begin)
                cpu[begin - first] += 1
                cpu[stop - first] -= 1
                index += 1
            for start, end in _overlapping(column.switching, first, last):
                cell[start - first:end - first] = ["SWITCH"] * (end - start)
            a = max(column.ended, first)
            if last > a:
                cell[a - first:] = ["DONE"] * (last - a)
            cells.append(cell)
        return list(map(Tick, range(first + 1, last + 1),
                        zip(*cells, strict=True) if cells else [()] * width,
                        accumulate(cpu[:width]), accumulate(io[:width]),
                        [time in done for time in range(first, last)]))


def _columns(log: RunLog, jobs: Sequence[Job], position_of: Mapping[int, int],
             ended: Sequence[int], costs: tuple[int, int]) -> tuple[list[_Column], set[int]]:
    """Each job's stretches from the log, and the times an I/O completed."""
    count = len(jobs)
    running: list[Spans] = [[] for _ in range(count)]
    switching: list[Spans] = [[] for _ in range(count)]
    blocked: list[Spans] = [[] for _ in range(count)]
    targets = iter(log.switched_to)
    for pid, start, end in zip(log.pids, log.starts, log.ends, strict=True):
        if pid >= 0:
            position = position_of.get(pid)
            if position is not None and end > start:
                running[position].append((start, end))
        elif pid == SWITCHING:
            position = position_of.get(next(targets))
            if position is not None and end > start:
                switching[position].append((start, end))
        else:  # a fast-forwarded phase: its turns, each a switch then a run
            phase = log.phases[-2 - pid]
            cost = phase.cost
            for who, begin, ran in phase.turns():
                position = position_of.get(who)
                if position is None:
                    continue
                if cost:
                    switching[position].append((begin, begin + cost))
                if ran:
                    running[position].append((begin + cost, begin + cost + ran))
    done: set[int] = set()
    for pid, start, end in zip(log.block_pids, log.block_starts, log.block_ends,
                               strict=True):
        position = position_of.get(pid)
        if position is not None:
            blocked[position].append((start, end))
        done.add(end)
    labels: dict[int, tuple[list[int], list[str]]] = {}  # equal programs share theirs
    columns = []
    for position, job in enumerate(jobs):
        runs = labels.get(id(job.steps))
        if runs is None:
            runs = labels[id(job.steps)] = label_runs(job, costs)
        columns.append(_Column(job.arrival, ended[position], running[position],
                               switching[position], blocked[position], runs))
    return columns, done


def _overlapping(spans: Spans, first: int, last: int) -> Iterator[tuple[int, int]]:
    """The parts of ``spans`` (sorted, not overlapping) inside ``[first, last)``."""
    index = bisect_right(spans, (first, first)) - 1
    index = max(index, 0)
    for start, end in spans[index:]:
        if start >= last:
            break
        if end > first:
            yield max(start, first), min(end, last)


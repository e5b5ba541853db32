"""Run a workload on the bare platform and measure it: per-job times, slices, ticks.

The jobs are started the way the outside world starts jobs on ``bare``
(``osmodel_batch_job`` at each arrival), with their declared length and
other scheduling fields set through ``kernel.launching``.  Which job ran
where comes from the kernel's run log (``kernel.runs``), not from tracing: a
traced run builds an event per switch and cannot be fast-forwarded.  The
tick-by-tick table of a mixed workload comes from the same log (its blocked
stretches and whom each switch went to), made a block of rows at a time as it
is read (`osmodel.plugins.schedule.ticks`); `tick_table` reads the same table
off a trace, which the tests compare it with.  A job's figures come from its
accounting, kept as it arrives: ended processes are not kept.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple

from attrs import define, field, frozen

from osmodel.kernel.asm import MAX_INSTRUCTIONS
from osmodel.kernel.boot import boot, scheduler_names
from osmodel.kernel.errors import ConfigError, OsmodelError
from osmodel.kernel.events import Event, TraceSink
from osmodel.kernel.guard import guarded
from osmodel.kernel.hookcalls import call
from osmodel.kernel.machine import Limits, Machine
from osmodel.kernel.runs import SWITCHING, RunLog
from osmodel.plugins.views.intervals import state_intervals

from .ticks import TickTable
from .workload import (
    MAX_TABLE_TICKS,
    Job,
    Workload,
    program_name,
    program_names,
    step_program,
)

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.manager import PluginManager
    from osmodel.kernel.process import Accounting

PLATFORM = "bare"


@frozen
class Setup:
    """The machine and policy a workload runs under."""

    policy: str
    options: tuple[tuple[str, Any], ...] = ()
    cpus: int = 1
    switch_cost: int = 0
    seed: int = 0
    io_issue_cost: int = 1
    io_done_cost: int = 1

    def machine(self, time_limit: int | None = None) -> Machine:
        # processes are few pages each and their number is the workload's; the workload's
        # own bounds (MAX_DEMAND, MAX_TABLE_TICKS) stand in for the runaway budgets
        return Machine(cpus=self.cpus, frames=1 << 24, switch_cost=self.switch_cost,
                       scheduler=self.policy, scheduler_options=dict(self.options),
                       io_issue_cost=self.io_issue_cost, io_done_cost=self.io_done_cost,
                       limits=Limits(processes=None, time=time_limit, instructions=None,
                                     created=None, refused=None, events=None))


#: The most CPU time jobs may ask for in all.  The run log grows with decisions (one
#: piece a slice, a fast-forwarded round robin far less), not with ticks; the bound
#: keeps a policy that decides every few ticks to minutes, not hours.
MAX_DEMAND = 100_000_000


def time_limit(workload: Workload, setup: Setup) -> int:
    """When a run that has not finished has gone wrong: every job's CPU and I/O time after
    the last arrival, each slice paying a switch (a policy that stops giving jobs a CPU
    meets this limit instead of running forever)."""
    costs = (setup.io_issue_cost, setup.io_done_cost)
    demand = sum(job.demand(*costs) for job in workload.jobs)
    most, what = ((MAX_TABLE_TICKS, "with the tick-by-tick table") if workload.mixed
                  else (MAX_DEMAND, "in all"))
    if demand > most:
        raise ConfigError(f"the {'processes' if workload.mixed else 'jobs'} ask for "
                          f"{demand:,} ticks of CPU; osmodel schedule runs at most {most:,} "
                          f"{what} (write a scenario for longer runs)")
    waits = sum(step.ticks for job in workload.jobs for step in job.steps if step.kind == "io")
    last = max((job.arrival for job in workload.jobs), default=0)
    return last + (demand + waits) * (1 + setup.switch_cost) + 1


class Slice(NamedTuple):
    """Job ``job`` ran on ``cpu`` from ``start`` to ``end`` (``job`` None: the CPU was
    switching to the next job, which costs ``switch_cost`` ticks).

    A named tuple rather than an attrs class: a run can have millions of these.
    """

    cpu: int
    job: int | None
    start: int
    end: int


@frozen
class JobResult:
    """One job's times.  ``length`` is its CPU demand (I/O issue and completion included)."""

    job: int
    length: int
    arrival: int
    first_run: int
    finish: int
    wait: int
    cpu: int
    blocked: int

    @property
    def response(self) -> int:
        return self.first_run - self.arrival

    @property
    def turnaround(self) -> int:
        return self.finish - self.arrival


class Tick(NamedTuple):
    """Tick ``tick`` (from time tick-1 to tick): each job's state, how many CPUs computed,
    how many I/Os were in flight, and whether an I/O completed as it began.

    A named tuple rather than an attrs class: a table can have a million rows.
    """

    tick: int
    states: tuple[str, ...]
    cpu: int
    io: int
    io_done: bool


@frozen
class Outcome:
    """Everything one run measured."""

    setup: Setup
    workload: Workload
    jobs: tuple[JobResult, ...]
    slices: Slices
    elapsed: int
    busy: tuple[int, ...]
    switching: tuple[int, ...]
    io_busy: int
    switches: int
    #: The tick-by-tick table of a mixed workload (a `TickTable`, made as it is read).
    ticks: Sequence[Tick] = ()

    def average(self, metric: str) -> Fraction:
        values = [getattr(job, metric) for job in self.jobs]
        return Fraction(sum(values), len(values)) if values else Fraction(0)

    def overlap(self) -> dict[int, int]:
        """Ticks during which exactly k jobs were computing at once, for each k."""
        if len(self.busy) == 1:  # one CPU computes one job or none: no replay needed
            idle = self.elapsed - self.busy[0]
            return {k: ticks for k, ticks in ((0, idle), (1, self.busy[0])) if ticks > 0}
        edges: dict[int, int] = {}
        for piece in self.slices:
            if piece.job is not None and piece.end > piece.start:
                edges[piece.start] = edges.get(piece.start, 0) + 1
                edges[piece.end] = edges.get(piece.end, 0) - 1
        levels: dict[int, int] = {}
        running = previous = 0
        for time in sorted(edges):
            if time > previous:
                levels[running] = levels.get(running, 0) + time - previous
            running += edges[time]
            previous = time
        if self.elapsed > previous:
            levels[running] = levels.get(running, 0) + self.elapsed - previous
        return levels


def known_policies(pm: PluginManager) -> list[str]:
    return scheduler_names(pm)  # names only: the run imports the one it uses


def check_policy(pm: PluginManager, policy: str) -> None:
    known = known_policies(pm)
    if policy not in known:
        raise ConfigError(f"unknown policy {policy!r}; known: {', '.join(known) or 'none'}")


def check(pm: PluginManager, workload: Workload, setup: Setup) -> None:
    """Every mistake `run` would report before running: the policy, its options, the
    programs and the size of the workload, for printing a question without its run."""
    check_policy(pm, setup.policy)
    limit = time_limit(workload, setup)
    for job in workload.jobs:  # the one way a step program can be wrong: too long
        if len(job.steps) >= MAX_INSTRUCTIONS:
            step_program(program_name(job), job.steps)
    # the programs are `cpu N` and `io N` only, which always link: the run links them
    kernel: Kernel = guarded(None, lambda: boot(
        setup.machine(limit), PLATFORM, pm, programs={}, seed=setup.seed), pm)
    kernel.close()


def trace_lines(slices: Iterable[Slice]) -> Iterator[str]:
    """One JSON object a line for every slice (``job`` null while switching), streamed."""
    for s in slices:
        job = "null" if s.job is None else s.job
        yield f'{{"cpu": {s.cpu}, "job": {job}, "start": {s.start}, "end": {s.end}}}'


def run(pm: PluginManager, workload: Workload, setup: Setup, *,
        sinks: Sequence[TraceSink] = ()) -> Outcome:
    """Run ``workload`` under ``setup`` on the bare platform and measure it.

    A mixed workload is traced for its tick table.  ``pm`` can be used again
    afterwards: the kernel is closed.
    """
    check_policy(pm, setup.policy)
    limit = time_limit(workload, setup)
    programs = workload.programs()
    # built from steps, the programs are valid: given after boot, they are linked once,
    # when their first job starts, instead of checked at boot and linked again
    kernel: Kernel = guarded(None, lambda: boot(
        setup.machine(limit), PLATFORM, pm, programs={}, seed=setup.seed,
        sinks=tuple(sinks)), pm)
    kernel.programs.update(programs)
    try:
        return _measure(kernel, workload, setup)
    finally:
        kernel.close()


def _measure(kernel: Kernel, workload: Workload, setup: Setup) -> Outcome:
    kernel.history = None  # each job's accounting is kept below, not its whole process
    log = kernel.runs = RunLog()
    jobs = workload.jobs
    job_of: dict[int, int] = {}
    position_of: dict[int, int] = {}
    accounts: list[Accounting | None] = [None] * len(jobs)
    start = kernel.resolve("osmodel_batch_job")
    names = program_names(jobs)
    launching = kernel.launching

    def arrive(batch: list[int]) -> None:
        """Start the jobs that arrive at one time, in their order (one event for them all:
        they would come out of the event queue in this order, one after another)."""
        for position in batch:
            job = jobs[position]
            with launching(job.launch):
                process = start(kernel=kernel, program=names[position], args=())
            if process is None:
                raise ConfigError(f"platform {PLATFORM} did not start job {job.index}")
            job_of[process.pid] = job.index
            position_of[process.pid] = position
            accounts[position] = process.acct

    batches: dict[int, list[int]] = {}
    for position, job in enumerate(jobs):
        batch = batches.get(job.arrival)
        if batch is None:
            batches[job.arrival] = [position]
        else:
            batch.append(position)
    for arrival, batch in batches.items():
        kernel.at(arrival, arrive, batch)
    guarded(kernel, kernel.run)
    guarded(kernel, lambda: call(kernel.pm, "osmodel_finish", kernel=kernel))
    for sink in kernel.sinks:
        sink.close()
    for cpu in kernel.cpus:  # what is still running when the run stops early
        if cpu.proc is not None and kernel.now > cpu.run_start:
            log.ran(cpu.index, cpu.proc.pid, cpu.run_start, kernel.now)

    unfinished = sorted(job.index for job, acct in zip(jobs, accounts, strict=True)
                        if acct is None or acct.ended is None)
    if unfinished:
        raise OsmodelError(
            f"policy {setup.policy} left job{'s' if len(unfinished) > 1 else ''} "
            f"{', '.join(map(str, unfinished))} unfinished at time "
            f"{kernel.now}: it stopped giving them a CPU")
    costs = (setup.io_issue_cost, setup.io_done_cost)
    demands: dict[int, int] = {}  # by the step list's identity: equal ones are shared
    results = []
    for job, acct in zip(jobs, accounts, strict=True):
        assert acct is not None and acct.ended is not None
        demand = demands.get(id(job.steps))
        if demand is None:
            demand = demands[id(job.steps)] = job.demand(*costs)
        first = acct.first_run if acct.first_run is not None else acct.ended
        results.append(JobResult(job.index, demand, job.arrival, first, acct.ended,
                                 acct.ready, acct.cpu, acct.blocked))
    ticks: Sequence[Tick] = ()
    if workload.mixed:
        if kernel.now > MAX_TABLE_TICKS:  # long I/O, late arrivals, costly switches
            raise ConfigError(f"the processes ran for {kernel.now:,} ticks (their I/O, "
                              "arrivals and switches); the tick-by-tick table has at most "
                              f"{MAX_TABLE_TICKS:,} rows")
        ended = [result.finish for result in results]
        ticks = TickTable.from_log(log, kernel.now, jobs, position_of, ended, costs)
    return Outcome(
        setup, workload, tuple(results), Slices(log, job_of), kernel.now,
        tuple(cpu.busy for cpu in kernel.cpus), tuple(cpu.switching for cpu in kernel.cpus),
        kernel.counters.io_busy, kernel.counters.switches, ticks)


def merged(pieces: Iterable[tuple[int, int | None, int, int]],
           job_of: Mapping[int, int]) -> Iterator[Slice]:
    """Slices by start time then CPU; back-to-back stretches of one job on one CPU
    (a quantum renewed with nobody else to run) are one slice.

    The log is in time order for each CPU already (a CPU's next stretch starts
    when its last ends), so this is one pass and a merge of the CPUs' rows.
    """
    rows: dict[int, list[Slice]] = {}
    for cpu, pid, begin, end in pieces:
        job = None if pid is None else job_of[pid]
        row = rows.get(cpu)
        if row is None:
            row = rows[cpu] = []
        elif job is not None and row:
            last = row[-1]
            if last.job == job and last.end == begin:
                row[-1] = Slice(cpu, job, last.start, end)
                continue
        row.append(Slice(cpu, job, begin, end))
    if len(rows) == 1:
        yield from next(iter(rows.values()))
        return
    yield from heapq.merge(*rows.values(), key=lambda s: (s.start, s.cpu))


@define(eq=False)
class Slices:
    """Who ran where and when: the kernel's run log, read as slices.

    Kept as the log itself, so a run of a million one-tick slices costs its
    arrays and its fast-forwarded phases, not a million objects; iterating
    replays them.  A slice with ``job`` None is a context switch.
    """

    log: RunLog
    job_of: Mapping[int, int]
    _runs: int | None = field(default=None, init=False)

    def __iter__(self) -> Iterator[Slice]:
        return merged(self.log.pieces(), self.job_of)

    def runs(self) -> int:
        """How many slices ran a job (switches not counted), without replaying phases."""
        if self._runs is not None:
            return self._runs
        log = self.log
        count = sum(phase.slices() for phase in log.phases)
        last: dict[int, tuple[int, int]] = {}
        for cpu, pid, start, end in zip(log.cpus, log.pids, log.starts, log.ends, strict=True):
            if pid < 0:
                if pid != SWITCHING:
                    last.pop(cpu, None)
                continue
            if last.get(cpu) != (pid, start):
                count += 1
            last[cpu] = (pid, end)
        self._runs = count
        return count

    def who_at(self, cpu: int, times: Sequence[int]) -> list[int | bool | None]:
        """For each of ``times`` (ascending): the job ``cpu`` ran then, None while it was
        switching, False while it was idle."""
        log = self.log
        out: list[int | bool | None] = []
        index = 0
        count = len(times)
        for c, pid, start, end in zip(log.cpus, log.pids, log.starts, log.ends, strict=True):
            if c != cpu:
                continue
            if pid <= -2:
                phase = log.phases[-2 - pid]
                start, end = phase.start, phase.end
            while index < count and times[index] < start:
                out.append(False)
                index += 1
            inside = index
            while index < count and times[index] < end:
                index += 1
            if index == inside:
                continue
            if pid >= 0:
                out += [self.job_of[pid]] * (index - inside)
            elif pid == SWITCHING:
                out += [None] * (index - inside)
            else:
                out += [None if who is None else self.job_of[who]
                        for who in phase.who_at(list(times[inside:index]))]
        out += [False] * (count - index)
        return out


def run_order(slices: Iterable[Slice]) -> list[int]:
    """The jobs in the order they got a CPU, one entry per slice."""
    return [s.job for s in slices if s.job is not None]


STATE_NAMES = {"ready": "READY", "blocked": "BLOCKED", "new": "NEW"}


def _labels(job: Job, costs: tuple[int, int]) -> list[str]:
    """What each tick of the job's CPU time does, in order."""
    out: list[str] = []
    for step in job.steps:
        if step.kind == "cpu":
            out += ["RUN:cpu"] * step.ticks
        else:
            out += ["RUN:io"] * costs[0] + ["RUN:io_done"] * costs[1]
    return out


def tick_table(events: Sequence[Event], clock: int, job_of: Mapping[int, int],
               workload: Workload, costs: tuple[int, int]) -> tuple[Tick, ...]:
    """Each job's state in every tick, from a trace (the timeline view's intervals): what
    `TickTable` makes from the run log, read the way the views read a run.

    Rows are filled a stretch at a time (slice assignment, not a store per tick)."""
    count = len(workload.jobs)
    grid = [[""] * clock for _ in range(count)]
    for interval in state_intervals(events, clock):
        index = job_of.get(interval.who)
        if index is None:
            continue
        end = min(interval.end, clock)
        if end > interval.start:
            grid[index][interval.start:end] = [interval.what] * (end - interval.start)
    done: set[int] = set()
    for event in events:
        index = job_of.get(event.pid) if event.pid is not None else None
        if event.kind == "switch" and index is not None and event.info.get("cost"):
            end = min(clock, event.time + event.info["cost"])
            if end > event.time:
                grid[index][event.time:end] = ["SWITCH"] * (end - event.time)
        elif event.kind == "io" and event.info.get("phase") == "done":
            done.add(event.time)
        elif event.kind == "exit" and index is not None and event.time < clock:
            grid[index][event.time:] = ["DONE"] * (clock - event.time)
    names = STATE_NAMES.get
    for job in workload.jobs:
        labels = iter(_labels(job, costs))
        grid[job.index] = [next(labels, "RUN") if state == "running" else names(state, state)
                           for state in grid[job.index]]
    running = {"RUN", "RUN:cpu", "RUN:io", "RUN:io_done"}.__contains__
    return tuple(
        Tick(tick, states, sum(map(running, states)), states.count("BLOCKED"), tick - 1 in done)
        for tick, states in enumerate(zip(*grid, strict=True), 1)
    )


def percent(part: int, whole: int) -> Fraction:
    return Fraction(100 * part, whole) if whole else Fraction(0)


def fixed(value: Fraction, places: int = 2) -> str:
    """``value`` rounded half up to ``places`` decimals: 8/3 -> 2.67, exactly, whatever
    binary floats would do."""
    scale = 10**places
    magnitude = math.floor(abs(value) * scale + Fraction(1, 2))
    sign = "-" if value < 0 and magnitude else ""
    whole, part = divmod(magnitude, scale)
    return f"{sign}{whole}.{part:0{places}d}" if places else f"{sign}{whole}"

"""Run a workload on the bare platform and measure it: per-job times, slices, ticks.

The jobs are started the way the outside world starts jobs on ``bare``
(``osmodel_batch_job`` at each arrival), with their declared length and
other scheduling fields set through ``kernel.launching``.  Which job ran
where is noted by wrapping the run's scheduler, not by tracing: a traced
run builds an event (and a saved context) per switch, which would cost more
than the simulation itself.  The tick-by-tick table of a mixed workload does
come from the trace, through the same intervals the timeline view draws.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple

from attrs import frozen

from osmodel.kernel.boot import boot, schedulers
from osmodel.kernel.errors import ConfigError, OsmodelError
from osmodel.kernel.events import Event, Recorder, TraceSink
from osmodel.kernel.machine import Limits, Machine
from osmodel.kernel.simulation import guarded
from osmodel.plugins.views.intervals import state_intervals

from .workload import Job, Workload, program_name

if TYPE_CHECKING:
    from osmodel.kernel.cpu import CPU
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.manager import PluginManager
    from osmodel.kernel.process import Process
    from osmodel.kernel.scheduler import Scheduler

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
        # processes are few pages each and their number is the workload's
        return Machine(cpus=self.cpus, frames=1 << 24, switch_cost=self.switch_cost,
                       scheduler=self.policy, scheduler_options=dict(self.options),
                       io_issue_cost=self.io_issue_cost, io_done_cost=self.io_done_cost,
                       limits=Limits(processes=None, time=time_limit))


#: The most CPU time a workload may ask for in all: the default time limit of a
#: scenario, and what keeps a run's slice log and tick table within memory.
MAX_DEMAND = 1_000_000


def time_limit(workload: Workload, setup: Setup) -> int:
    """When a run that has not finished has gone wrong: every job's CPU and I/O time after
    the last arrival, each slice paying a switch (a policy that stops giving jobs a CPU
    meets this limit instead of running forever)."""
    costs = (setup.io_issue_cost, setup.io_done_cost)
    demand = sum(job.demand(*costs) for job in workload.jobs)
    if demand > MAX_DEMAND:
        raise ConfigError(f"the jobs ask for {demand:,} ticks of CPU in all; osmodel schedule "
                          f"runs at most {MAX_DEMAND:,} (write a scenario for longer runs)")
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


@frozen
class Tick:
    """Tick ``tick`` (from time tick-1 to tick): each job's state, how many CPUs computed,
    how many I/Os were in flight, and whether an I/O completed as it began."""

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
    slices: tuple[Slice, ...]
    elapsed: int
    busy: tuple[int, ...]
    switching: tuple[int, ...]
    io_busy: int
    switches: int
    ticks: tuple[Tick, ...] = ()

    def average(self, metric: str) -> Fraction:
        values = [getattr(job, metric) for job in self.jobs]
        return Fraction(sum(values), len(values)) if values else Fraction(0)

    def overlap(self) -> dict[int, int]:
        """Ticks during which exactly k jobs were computing at once, for each k."""
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


class SliceLog:
    """The run's scheduler, wrapped to note who ran on which CPU and when.

    Only ``ran`` (and ``pick``, when switches cost time) does more than pass
    the call on, so the policy decides exactly as it would alone.
    """

    def __init__(self, inner: Scheduler, kernel: Kernel) -> None:
        self.inner = inner
        self.kernel = kernel
        self.preemptive = inner.preemptive
        #: (cpu, pid, start, end) of each stretch a process ran; pid None: switching.
        self.pieces: list[tuple[int, int | None, int, int]] = []
        self.cost = kernel.machine.switch_cost
        # the calls that need nothing noted go straight to the policy
        self.admit = inner.admit  # type: ignore[method-assign]
        self.remove = inner.remove  # type: ignore[method-assign]
        self.slice = inner.slice  # type: ignore[method-assign]
        self.victim = inner.victim  # type: ignore[method-assign]
        if not self.cost:
            self.pick = inner.pick  # type: ignore[method-assign]

    def admit(self, process: Process, reason: str) -> None:  # pragma: no cover - replaced
        self.inner.admit(process, reason)

    def remove(self, process: Process) -> None:  # pragma: no cover - replaced
        self.inner.remove(process)

    def slice(self, process: Process, cpu: CPU) -> int | None:  # pragma: no cover - replaced
        return self.inner.slice(process, cpu)

    def victim(self, process: Process, running: list[CPU]) -> CPU | None:  # pragma: no cover
        return self.inner.victim(process, running)

    def pick(self, cpu: CPU) -> Process | None:
        chosen = self.inner.pick(cpu)
        last = cpu.last
        if chosen is not None and last is not None and last is not chosen:
            now = self.kernel.now
            self.pieces.append((cpu.index, None, now, now + self.cost))
        return chosen

    def ran(self, process: Process, ticks: int, reason: str) -> None:
        self.inner.ran(process, ticks, reason)
        if ticks:
            cpu = process.cpu
            assert cpu is not None
            now = self.kernel.now
            self.pieces.append((cpu.index, process.pid, now - ticks, now))

    def finish(self, kernel: Kernel) -> None:
        """Note what is still running when the run stops early."""
        for cpu in kernel.cpus:
            if cpu.proc is not None and kernel.now > cpu.run_start:
                self.pieces.append((cpu.index, cpu.proc.pid, cpu.run_start, kernel.now))


def known_policies(pm: PluginManager) -> list[str]:
    return sorted(schedulers(pm))


def check_policy(pm: PluginManager, policy: str) -> None:
    known = known_policies(pm)
    if policy not in known:
        raise ConfigError(f"unknown policy {policy!r}; known: {', '.join(known) or 'none'}")


def run(pm: PluginManager, workload: Workload, setup: Setup, *,
        sinks: Sequence[TraceSink] = ()) -> Outcome:
    """Run ``workload`` under ``setup`` on the bare platform and measure it.

    A mixed workload is traced for its tick table.  ``pm`` can be used again
    afterwards: the kernel is closed.
    """
    check_policy(pm, setup.policy)
    recorder = Recorder() if workload.mixed else None
    all_sinks = (*sinks, recorder) if recorder is not None else tuple(sinks)
    limit = time_limit(workload, setup)
    kernel: Kernel = guarded(None, lambda: boot(
        setup.machine(limit), PLATFORM, pm, programs=workload.programs(), seed=setup.seed,
        sinks=all_sinks), pm)
    try:
        return _measure(kernel, workload, setup, recorder)
    finally:
        kernel.close()


def _measure(kernel: Kernel, workload: Workload, setup: Setup,
             recorder: Recorder | None) -> Outcome:
    kernel.history = []
    log = SliceLog(kernel.scheduler, kernel)
    kernel.scheduler = log
    job_of: dict[int, int] = {}
    start = kernel.hook.osmodel_batch_job

    def arrive(job: Job) -> None:
        with kernel.launching(job.launch):
            process = start(kernel=kernel, program=program_name(job), args=[])
        if process is None:
            raise ConfigError(f"platform {PLATFORM} did not start job {job.index}")
        job_of[process.pid] = job.index

    for job in workload.jobs:
        kernel.at(job.arrival, arrive, job)
    guarded(kernel, kernel.run)
    guarded(kernel, lambda: kernel.hook.osmodel_finish(kernel=kernel))
    for sink in kernel.sinks:
        sink.close()
    log.finish(kernel)

    processes = {p.pid: p for p in (*kernel.history, *kernel.processes.values())}
    unfinished = sorted(index for pid, index in job_of.items()
                        if processes[pid].acct.ended is None)
    if unfinished or len(job_of) < len(workload.jobs):
        started = set(job_of.values())
        never = [job.index for job in workload.jobs if job.index not in started]
        raise OsmodelError(
            f"policy {setup.policy} left job{'s' if len(unfinished + never) > 1 else ''} "
            f"{', '.join(map(str, sorted(unfinished + never)))} unfinished at time "
            f"{kernel.now}: it stopped giving them a CPU")
    costs = (setup.io_issue_cost, setup.io_done_cost)
    results = []
    for pid, index in sorted(job_of.items(), key=lambda item: item[1]):
        acct = processes[pid].acct
        job = workload.jobs[index]
        assert acct.ended is not None
        first = acct.first_run if acct.first_run is not None else acct.ended
        results.append(JobResult(index, job.demand(*costs), job.arrival, first, acct.ended,
                                 acct.ready, acct.cpu, acct.blocked))
    ticks: tuple[Tick, ...] = ()
    if recorder is not None:
        ticks = tick_table(recorder.events, kernel.now, job_of, workload, costs)
    return Outcome(
        setup, workload, tuple(results), merged(log.pieces, job_of), kernel.now,
        tuple(cpu.busy for cpu in kernel.cpus), tuple(cpu.switching for cpu in kernel.cpus),
        kernel.counters.io_busy, kernel.counters.switches, ticks)


def merged(pieces: Iterable[tuple[int, int | None, int, int]],
           job_of: Mapping[int, int]) -> tuple[Slice, ...]:
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
        elif job is not None:
            last = row[-1]
            if last.job == job and last.end == begin:
                row[-1] = Slice(cpu, job, last.start, end)
                continue
        row.append(Slice(cpu, job, begin, end))
    if len(rows) == 1:
        return tuple(next(iter(rows.values())))
    return tuple(heapq.merge(*rows.values(), key=lambda s: (s.start, s.cpu)))


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
    """Each job's state in every tick, from the trace (the timeline view's intervals)."""
    count = len(workload.jobs)
    grid = [[""] * clock for _ in range(count)]
    for interval in state_intervals(events, clock):
        index = job_of.get(interval.who)
        if index is None:
            continue
        row = grid[index]
        for tick in range(interval.start, min(interval.end, clock)):
            row[tick] = interval.what
    done: set[int] = set()
    for event in events:
        index = job_of.get(event.pid) if event.pid is not None else None
        if event.kind == "switch" and index is not None and event.info.get("cost"):
            for tick in range(event.time, min(clock, event.time + event.info["cost"])):
                grid[index][tick] = "SWITCH"
        elif event.kind == "io" and event.info.get("phase") == "done":
            done.add(event.time)
        elif event.kind == "exit" and index is not None:
            for tick in range(event.time, clock):
                grid[index][tick] = "DONE"
    for job in workload.jobs:
        row, labels = grid[job.index], _labels(job, costs)
        executed = 0
        for tick, state in enumerate(row):
            if state == "running":
                row[tick] = labels[executed] if executed < len(labels) else "RUN"
                executed += 1
            else:
                row[tick] = STATE_NAMES.get(state, state)
    return tuple(
        Tick(tick + 1, states, sum(1 for s in states if s.startswith("RUN")),
             sum(1 for s in states if s == "BLOCKED"), tick in done)
        for tick, states in enumerate(zip(*grid, strict=True))
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

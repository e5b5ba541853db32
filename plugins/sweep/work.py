"""One batch of runs, as a worker runs it: in this process, a pool's or a Dask worker's.

A batch is a plain value (the workload, the plugins to load, the runs), so
any executor can ship it; a worker builds its plugin manager once and keeps
it for every batch after (interpreter and plugin start-up are paid once per
worker, not per run).  Each run gives one row of strings, the same whichever
process runs it: the metrics are exact fractions rounded half up, and a run
that fails is a row with its error, never an exception out of the batch.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs
from attrs import frozen

from osmodel.kernel.errors import OsmodelError

from .spec import Cell, Generated

if TYPE_CHECKING:
    from osmodel.kernel.manager import PluginManager
    from osmodel.kernel.scenario import Scenario

#: The metrics of a run of the drawn workload, in their column order.
GENERATED_METRICS = ("jobs", "elapsed", "response", "turnaround", "wait", "throughput",
                     "utilisation", "switches")
#: Of a scenario run: the same, then preemptions and the processes by cause and by end.
CAUSES = ("boot", "syscall", "user", "batch")
ENDS = ("normal", "error", "fatal", "killed")
SCENARIO_METRICS = ("processes", "elapsed", "response", "turnaround", "wait", "throughput",
                    "utilisation", "switches", "preemptions",
                    *(f"created_{cause}" for cause in CAUSES),
                    *(f"ended_{end}" for end in ENDS))
#: How many decimals each fractional metric keeps.
PLACES = {"response": 4, "turnaround": 4, "wait": 4, "throughput": 6, "utilisation": 6}


@frozen
class Batch:
    """Runs to make: each is (its index in the sweep, its cell, its seed)."""

    plugins: tuple[str, ...]
    workload: Generated | Scenario
    runs: tuple[tuple[int, Cell, int], ...]


#: Runs to make: (index in the sweep, cell, seed), in the sweep's order.
Runs = Sequence[tuple[int, Cell, int]]
#: A finished run: its index, its status (ok, stopped, error), its metrics, its error.
Result = tuple[int, str, tuple[str, ...], str]

_local = threading.local()  # one manager per worker thread (Dask may run threads)


def manager(plugins: Sequence[str]) -> PluginManager:
    """This worker's plugin manager for ``plugins``, built on first use."""
    cache: dict[tuple[str, ...], PluginManager] | None = getattr(_local, "managers", None)
    if cache is None:
        cache = _local.managers = {}
    key = tuple(plugins)
    pm = cache.get(key)
    if pm is None:
        from osmodel.kernel.manager import make_plugin_manager

        pm = cache[key] = make_plugin_manager(list(key))
    return pm


def adopt(plugins: Sequence[str], pm: PluginManager) -> None:
    """Use ``pm`` (the command's own) for batches run in this thread."""
    cache = getattr(_local, "managers", None)
    if cache is None:
        cache = _local.managers = {}
    cache[tuple(plugins)] = pm


def warm(plugins: Sequence[str]) -> None:
    """A pool worker's initializer: import and build everything before the first batch."""
    manager(plugins)
    from osmodel.plugins.schedule import engine  # noqa: F401


def run_batch(batch: Batch) -> list[Result]:
    pm = manager(batch.plugins)
    return [run_one(pm, batch.workload, cell, seed, index) for index, cell, seed in batch.runs]


def run_one(pm: PluginManager, workload: Generated | Scenario, cell: Cell, seed: int,
            index: int) -> Result:
    try:
        if isinstance(workload, Generated):
            return (index, "ok", generated_run(pm, workload, cell, seed), "")
        metrics, stopped = scenario_run(pm, workload, cell, seed)
        return (index, "stopped" if stopped else "ok", metrics, stopped or "")
    except OsmodelError as error:
        return (index, "error", (), one_line(str(error)))
    except Exception as error:  # a bug, not the user's: the row says what it was
        return (index, "error", (), one_line(f"internal error: {type(error).__name__}: {error}"))


def one_line(text: str) -> str:
    return " ".join(text.split())


def fixed(value: Fraction, places: int) -> str:
    from osmodel.plugins.schedule.engine import fixed as rounded

    return rounded(value, places)


def _ratio(part: int, whole: int) -> Fraction:
    return Fraction(part, whole) if whole else Fraction(0)


# ---------------------------------------------------------------------- drawn workloads


def schedule_setup(workload: Generated, cell: Cell, seed: int) -> tuple[Any, Any]:
    """The Workload and Setup ``osmodel schedule --seed SEED`` builds for this cell."""
    from osmodel.plugins.schedule import commands, engine

    mixed = bool(workload.processes)
    policy = cell.policy or ("cyclic" if mixed else "fifo")
    options = list(cell.options)
    if policy == "cyclic":
        options = commands.cyclic_options(options, None, None)
    setup = engine.Setup(policy, tuple(options), cell.cpus or 1, cell.switch_cost or 0, seed)
    built = commands.build(
        jobs=None, processes=list(workload.processes), arrivals=None, fields=[], seed=seed,
        count=workload.count, max_length=workload.max_length,
        max_arrival=workload.max_arrival, io_length=workload.io_length,
        costs=(setup.io_issue_cost, setup.io_done_cost))
    return built, setup


def generated_run(pm: PluginManager, workload: Generated, cell: Cell,
                  seed: int) -> tuple[str, ...]:
    from osmodel.plugins.schedule import engine

    built, setup = schedule_setup(workload, cell, seed)
    outcome = engine.run(pm, built, setup)
    elapsed = outcome.elapsed
    jobs = len(outcome.jobs)
    busy = sum(outcome.busy)
    return (str(jobs), str(elapsed),
            *(fixed(outcome.average(name), PLACES[name])
              for name in ("response", "turnaround", "wait")),
            fixed(_ratio(jobs, elapsed), PLACES["throughput"]),
            fixed(_ratio(busy, elapsed * len(outcome.busy)), PLACES["utilisation"]),
            str(outcome.switches))


# ---------------------------------------------------------------------------- scenarios


def scenario_machine(scenario: Scenario, cell: Cell) -> Any:
    """The scenario's machine with the cell's changes: a policy replaces the scheduler
    (and its options), options are added to it."""
    from osmodel.kernel.simulation import machine_for

    machine = machine_for(scenario, cpus=cell.cpus, scheduler=cell.policy)
    changes: dict[str, Any] = {}
    if cell.options:
        changes["scheduler_options"] = {**machine.scheduler_options,
                                        **{key: (list(value) if isinstance(value, tuple)
                                                 else value) for key, value in cell.options}}
    if cell.switch_cost is not None:
        changes["switch_cost"] = cell.switch_cost
    return attrs.evolve(machine, **changes) if changes else machine


def scenario_run(pm: PluginManager, scenario: Scenario, cell: Cell,
                 seed: int) -> tuple[tuple[str, ...], str | None]:
    """Run the scenario as ``osmodel run --seed SEED --format json`` does; its metrics, and
    why it stopped early (a limit), if it did."""
    from osmodel.kernel.report import build_report
    from osmodel.kernel.simulation import simulate

    sim = simulate(scenario, platform=cell.platform, pm=pm,
                   machine=scenario_machine(scenario, cell), seed=seed, run=False,
                   record=False)
    try:
        sim.run()
        sim.finish()
        sim.kernel.settle()
        report = build_report(sim)
    finally:
        sim.close()
    return scenario_metrics(report), report["stopped"]


def scenario_metrics(report: dict[str, Any]) -> tuple[str, ...]:
    processes = report["processes"]
    summary = report["summary"]
    clock: int = report["clock"]
    ended = [p for p in processes if p["exit"] is not None]

    def average(key: str) -> str:
        values = [p["metrics"][key] for p in ended if p["metrics"][key] is not None]
        return fixed(Fraction(sum(values), len(values)) if values else Fraction(0), PLACES[key])

    causes = {cause: 0 for cause in CAUSES}
    ends = {end: 0 for end in ENDS}
    for proc in processes:
        causes[proc["cause"]] = causes.get(proc["cause"], 0) + 1
        if proc["exit"] is not None:
            ends[proc["exit"]["kind"]] = ends.get(proc["exit"]["kind"], 0) + 1
    busy = sum(cpu["busy"] for cpu in summary["cpus"])
    return (str(len(processes)), str(clock), *(average(k) for k in ("response", "turnaround",
                                                                    "wait")),
            fixed(_ratio(len(ended), clock), PLACES["throughput"]),
            fixed(_ratio(busy, clock * len(summary["cpus"])), PLACES["utilisation"]),
            str(summary["context_switches"]), str(summary["preemptions"]),
            *(str(causes[cause]) for cause in CAUSES), *(str(ends[end]) for end in ENDS))

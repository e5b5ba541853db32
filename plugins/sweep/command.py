"""The body of ``osmodel sweep``: read the spec, check it, run what is left, write, summarise.

Everything a mistake can be caught by is checked before the first run (the
spec, each cell's setup, the extras, the output file), so a bad sweep ends
at once with one line and exit status 2.  The output is rewritten whole,
sorted, after the last run and at checkpoints while runs finish; an
interrupted sweep leaves the runs it finished, and ``--resume`` goes on from
them.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import typer
from attrs import frozen

from osmodel.kernel.cli import AppState, fail
from osmodel.kernel.errors import OsmodelError

from . import executors, results
from .checks import check_cells
from .extras import need
from .spec import Generated, ScenarioFile, Spec, load_spec
from .work import GENERATED_METRICS, SCENARIO_METRICS, Result, Runs

if TYPE_CHECKING:
    from osmodel.kernel.scenario import Scenario

#: A checkpoint is written at most this often (seconds), and never more often than ten
#: times the time the last write took.
CHECKPOINT_SECONDS = 5.0
EXIT_INTERRUPTED = 130


@frozen
class Options:
    spec: Path
    output: str
    executor: str
    address: str | None
    workers: int | None
    resume: bool
    plot: str | None


def sweep(state: AppState, plugins: tuple[str, ...], options: Options) -> None:
    try:
        _sweep(state, plugins, options)
    except OsmodelError as error:
        raise fail(str(error)) from None


def _sweep(state: AppState, plugins: tuple[str, ...], opts: Options) -> None:
    from osmodel.kernel.boot import platforms, schedulers

    if opts.executor == "local" and opts.address is not None:
        raise fail("--address names a Dask scheduler: use it with --executor dask")
    if opts.address is not None and opts.workers is not None:
        raise fail("--workers sets the size of a LocalCluster; a cluster at --address "
                   "has its own workers")
    if opts.executor == "dask":
        need("dask.distributed", "dask", "--executor dask")
    if opts.plot is not None:
        need("matplotlib", "plot", "--plot")
    if results.is_parquet(opts.output):
        need("pyarrow", "parquet", "a .parquet output")
    pm = state.pm
    spec = load_spec(opts.spec, policies=sorted(schedulers(pm)), platforms=sorted(platforms(pm)))
    workload = _workload(state, spec)
    cells = [cell if cell.platform is not None or state.platform is None
             else attrs.evolve(cell, platform=state.platform) for cell in spec.cells]
    check_cells(pm, cells, spec, workload)
    results.check_target(opts.output)
    if opts.plot is not None:
        from osmodel.plugins.output import check_output

        check_output("--plot", opts.plot)

    metrics = GENERATED_METRICS if isinstance(workload, Generated) else SCENARIO_METRICS
    columns = (*spec.columns, "seed", "status", *metrics, "error")
    runs: Runs = [(number * len(spec.seeds) + order, cell, seed)
                  for number, cell in enumerate(cells) for order, seed in enumerate(spec.seeds)]
    keys = {(*cell.labels, str(seed)): index for index, cell, seed in runs}
    done: dict[int, tuple[str, ...]] = {}
    if opts.resume and os.path.exists(opts.output):
        done = _resumed(opts.output, columns, metrics, keys)
    resumed = len(done)
    pending = [run for run in runs if run[0] not in done]
    width = len(metrics)

    def row(result: Result) -> tuple[str, ...]:
        index, status, values, error = result
        cell, seed = runs[index][1], runs[index][2]
        return (*cell.labels, str(seed), status, *(values or ("",) * width), error)

    def save() -> None:
        results.write(opts.output, columns, [done[i] for i in sorted(done)], metrics)

    workers = opts.workers if opts.workers is not None else (
        executors.default_workers() if opts.address is None else None)
    batches = executors.batches(plugins, workload, pending,
                                workers or executors.default_workers())
    stream: Generator[list[Result], None, None] | None = None
    last_write = time.monotonic()
    cost = 0.0
    try:
        # started (and every batch handed out) before the progress bar's thread exists
        stream = (executors.local(batches, workers or 1, pm) if opts.executor == "local"
                  else executors.dask(batches, workers, opts.address))
        with _progress(len(runs), len(runs) - len(pending)) as advance:
            for finished in stream:
                for result in finished:
                    done[result[0]] = row(result)
                advance(len(finished))
                now = time.monotonic()
                if now - last_write >= max(CHECKPOINT_SECONDS, 10 * cost) and \
                        len(done) < len(runs):
                    save()
                    cost = time.monotonic() - now
                    last_write = time.monotonic()
    except KeyboardInterrupt:
        if stream is not None:
            stream.close()
        if len(done) > resumed:
            save()
        typer.echo(f"osmodel: interrupted: {len(done):,} of {len(runs):,} runs are in "
                   f"{opts.output}; the same command with --resume goes on", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except OsmodelError:
        if len(done) > resumed:  # keep what finished before the executor failed
            save()
        raise
    save()
    rows = [done[i] for i in sorted(done)]
    labels = [cell.labels for cell in spec.cells]
    from .summary import summary_lines

    typer.echo("\n".join(summary_lines(columns, labels, rows, runs=len(runs),
                                       output=opts.output)))
    if opts.plot is not None:
        from .plot import plot_png

        title = f"osmodel sweep {opts.spec.name}: {len(runs):,} runs"
        results.replace("--plot", opts.plot, plot_png(columns, labels, rows, title))


def _workload(state: AppState, spec: Spec) -> Generated | Scenario:
    if isinstance(spec.workload, Generated):
        if state.platform not in (None, "bare"):
            raise fail(f"a drawn workload runs on the bare platform; drop --platform "
                       f"{state.platform}")
        return spec.workload
    assert isinstance(spec.workload, ScenarioFile)
    from osmodel.kernel.scenario import load_scenario

    return load_scenario(spec.workload.path)


def _resumed(output: str, columns: tuple[str, ...], metrics: tuple[str, ...],
             keys: dict[tuple[str, ...], int]) -> dict[int, tuple[str, ...]]:
    """The rows of an earlier run of the same sweep, by run index."""
    found_columns, rows = results.read(output, metrics)
    if not found_columns and not rows:
        return {}
    if tuple(found_columns) != columns:
        raise results.ResultsError(
            f"--resume: {output} has the columns {','.join(found_columns)[:80]}, not this "
            f"sweep's ({','.join(columns)[:80]}): is it the output of another spec?")
    width = len(columns) - 3 - len(metrics)
    done: dict[int, tuple[str, ...]] = {}
    for line, row in enumerate(rows, 2):
        if len(row) != len(columns):
            raise results.ResultsError(f"--resume: {output}:{line}: {len(row)} fields, not "
                                       f"{len(columns)}")
        index = keys.get(row[:width + 1])
        if index is None:
            shown = ", ".join(f"{c}={v}" for c, v in zip(columns[:width + 1], row[:width + 1],
                                                             strict=True))
            raise results.ResultsError(f"--resume: {output}:{line}: the run {shown} is not "
                                       "one of this spec's runs")
        if index in done:
            raise results.ResultsError(f"--resume: {output}:{line}: the run is in the file "
                                       "twice")
        done[index] = row
    return done


@contextmanager
def _progress(total: int, already: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr, with the rate and the time left, only on a terminal."""
    if not sys.stderr.isatty():
        yield lambda count: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    class Rate(TextColumn):
        def __init__(self) -> None:
            super().__init__("")

        def render(self, task):  # type: ignore[no-untyped-def]
            from rich.text import Text

            speed = task.finished_speed or task.speed
            return Text(f"{'?' if speed is None else f'{speed:,.1f}'} runs/s")

    columns = (TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), Rate(),
               TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("runs", total=total, completed=already)
        yield lambda count: bar.advance(task, count)

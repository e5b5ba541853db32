"""The ``osmodel sweep`` command's options; the work is in `command` (imported on use)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from osmodel.kernel.cli import AppState


class Executor(StrEnum):
    local = "local"
    dask = "dask"


def sweep(
    ctx: typer.Context,
    spec: Path = typer.Argument(..., help="The sweep spec (TOML): [sweep] seeds, [grid], "
                                "[workload]."),
    output: str = typer.Option(..., "-o", "--output", metavar="FILE",
                               help="The results: CSV, or Parquet for a .parquet name."),
    executor: Executor = typer.Option(Executor.local, "--executor",
                                      help="local (a process pool) or dask."),
    address: str | None = typer.Option(
        None, "--address", metavar="ADDR",
        help="dask: the scheduler of a running cluster (default: a LocalCluster)."),
    workers: int | None = typer.Option(
        None, "--workers", min=1, max=4096,
        help="Worker processes (default: one per core)."),
    resume: bool = typer.Option(False, "--resume",
                                help="Skip the runs already in the output."),
    plot: str | None = typer.Option(None, "--plot", metavar="FILE.png",
                                    help="Draw each metric's distribution per cell."),
) -> None:
    """Run a grid of workloads, policies and seeds; write one row per run and
    summarise each cell."""
    from .command import Options
    from .command import sweep as run

    root = ctx.find_root()
    state: AppState = root.obj
    plugins = tuple(root.params.get("plugin") or ())
    run(state, plugins, Options(spec, output, executor.value, address, workers, resume, plot))

"""``osmodel sweep``: a grid of runs (policies x CPUs x options x seeds) as one command.

Registered as a built-in plugin like any command, and declared by where it
lives (`cli`): its options, the engine, the executors (a process pool, or
Dask) and the plot (matplotlib) are imported when the command runs, so every
other command starts as fast as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from osmodel.kernel import hookimpl

if TYPE_CHECKING:
    from osmodel.kernel.cli import CommandLine


@hookimpl
def osmodel_commands(app: CommandLine) -> None:
    app.lazy_command("sweep", "osmodel.plugins.sweep.cli:sweep", order=85)

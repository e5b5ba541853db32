"""Ways to look at a run: state timelines, Gantt charts, trace exports, compare, the report.

This package is the ``views`` plugin.  Registering it imports nothing of the
views: its commands are declared by where they live (``views.commands``),
and imported when one runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from osmodel.kernel import hookimpl

if TYPE_CHECKING:
    import pluggy

    from osmodel.kernel.cli import CommandLine

#: The commands, where they live and their place in ``osmodel --help``.
COMMANDS = (("compare", 20), ("timeline", 30), ("tree", 40), ("report", 50), ("export", 60))


@hookimpl
def osmodel_addhooks(pluginmanager: pluggy.PluginManager) -> None:
    """The compare view's own hooks (``osmodel_compare_rules``: plugins/views/hooks.py)."""
    from . import hooks

    pluginmanager.add_hookspecs(hooks)


@hookimpl
def osmodel_commands(app: CommandLine) -> None:
    for name, order in COMMANDS:
        app.lazy_command(name, f"{__name__}.commands:{name}", order=order)

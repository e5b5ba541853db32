"""``osmodel ostep NAME FLAGS...``: the OSTEP homework simulators' questions and answers.

Registered as one built-in plugin (``ostep``), as a third-party package would
be: the command through ``osmodel_commands``.  Every start loads every
plugin, so the command's module is imported only as it is registered, and the
simulators, the engine and the writers only when the command runs.
"""

from __future__ import annotations

import typer

from osmodel.kernel import hookimpl


@hookimpl
def osmodel_commands(app: typer.Typer) -> None:
    from .command import register

    register(app)

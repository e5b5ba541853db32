"""``osmodel ostep NAME FLAGS...``: the OSTEP homework simulators' questions and answers.

Registered as one built-in plugin (``ostep``), as a third-party package would
be: the command through ``osmodel_commands``, declared by where it lives, so
that its module, the simulators, the engine and the writers are imported only
when the command runs (or ``--help`` lists the commands).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from osmodel.kernel import hookimpl

if TYPE_CHECKING:
    from osmodel.kernel.cli import CommandLine


@hookimpl
def osmodel_commands(app: CommandLine) -> None:
    from .command import SETTINGS

    app.lazy_command("ostep", "osmodel.plugins.ostep.command:ostep", order=80, **SETTINGS)

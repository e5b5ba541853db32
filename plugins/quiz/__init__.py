"""``osmodel quiz``: a seeded quiz on creating and ending processes, for UNIX and Windows.

Registered as a built-in plugin; the generator and the run behind the
answers are imported only when the command runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from osmodel.kernel import hookimpl

if TYPE_CHECKING:
    from osmodel.kernel.cli import CommandLine


@hookimpl
def osmodel_commands(app: CommandLine) -> None:
    app.lazy_command("quiz", "osmodel.plugins.quiz.command:quiz", order=75)

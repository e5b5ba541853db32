"""``osmodel quiz``: a seeded quiz on creating and ending processes, for UNIX and Windows.

Registered as a built-in plugin; the generator and the run behind the
answers are imported only when the command runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from osmodel.kernel import hookimpl

if TYPE_CHECKING:
    import typer


@hookimpl
def osmodel_commands(app: typer.Typer) -> None:
    from .command import register

    register(app)

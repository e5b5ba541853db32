"""``osmodel gallery``: the scenarios shipped with osmodel, to list, read and copy out.

Each chapter concept, each difference between the platforms and the
scheduling classics has a scenario here; every command that takes a
scenario file takes a gallery name as well (`catalog.resolve`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from osmodel.kernel import hookimpl

if TYPE_CHECKING:
    from osmodel.kernel.cli import CommandLine


@hookimpl
def osmodel_commands(app: CommandLine) -> None:
    app.lazy_command("gallery", "osmodel.plugins.gallery.command:gallery", order=5)

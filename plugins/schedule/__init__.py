"""The ``osmodel schedule`` command and the ``cyclic`` policy it uses for processes with I/O.

Registered as one built-in plugin (``schedule``), exactly as a third-party
package would be: the command through ``osmodel_commands``, the policy
(`osmodel.plugins.schedulers.cyclic`, beside the other policies) through
``osmodel_schedulers``.  Both are named by where they live, so registering
the plugin imports neither: the command's module is imported when
``osmodel schedule`` runs, the policy's when a run uses it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from osmodel.kernel import hookimpl

if TYPE_CHECKING:
    from osmodel.kernel.cli import CommandLine


@hookimpl
def osmodel_schedulers() -> dict[str, str]:
    return {"cyclic": "osmodel.plugins.schedulers.cyclic:Cyclic"}


@hookimpl
def osmodel_commands(app: CommandLine) -> None:
    app.lazy_command("schedule", "osmodel.plugins.schedule.commands:schedule", order=70)

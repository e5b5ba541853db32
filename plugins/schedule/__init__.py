"""The ``osmodel schedule`` command and the ``cyclic`` policy it uses for processes with I/O.

Registered as one built-in plugin (``schedule``), exactly as a third-party
package would be: the command through ``osmodel_commands``, the policy
(`osmodel.plugins.schedulers.cyclic`, beside the other policies) through
``osmodel_schedulers``.
"""

from __future__ import annotations

from osmodel.kernel import hookimpl
from osmodel.kernel.scheduler import SchedulerFactory
from osmodel.plugins.schedulers.cyclic import Cyclic

from .commands import osmodel_commands

__all__ = ["Cyclic", "osmodel_commands"]


@hookimpl
def osmodel_schedulers() -> dict[str, SchedulerFactory]:
    return {"cyclic": Cyclic}

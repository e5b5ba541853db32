"""Naming the plugin behind a failure: `guarded`, apart from the scenario runner.

A module of its own so that ``osmodel schedule``, which boots a kernel but
runs no scenario, does not import the scenario loader to get it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import OsmodelError

if TYPE_CHECKING:
    from .kernel import Kernel
    from .manager import PluginManager


def guarded(kernel: Kernel | None, action: Any, pm: PluginManager | None = None) -> Any:
    """Run ``action``; an exception from plugin code is named by plugin, hook, time, pid."""
    try:
        return action()
    except OsmodelError:
        raise
    except Exception as error:
        manager = pm if pm is not None else kernel.pm if kernel is not None else None
        current = (kernel.current or kernel.failed_in) if kernel is not None else None
        failure = manager.failure(
            error, time=kernel.now if kernel is not None else None,
            pid=current.pid if current is not None else None) if manager is not None else None
        if failure is None:
            raise
        raise failure from error

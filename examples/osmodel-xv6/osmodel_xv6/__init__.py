"""osmodel-xv6: MIT's xv6 teaching kernel as an osmodel platform, from outside osmodel.

The package is what a third party publishes: it imports only osmodel's
plugin API (``from osmodel.kernel import ...``; the kernel's submodules are
internal) and is found through the ``osmodel`` entry-point group.  This
module is the plugin: it offers the ``xv6`` platform and the ``xv6rr``
scheduler (xv6's loop over the process table).
"""

from __future__ import annotations

from osmodel.kernel import HOOK_CONTRACT_VERSION, Platform, SchedulerFactory, hookimpl

from .platform import Xv6Platform
from .procdump import procdump
from .scheduler import Xv6RoundRobin

__all__ = ["Xv6Platform", "Xv6RoundRobin", "procdump"]

#: The hook contract this package is written for (osmodel's docs/changelog.md).  Only an
#: incompatible change raises the version, so under another one the package refuses to
#: load, and osmodel reports that (naming the plugin and distribution) and goes on.
CONTRACT = 2
if HOOK_CONTRACT_VERSION != CONTRACT:
    raise ImportError(f"osmodel-xv6 is written for osmodel's hook contract {CONTRACT}, "
                      f"this osmodel has contract {HOOK_CONTRACT_VERSION}")


@hookimpl
def osmodel_platforms() -> dict[str, type[Platform]]:
    return {"xv6": Xv6Platform}


@hookimpl
def osmodel_schedulers() -> dict[str, SchedulerFactory]:
    return {"xv6rr": Xv6RoundRobin}

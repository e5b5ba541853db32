"""The bare platform plugin: processes and nothing else, for scheduling work.

No boot processes, no hierarchy, no signals, no process creation from
programs: every process is a job that the outside world starts (a ``user``
or ``batch`` timeline event, or a command such as ``osmodel schedule``), and
it runs the core instruction set plus ``exit``.  What is left to see is the
scheduler, the states and the context switches.
"""

from __future__ import annotations

from osmodel.kernel import hookimpl
from osmodel.kernel.platform import Platform

from .platform import BarePlatform

__all__ = ["BarePlatform"]


@hookimpl
def osmodel_platforms() -> dict[str, type[Platform]]:
    return {"bare": BarePlatform}

"""The bare platform plugin: processes and nothing else, for scheduling work.

No boot processes, no hierarchy, no signals, no process creation from
programs: every process is a job that the outside world starts (a ``user``
or ``batch`` timeline event, or a command such as ``osmodel schedule``), and
it runs the core instruction set plus ``exit``.  What is left to see is the
scheduler, the states and the context switches.  The class is imported when
a run uses the platform.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from osmodel.kernel import hookimpl

if TYPE_CHECKING:
    from .platform import BarePlatform

__all__ = ["BarePlatform"]


def __getattr__(name: str) -> Any:
    if name == "BarePlatform":
        from .platform import BarePlatform

        return BarePlatform
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@hookimpl
def osmodel_platforms() -> dict[str, str]:
    return {"bare": "osmodel.platforms.bare.platform:BarePlatform"}

"""The Windows platform plugin: CreateProcess, handles, no tree, console events, jobs.

Built from the public hook contract only, so it doubles as the model for
third-party platforms.  ``structure(kernel)`` draws the process list and
the handle graph at any time.  Registering the plugin imports only the
platform class: its rules (boot, system calls, handles, the report) are
imported when a run on windows needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from osmodel.kernel import hookimpl
from osmodel.kernel.platform import Platform

from .platform import WindowsPlatform

if TYPE_CHECKING:
    from .report import structure

__all__ = ["WindowsPlatform", "structure"]


def __getattr__(name: str) -> Any:
    if name == "structure":
        from .report import structure

        return structure
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@hookimpl
def osmodel_platforms() -> dict[str, type[Platform]]:
    return {"windows": WindowsPlatform}

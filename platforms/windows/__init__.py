"""The Windows platform plugin: CreateProcess, handles, no tree, console events, jobs.

Built from the public hook contract only, so it doubles as the model for
third-party platforms.  ``structure(kernel)`` draws the process list and
the handle graph at any time.
"""

from __future__ import annotations

from osmodel.kernel import hookimpl
from osmodel.kernel.platform import Platform

from .platform import WindowsPlatform
from .report import structure

__all__ = ["WindowsPlatform", "structure"]


@hookimpl
def osmodel_platforms() -> dict[str, type[Platform]]:
    return {"windows": WindowsPlatform}

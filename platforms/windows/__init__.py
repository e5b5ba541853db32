"""The Windows platform plugin: CreateProcess, handles, no tree, console events, jobs.

Built from the public hook contract only, so it doubles as the model for
third-party platforms.  ``structure(kernel)`` draws the process list and
the handle graph at any time.  Registering the plugin imports nothing of the
platform: the hook names the class by where it lives, and osmodel imports
it (and with it the rules: boot, system calls, handles, the report) when a
run on windows needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from osmodel.kernel import hookimpl

if TYPE_CHECKING:
    from .platform import WindowsPlatform
    from .report import structure

__all__ = ["WindowsPlatform", "structure"]

_EXPORTS = {"WindowsPlatform": ".platform", "structure": ".report"}


def __getattr__(name: str) -> Any:
    home = _EXPORTS.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(home, __name__), name)


@hookimpl
def osmodel_platforms() -> dict[str, str]:
    return {"windows": "osmodel.platforms.windows.platform:WindowsPlatform"}

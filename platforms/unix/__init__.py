"""The UNIX platform plugin: fork/exec, the process tree, zombies, signals, groups.

Built from the public hook contract only, so it doubles as the model for
third-party platforms.  ``render_tree(kernel)`` draws the tree at any time.
Registering the plugin imports nothing of the platform: the hook names the
class by where it lives, and osmodel imports it (and with it the rules:
boot, system calls, signals, the tree) when a run on unix needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from osmodel.kernel import hookimpl

if TYPE_CHECKING:
    from .platform import UnixPlatform
    from .tree import render_tree

__all__ = ["UnixPlatform", "render_tree"]

_EXPORTS = {"UnixPlatform": ".platform", "render_tree": ".tree"}


def __getattr__(name: str) -> Any:
    home = _EXPORTS.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(home, __name__), name)


@hookimpl
def osmodel_platforms() -> dict[str, str]:
    return {"unix": "osmodel.platforms.unix.platform:UnixPlatform"}

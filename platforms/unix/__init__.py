"""The UNIX platform plugin: fork/exec, the process tree, zombies, signals, groups.

Built from the public hook contract only, so it doubles as the model for
third-party platforms.  ``render_tree(kernel)`` draws the tree at any time.
Registering the plugin imports only the platform class: its rules (boot,
system calls, signals, the tree) are imported when a run on unix needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from osmodel.kernel import hookimpl
from osmodel.kernel.platform import Platform

from .platform import UnixPlatform

if TYPE_CHECKING:
    from .tree import render_tree

__all__ = ["UnixPlatform", "render_tree"]


def __getattr__(name: str) -> Any:
    if name == "render_tree":
        from .tree import render_tree

        return render_tree
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@hookimpl
def osmodel_platforms() -> dict[str, type[Platform]]:
    return {"unix": UnixPlatform}

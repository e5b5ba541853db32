"""The UNIX platform plugin: fork/exec, the process tree, zombies, signals, groups.

Built from the public hook contract only, so it doubles as the model for
third-party platforms.  ``render_tree(kernel)`` draws the tree at any time.
"""

from __future__ import annotations

from osmodel.kernel import hookimpl
from osmodel.kernel.platform import Platform

from .platform import UnixPlatform
from .tree import render_tree

__all__ = ["UnixPlatform", "render_tree"]


@hookimpl
def osmodel_platforms() -> dict[str, type[Platform]]:
    return {"unix": UnixPlatform}

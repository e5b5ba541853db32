"""The console: the one way text reaches the run's output.

Programs' ``print``, a shell's error message, a platform's listing (``pstree``,
``tasklist``) all go through `Console.write`, so every line is both kept in
``kernel.output`` (what reports and ``--format json`` show) and traced as a
``print`` event (what timelines and exports show): the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .kernel import Kernel


class Console:
    """The run's output device; the kernel holds one as ``kernel.console``."""

    __slots__ = ("_kernel",)

    def __init__(self, kernel: Kernel) -> None:
        self._kernel = kernel

    def write(self, pid: int, text: str) -> None:
        """One line written by process ``pid`` (or on its behalf) at the current time."""
        kernel = self._kernel
        kernel.output.append((kernel.now, pid, text))
        kernel.trace("print", pid, text=text)

    def write_lines(self, pid: int, lines: Iterable[str]) -> None:
        """Several lines by ``pid``, in order (a listing such as ``pstree``)."""
        for line in lines:
            self.write(pid, line)

"""A CPU: which process it runs and the bookkeeping of its current slice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from attrs import define

if TYPE_CHECKING:
    from .process import Process


@define(eq=False)
class CPU:
    """One processor.  ``gen`` invalidates a pending step when the process leaves early."""

    index: int
    proc: Process | None = None
    last: Process | None = None
    slice_end: float = float("inf")
    run_start: int = 0
    burst_from: int = 0
    stepping: bool = False
    dispatching: bool = False
    gen: int = 0
    busy: int = 0
    switching: int = 0
    switches: int = 0

    def __repr__(self) -> str:
        return f"<CPU {self.index} running {self.proc!r}>"

"""The xv6 machine the tests share (what a run printed and its processes: osmodel.testing.Run)."""

from __future__ import annotations

from typing import Any

import attrs
from osmodel.kernel.machine import Limits, Machine

#: One CPU and xv6's own scheduler, as the demo has it.
XV6 = Machine(scheduler="xv6rr")


def machine(**changes: Any) -> Machine:
    """The xv6 machine (xv6rr, one CPU) with some fields changed; ``processes=`` sets the
    process limit."""
    limits = changes.pop("processes", None)
    if limits is not None:
        changes["limits"] = Limits(processes=limits)
    return attrs.evolve(XV6, **changes)


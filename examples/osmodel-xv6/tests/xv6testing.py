"""Helpers the tests share: the xv6 machine, what a run printed, processes by name."""

from __future__ import annotations

from typing import Any

import attrs
from osmodel.kernel.machine import Limits, Machine
from osmodel.kernel.process import Process
from osmodel.kernel.simulation import Simulation

#: One CPU and xv6's own scheduler, as the demo has it.
XV6 = Machine(scheduler="xv6rr")


def machine(**changes: Any) -> Machine:
    """The xv6 machine (xv6rr, one CPU) with some fields changed; ``processes=`` sets the
    process limit."""
    limits = changes.pop("processes", None)
    if limits is not None:
        changes["limits"] = Limits(processes=limits)
    return attrs.evolve(XV6, **changes)


def said(sim: Simulation) -> list[str]:
    """Every line the run printed, in order."""
    return [text for *_, text in sim.kernel.output]


def by_name(sim: Simulation, name: str) -> list[Process]:
    return [p for p in sim.processes() if p.name == name]

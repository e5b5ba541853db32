"""Fixtures for the unix platform's tests: run programs or scenarios and read the result.

``unix(programs, ...)`` runs programs through the login shell (each name in
``start`` is a command typed at time 0) and returns a `Run` (osmodel.testing's,
with what only unix has: the shell's lines, errno values, signals).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from osmodel.kernel.events import Event
from osmodel.kernel.machine import Limits
from osmodel.kernel.process import Process
from osmodel.kernel.simulation import Simulation
from osmodel.platforms.unix.proc import UnixProc, system
from osmodel.testing import Run as BaseRun
from osmodel.testing import machine_with


class Run(BaseRun):
    """A finished (or paused) unix run."""

    def shell(self) -> list[str]:
        sh = system(self.kernel).shell
        return [text for _, pid, text in self.kernel.output if pid == sh]

    def errors(self, call: str | None = None) -> list[str]:
        return [e.info["errno"] for e in self.events("error")
                if call is None or e.info["call"] == call]

    def signals(self, sig: str | None = None) -> list[Event]:
        return [e for e in self.events("signal") if sig is None or e.info["sig"] == sig]


def data(proc: Process) -> UnixProc:
    assert isinstance(proc.platform, UnixProc)
    return proc.platform


@pytest.fixture
def unix(osmodel_run: Callable[..., Simulation]) -> Callable[..., Run]:
    """``unix(programs, start=("main",), cpus=1, quantum=2, limits=..., until=None)``."""

    def run(programs: dict[str, str], *, start: Iterable[str] = ("main",), cpus: int = 1,
            quantum: int = 2, until: int | None = None, limits: Limits | None = None,
            **machine: Any) -> Run:
        m = machine_with(cpus=cpus, quantum=quantum, limits=limits, **machine)
        return Run(osmodel_run(programs, platform="unix", start=tuple(start), machine=m,
                               until=until))

    return run


@pytest.fixture
def scenario(osmodel_scenario: Callable[..., Simulation]) -> Callable[..., Run]:
    """``scenario(toml_text, until=None)`` on unix."""

    def run(text: str, *, until: int | None = None) -> Run:
        return Run(osmodel_scenario(text, platform="unix", until=until))

    return run

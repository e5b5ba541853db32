"""Fixtures for the windows platform's tests: run programs or scenarios and read the result.

``win(programs, ...)`` runs programs as commands the user starts from explorer
(each name in ``start`` at time 0) and returns a `Run` (osmodel.testing's, with
what only windows has: error names, the WinProc of a process).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from osmodel.kernel.machine import Limits
from osmodel.kernel.process import Process
from osmodel.kernel.simulation import Simulation
from osmodel.platforms.windows.proc import WinProc
from osmodel.testing import Run as BaseRun
from osmodel.testing import machine_with


class Run(BaseRun):
    """A finished (or paused) windows run."""

    def errors(self, call: str | None = None) -> list[str]:
        return [e.info["error"] for e in self.events("error")
                if call is None or e.info["call"] == call]

    @staticmethod
    def data(proc: Process) -> WinProc:
        assert isinstance(proc.platform, WinProc)
        return proc.platform


@pytest.fixture
def win(osmodel_run: Callable[..., Simulation]) -> Callable[..., Run]:
    """``win(programs, start=("main",), cpus=1, quantum=2, limits=..., until=None)``."""

    def run(programs: dict[str, str], *, start: Iterable[str] = ("main",), cpus: int = 1,
            quantum: int = 2, until: int | None = None, limits: Limits | None = None,
            **machine: Any) -> Run:
        m = machine_with(cpus=cpus, quantum=quantum, limits=limits, **machine)
        return Run(osmodel_run(programs, platform="windows", start=tuple(start), machine=m,
                               until=until))

    return run


@pytest.fixture
def scenario(osmodel_scenario: Callable[..., Simulation]) -> Callable[..., Run]:
    """``scenario(toml_text, until=None)`` on windows."""

    def run(text: str, *, until: int | None = None) -> Run:
        return Run(osmodel_scenario(text, platform="windows", until=until))

    return run

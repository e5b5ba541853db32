"""Fixtures for the windows platform's tests: run programs or scenarios and read the result.

``win(programs, ...)`` runs programs as commands the user starts from explorer
(each name in ``start`` at time 0) and returns a `Run`, which answers what
the tests ask: what was printed, which processes exist, what the trace says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from osmodel.kernel.events import Event
from osmodel.kernel.machine import Limits, Machine
from osmodel.kernel.process import Process
from osmodel.kernel.simulation import Simulation
from osmodel.platforms.windows.proc import WinProc


class Run:
    """A finished (or paused) windows run."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.kernel = sim.kernel

    def out(self) -> list[str]:
        """What the users' processes printed (not the boot processes; pids are reused)."""
        return [text for time, pid, text in self.kernel.output
                if self.at(pid, time).cause != "boot"]

    def at(self, pid: int, time: int) -> Process:
        """The process that had ``pid`` at ``time`` (the latest one created by then)."""
        found = [p for p in self.sim.processes() if p.pid == pid and p.acct.created <= time]
        return max(found, key=lambda p: p.acct.created)

    def procs(self, name: str | None = None) -> list[Process]:
        """Every process of the run (released ones too), by pid; optionally by name."""
        return [p for p in self.sim.processes() if name is None or p.name == name]

    def proc(self, name: str, index: int = 0) -> Process:
        found = sorted(self.procs(name), key=lambda p: p.acct.created)
        return found[index]

    def events(self, *kinds: str) -> list[Event]:
        return self.sim.recorder.of_kind(*kinds)

    def errors(self, call: str | None = None) -> list[str]:
        return [e.info["error"] for e in self.events("error")
                if call is None or e.info["call"] == call]

    def released(self, proc: Process) -> bool:
        return self.kernel.processes.get(proc.pid) is not proc

    def more(self, until: int | None = None) -> Run:
        self.sim.run(until)
        return self

    @staticmethod
    def data(proc: Process) -> WinProc:
        assert isinstance(proc.platform, WinProc)
        return proc.platform

    def ints(self, index: int = -1) -> list[int]:
        """The integers in a printed line (``"x = 5 and 7"`` -> [5, 7])."""
        line = self.out()[index]
        return [int(w) for w in line.replace(",", " ").split() if w.lstrip("-").isdigit()]


@pytest.fixture
def win(osmodel_run: Callable[..., Simulation]) -> Callable[..., Run]:
    """``win(programs, start=("main",), cpus=1, quantum=2, limits=..., until=None)``."""

    def run(programs: dict[str, str], *, start: Iterable[str] = ("main",), cpus: int = 1,
            quantum: int = 2, until: int | None = None, limits: Limits | None = None,
            **machine: Any) -> Run:
        m = Machine(cpus=cpus, scheduler_options={"quantum": quantum},
                    limits=limits or Limits(), **machine)
        return Run(osmodel_run(programs, platform="windows", start=tuple(start), machine=m,
                               until=until))

    return run


@pytest.fixture
def scenario(osmodel_scenario: Callable[..., Simulation]) -> Callable[..., Run]:
    """``scenario(toml_text, until=None)`` on windows."""

    def run(text: str, *, until: int | None = None) -> Run:
        return Run(osmodel_scenario(text, platform="windows", until=until))

    return run

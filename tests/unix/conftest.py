"""Fixtures for the unix platform's tests: run programs or scenarios and read the result.

``unix(programs, ...)`` runs programs through the login shell (each name in
``start`` is a command typed at time 0) and returns a `Run`, which answers the
questions the tests ask: what was printed, which processes exist, what the
trace says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from osmodel.kernel.events import Event
from osmodel.kernel.machine import Limits, Machine
from osmodel.kernel.process import Process
from osmodel.kernel.simulation import Simulation
from osmodel.platforms.unix.proc import UnixProc, system


class Run:
    """A finished (or paused) unix run."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.kernel = sim.kernel

    def out(self) -> list[str]:
        """What the users' processes printed (not init, the daemons or the shell)."""
        boot = {p.pid for p in self.sim.processes() if p.cause == "boot"}
        return [text for _, pid, text in self.kernel.output if pid not in boot]

    def shell(self) -> list[str]:
        sh = system(self.kernel).shell
        return [text for _, pid, text in self.kernel.output if pid == sh]

    def procs(self, name: str | None = None) -> list[Process]:
        """Every process of the run (released ones too), by pid; optionally by name."""
        return [p for p in self.sim.processes() if name is None or p.name == name]

    def proc(self, name: str, index: int = 0) -> Process:
        return self.procs(name)[index]

    def pid(self, pid: int) -> Process:
        return next(p for p in self.sim.processes() if p.pid == pid)

    def events(self, *kinds: str) -> list[Event]:
        return self.sim.recorder.of_kind(*kinds)

    def errors(self, call: str | None = None) -> list[str]:
        return [e.info["errno"] for e in self.events("error")
                if call is None or e.info["call"] == call]

    def signals(self, sig: str | None = None) -> list[Event]:
        return [e for e in self.events("signal") if sig is None or e.info["sig"] == sig]

    def state(self, proc: Process) -> str:
        return proc.state.name

    def more(self, until: int | None = None) -> Run:
        self.sim.run(until)
        return self


def data(proc: Process) -> UnixProc:
    assert isinstance(proc.platform, UnixProc)
    return proc.platform


@pytest.fixture
def unix(osmodel_run: Callable[..., Simulation]) -> Callable[..., Run]:
    """``unix(programs, start=("main",), cpus=1, quantum=2, limits=..., until=None)``."""

    def run(programs: dict[str, str], *, start: Iterable[str] = ("main",), cpus: int = 1,
            quantum: int = 2, until: int | None = None, limits: Limits | None = None,
            **machine: Any) -> Run:
        m = Machine(cpus=cpus, scheduler_options={"quantum": quantum},
                    limits=limits or Limits(), **machine)
        return Run(osmodel_run(programs, platform="unix", start=tuple(start), machine=m,
                               until=until))

    return run


@pytest.fixture
def scenario(osmodel_scenario: Callable[..., Simulation]) -> Callable[..., Run]:
    """``scenario(toml_text, until=None)`` on unix."""

    def run(text: str, *, until: int | None = None) -> Run:
        return Run(osmodel_scenario(text, platform="unix", until=until))

    return run

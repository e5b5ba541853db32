"""Shared fixtures: the core is tested on a test-only platform, without unix or windows."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import toyplatform

from osmodel.kernel.events import Recorder
from osmodel.kernel.kernel import Kernel
from osmodel.kernel.machine import Machine
from osmodel.kernel.manager import make_plugin_manager
from osmodel.testing import CliResult, run_cli, run_programs

__all__ = ["CORE_ONLY", "CliResult", "run_cli", "toy_kernel"]

CORE_ONLY = [("rr", "osmodel.plugins.schedulers.rr")]


def toy_kernel(programs: dict[str, str], machine: Machine | None = None,
               sinks: tuple[Recorder, ...] = ()) -> Kernel:
    """A booted kernel on the toy platform, nothing started yet."""
    from osmodel.kernel.asm import parse
    from osmodel.kernel.boot import boot

    pm = make_plugin_manager(autoload=False, builtins=CORE_ONLY)
    pm.register(toyplatform, name="toy")
    parsed = {name: parse(text, name) for name, text in programs.items()}
    return boot(machine or Machine(), "toy", pm, programs=parsed, sinks=sinks)


@pytest.fixture
def toy():
    """``toy(programs, start=("main",), machine=Machine(...))`` runs them on the toy platform."""

    def run(programs: dict[str, str], *, start: tuple[str, ...] = ("main",),
            machine: Machine | None = None, until: int | None = None) -> object:
        return run_programs(programs, platform="toy", start=start, machine=machine,
                            plugins=(toyplatform,), until=until,
                            pm_builtins=CORE_ONLY)

    return run

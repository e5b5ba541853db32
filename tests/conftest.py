"""Shared fixtures: the core is tested on a test-only platform, without unix or windows."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from attrs import frozen
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))

import toyplatform

from osmodel.kernel.cli import build_app, plugin_options, with_default_command
from osmodel.kernel.events import Recorder
from osmodel.kernel.kernel import Kernel
from osmodel.kernel.machine import Machine
from osmodel.kernel.manager import DISABLE_AUTOLOAD_ENV, make_plugin_manager
from osmodel.kernel.testing import run_programs

CORE_ONLY = [("rr", "osmodel.plugins.schedulers.rr")]


@frozen
class CliResult:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        assert self.code == 0, self.stderr
        return json.loads(self.stdout)

    def lines(self) -> list[str]:
        assert self.code == 0, self.stderr
        return self.stdout.splitlines()


def run_cli(*args: str) -> CliResult:
    """The command line as ``main`` runs it (-p read first), with the built-in plugins
    and ``-p`` modules only: installed third-party plugins stay out."""
    argv = list(args)
    pm = make_plugin_manager(plugin_options(argv), autoload=False)
    result = CliRunner(env={DISABLE_AUTOLOAD_ENV: "1"}).invoke(build_app(pm),
                                                              with_default_command(argv))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return CliResult(result.exit_code, result.stdout, result.stderr)


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

"""The pytest plugin that osmodel ships for plugin authors (entry point ``pytest11``).

Fixtures boot a kernel on a chosen platform with chosen plugins, run a
scenario or a program, and let a test inspect the result and the events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pytest

from .asm import parse
from .machine import Machine
from .manager import make_plugin_manager
from .program import Program
from .scenario import Scenario, TimelineEvent, loads_scenario
from .simulation import Simulation, simulate

Runner = Callable[..., Simulation]


def run_programs(
    programs: Mapping[str, str | Program],
    *,
    platform: str,
    start: Iterable[str] = ("main",),
    machine: Machine | None = None,
    plugins: Iterable[object] = (),
    autoload: bool = False,
    until: int | None = None,
    **options: Any,
) -> Simulation:
    """Run programs (text or Program) on ``platform``: each name in ``start`` is a user command at time 0."""
    parsed = {name: parse(text, name) if isinstance(text, str) else text
              for name, text in programs.items()}
    timeline = tuple(TimelineEvent(0, "user", program=name) for name in start)
    scenario = Scenario(machine or Machine(), parsed, timeline, {}, platform=platform)
    pm = make_plugin_manager(autoload=autoload)
    for plugin in plugins:
        pm.register(plugin)
    return simulate(scenario, pm=pm, until=until, **options)


@pytest.fixture
def osmodel_run() -> Runner:
    """``osmodel_run(programs, platform=..., start=(...), plugins=(...))`` -> Simulation."""
    return run_programs


@pytest.fixture
def osmodel_scenario() -> Callable[..., Simulation]:
    """``osmodel_scenario(toml_text, platform=..., plugins=(...))`` -> Simulation."""

    def run(text: str, *, platform: str | None = None, plugins: Iterable[object] = (),
            autoload: bool = False, until: int | None = None) -> Simulation:
        scenario = loads_scenario(text)
        pm = make_plugin_manager(autoload=autoload)
        for plugin in plugins:
            pm.register(plugin)
        return simulate(scenario, platform=platform, pm=pm, until=until)

    return run

"""The pytest plugin that osmodel ships for plugin authors (entry point ``pytest11``).

Fixtures boot a kernel on a chosen platform with chosen plugins, run a
scenario or a program, and let a test inspect the result and the events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pytest

from .machine import Machine
from .program import Program

if TYPE_CHECKING:
    from .simulation import Simulation

Runner = Callable[..., "Simulation"]


def run_programs(
    programs: Mapping[str, str | Program],
    *,
    platform: str,
    start: Iterable[str] = ("main",),
    machine: Machine | None = None,
    plugins: Iterable[object] = (),
    autoload: bool = False,
    until: int | None = None,
    pm_builtins: Iterable[tuple[str, str]] | None = None,
    **options: Any,
) -> Simulation:
    """Run programs (text or Program) on ``platform``; each of ``start`` is a user command at 0."""
    from .asm import parse
    from .manager import make_plugin_manager
    from .scenario import Scenario, TimelineEvent
    from .simulation import simulate

    parsed = {name: parse(text, name) if isinstance(text, str) else text
              for name, text in programs.items()}
    timeline = tuple(TimelineEvent(0, "user", program=name) for name in start)
    scenario = Scenario(machine or Machine(), parsed, timeline, {}, platform=platform)
    pm = (make_plugin_manager(autoload=autoload) if pm_builtins is None
          else make_plugin_manager(autoload=autoload, builtins=pm_builtins))
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
        from .manager import make_plugin_manager
        from .scenario import loads_scenario
        from .simulation import simulate

        scenario = loads_scenario(text)
        pm = make_plugin_manager(autoload=autoload)
        for plugin in plugins:
            pm.register(plugin)
        return simulate(scenario, platform=platform, pm=pm, until=until)

    return run

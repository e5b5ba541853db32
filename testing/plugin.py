"""The pytest plugin osmodel ships for plugin authors (entry point ``pytest11``).

``osmodel_run`` and ``osmodel_scenario`` boot a kernel on a chosen platform
with chosen plugins and return the Simulation; `osmodel.testing.Run` wraps
one for questions about it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from .runs import run_programs, run_scenario

if TYPE_CHECKING:
    from osmodel.kernel.simulation import Simulation

Runner = Callable[..., "Simulation"]


@pytest.fixture
def osmodel_run() -> Runner:
    """``osmodel_run(programs, platform=..., start=(...), plugins=(...))`` -> Simulation."""
    return run_programs


@pytest.fixture
def osmodel_scenario() -> Runner:
    """``osmodel_scenario(toml_text, platform=..., plugins=(...))`` -> Simulation."""
    return run_scenario

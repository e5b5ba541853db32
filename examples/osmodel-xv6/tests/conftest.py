"""Fixtures on top of osmodel's own kit for plugin authors (osmodel.testing).

``osmodel_run`` and ``osmodel_scenario`` come with osmodel (its ``pytest11``
entry point); these only fill in the platform, register this package and wrap
the result in osmodel.testing's `Run`, as any plugin's tests would.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from osmodel.kernel.machine import Machine
from osmodel.kernel.simulation import Simulation
from osmodel.testing import Run

import osmodel_xv6

sys.path.insert(0, str(Path(__file__).parent))  # the tests' helper module

from xv6testing import XV6


@pytest.fixture
def xv6(osmodel_run: Callable[..., Simulation]) -> Callable[..., Run]:
    """``xv6(programs, start=("main",), machine=..., until=...)``: run on the xv6 platform."""

    def run(programs: Mapping[str, str], *, start: tuple[str, ...] = ("main",),
            machine: Machine = XV6, until: int | None = None) -> Run:
        return Run(osmodel_run(programs, platform="xv6", start=start, machine=machine,
                               plugins=(osmodel_xv6,), until=until))

    return run


@pytest.fixture
def scenario(osmodel_scenario: Callable[..., Simulation]) -> Callable[..., Run]:
    """``scenario(toml_text, platform="xv6")``: run a scenario with this package registered."""

    def run(text: str, *, platform: str | None = "xv6", until: int | None = None) -> Run:
        return Run(osmodel_scenario(text, platform=platform, plugins=(osmodel_xv6,),
                                    until=until))

    return run

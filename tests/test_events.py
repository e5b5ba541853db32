"""The trace event contract: every kind a run emits is documented, with its fields.

Views and sinks read events by kind and field; `CORE_EVENTS` and each
platform's `Platform.events` say what they may rely on.  Runs of every
installed platform's demo, and of the compare scenarios, must emit nothing
that the table does not describe.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from osmodel.kernel.boot import platforms
from osmodel.kernel.events import CORE_EVENTS, EventKind, describe
from osmodel.kernel.manager import make_plugin_manager
from osmodel.kernel.scenario import loads_scenario
from osmodel.kernel.simulation import simulate
from osmodel.plugins.gallery.catalog import entries

PLATFORMS = platforms(make_plugin_manager(autoload=False))
#: Every gallery scenario on the platform it names, or on unix and windows if it names none.
RUNS = [(platform, entry.path) for entry in entries()
        for platform in ([entry.platform] if entry.platform else ["unix", "windows"])]


def undocumented(platform: str, text: str) -> list[str]:
    """Each event of the run on ``platform`` that the table does not describe as it is."""
    sim = simulate(loads_scenario(text), platform=platform,
                   pm=make_plugin_manager(autoload=False))
    events = sim.recorder.events
    assert events, "the run emitted nothing, so the check would prove nothing"
    table = PLATFORMS[platform].events
    found = set()
    for event in events:
        kind = describe(event.kind, table)
        if kind is None:
            found.add(f"{event.kind}: not documented")
            continue
        found.update(f"{event.kind}: {problem}" for problem in kind.problems(event.info))
    return sorted(found)


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_every_event_of_the_demo_is_documented(platform: str) -> None:
    assert undocumented(platform, PLATFORMS[platform].demo()) == []


@pytest.mark.parametrize(("platform", "scenario"), RUNS,
                         ids=[f"{platform}-{path.stem}" for platform, path in RUNS])
def test_every_event_of_the_gallery_scenarios_is_documented(platform: str,
                                                            scenario: Path) -> None:
    assert undocumented(platform, scenario.read_text()) == []


def test_the_scenarios_are_there() -> None:
    assert len(RUNS) >= 20 and {"unix", "windows", "bare"} <= set(PLATFORMS)


def test_a_platform_kind_never_shadows_a_core_kind() -> None:
    for name, cls in PLATFORMS.items():
        assert not set(cls.events) & set(CORE_EVENTS), name


def test_every_kind_documents_each_field() -> None:
    for name, cls in PLATFORMS.items():
        for kind, entry in {**CORE_EVENTS, **cls.events}.items():
            assert entry.summary, f"{name}: {kind} has no summary"
            assert all(entry.fields.values()), f"{name}: {kind} has a field with no meaning"
            assert entry.optional <= set(entry.fields), f"{name}: {kind}"


def test_problems_name_what_is_missing_and_what_is_extra() -> None:
    kind = EventKind("x", {"a": "one", "b": "two"}, frozenset({"b"}))
    assert kind.problems({"a": 1}) == []
    assert kind.problems({"b": 1, "c": 2}) == ["lacks a", "has undocumented c"]

"""A mutation fuzzer over scenarios and programs: no input crashes osmodel or runs forever.

Hypothesis draws a valid scenario of the repository (a platform's demo, tests/data,
a docs example), mutates it (tests/fuzzing.py says how) and runs the mutant
through load, a run under tight limits and every view.  Only the project's own
errors may come out; a built-in plugin's failure, any other exception, or a
run that does not end within `fuzzing.HANG_SECONDS` fails the test, with the
mutant in the report.  Every crash found becomes a case in tests/corpus/.

The budget is short by default so the suite stays fast.  For a long run::

    OSMODEL_FUZZ=long .venv/bin/pytest tests/test_fuzz.py     # 20,000 mutants
    OSMODEL_FUZZ=5000 .venv/bin/pytest tests/test_fuzz.py     # any number of mutants

A campaign that keeps going after the first crash and records each distinct one,
minimised: ``.venv/bin/python tests/fuzzing.py --seconds 600 --findings F.md --out DIR``.
"""

from __future__ import annotations

import os

import fuzzing
import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from osmodel.kernel.errors import PluginError

BUDGETS = {"short": 40, "long": 20_000}


def budget() -> int:
    """Mutants per test: OSMODEL_FUZZ is ``short`` (the default), ``long`` or a number."""
    value = os.environ.get("OSMODEL_FUZZ", "short")
    if value in BUDGETS:
        return BUDGETS[value]
    if not value.isdigit() or int(value) < 1:
        raise pytest.UsageError(f"OSMODEL_FUZZ must be short, long or a number, not {value!r}")
    return int(value)


class DrawChooser:
    """Choices drawn by Hypothesis, so a failing mutant shrinks to simple mutations."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def below(self, n: int) -> int:
        return self.data.draw(st.integers(0, n - 1)) if n > 1 else 0


#: No shrinking: a mutant is already one to four mutations of a seed, and shrinking a hang
#: (HANG_SECONDS a try) takes minutes.  Distinct crashes are reported together.
FUZZ = settings(max_examples=budget(), deadline=None, print_blob=True,
                phases=(Phase.explicit, Phase.reuse, Phase.generate),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


#: A watchdog alarm that lands in Hypothesis's gc callback during a hang is "ignored" (and
#: fires again a second later): noise beside the hang the test reports, not a failure.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@FUZZ
@given(st.data())
def test_no_mutant_crashes_or_runs_forever(data: st.DataObject) -> None:
    chooser = DrawChooser(data)
    pool = fuzzing.seeds()
    seed = fuzzing.pick(chooser, pool)
    text = fuzzing.mutate(chooser, seed, pool)
    options = fuzzing.draw_options(chooser)
    note(f"seed {seed.name}; options {options}; replay: osmodel run FILE "
         f"{' '.join(options.argv())}\n--- the mutant ---\n{text}\n---")
    with fuzzing.memory_cap():
        fuzzing.exercise(text, options)


# -- the fuzzer itself: these fail if it stops finding what it is there to find -------------


def test_the_seeds_cover_every_platform_and_the_docs() -> None:
    names = [seed.name for seed in fuzzing.seeds()]
    for demo in ("platforms/unix/demo.toml", "platforms/windows/demo.toml",
                 "platforms/bare/demo.toml"):
        assert demo in names
    assert sum(name.startswith("plugins/gallery/scenarios/") for name in names) >= 16
    assert any(name.startswith("docs/") for name in names)


def test_a_seed_as_it_is_runs() -> None:
    assert fuzzing.exercise(fuzzing.seeds()[0].text).startswith("ran on ")


def test_a_project_error_is_a_refusal() -> None:
    assert fuzzing.exercise("[programs.main]\ncode = 'wiat r1'\n").startswith("refused: ")


def test_any_other_exception_is_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise IndexError("tuple index out of range")

    monkeypatch.setattr("osmodel.kernel.scenario.loads_scenario", broken)
    with pytest.raises(fuzzing.Crash, match="IndexError"):
        fuzzing.exercise("")


def test_a_built_in_plugins_failure_is_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    def blamed(*args: object, **kwargs: object) -> None:
        raise PluginError("unix", "IndexError: tuple index out of range", hook="_start")

    monkeypatch.setattr("osmodel.kernel.scenario.loads_scenario", blamed)
    with pytest.raises(fuzzing.Crash, match="built-in plugin"):
        fuzzing.exercise("")


def test_a_run_that_does_not_end_is_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    def forever(*args: object, **kwargs: object) -> None:
        while True:
            pass

    monkeypatch.setattr("osmodel.kernel.scenario.loads_scenario", forever)
    monkeypatch.setattr(fuzzing, "HANG_SECONDS", 0.2)
    with pytest.raises(fuzzing.Crash, match="hung"):
        fuzzing.exercise("")


def test_the_memory_cap_turns_a_runaway_allocation_into_memory_error() -> None:
    with fuzzing.memory_cap(headroom=256 << 20), pytest.raises(MemoryError):
        bytearray(1 << 30)


def test_mutations_change_the_text() -> None:
    import random

    chooser = fuzzing.RandomChooser(random.Random(0))
    pool = fuzzing.seeds()
    texts = [fuzzing.mutate(chooser, pool[0], pool) for _ in range(50)]
    assert len(set(texts)) > 40
    assert sum(text != pool[0].text for text in texts) > 40


def test_the_minimiser_keeps_the_crash_and_drops_the_rest(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from osmodel.kernel import scenario

    original = scenario.loads_scenario

    def fragile(text: str, **kwargs: object) -> object:
        if "boom" in text:
            raise IndexError("boom")
        return original(text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scenario, "loads_scenario", fragile)
    text = fuzzing.seeds()[0].text.replace("[machine]", "[machine]\n# boom", 1)
    crash = fuzzing.crash_of(text, fuzzing.Options())
    assert crash is not None
    small = fuzzing.minimise(text, fuzzing.signature(crash), fuzzing.Options())
    assert small.strip() == "# boom"

"""The built-in platforms pass the conformance suite that osmodel.testing ships."""

from __future__ import annotations

from osmodel.testing import PlatformConformance


class TestUnixConforms(PlatformConformance):
    platform = "unix"


class TestWindowsConforms(PlatformConformance):
    platform = "windows"


class TestBareConforms(PlatformConformance):
    """No boot and no creation by system call: ``child`` is a batch job."""

    platform = "bare"
    causes = ("user", "batch")
    parent = "exit 0"


# --- the suite can fail -----------------------------------------------------------------

import sys  # noqa: E402
import textwrap  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from osmodel.kernel.events import Event  # noqa: E402


def test_a_cause_the_platform_lacks_fails() -> None:
    class Claims(TestBareConforms):
        causes = ("boot", "user", "batch")

    with pytest.raises(AssertionError, match="causes seen"):
        Claims().test_every_cause_of_creation_appears()


def test_a_victim_that_is_not_killed_fails() -> None:
    class Survives(TestBareConforms):
        victim = "exit 0"

    with pytest.raises(AssertionError, match="'victim': 'normal'"):
        Survives().test_every_way_to_end_appears()


def test_an_ended_process_holding_a_cpu_is_found() -> None:
    class Fresh(TestUnixConforms):
        pass

    sim = Fresh.finished()
    assert list(Fresh().table_problems(sim)) == []
    ended = next(p for p in sim.processes() if p.exit is not None)
    ended.cpu = sim.kernel.cpus[0]
    assert f"{ended.name} ({ended.pid}) ended but holds a CPU" in Fresh().table_problems(sim)


def test_a_move_the_diagram_lacks_fails() -> None:
    class Fresh(TestWindowsConforms):
        pass

    suite = Fresh()
    suite.test_state_changes_follow_the_textbook_diagram()
    events = Fresh.finished().recorder.events
    last = events[-1]
    events.append(Event(last.time, last.seq + 1, "state", 999, None,
                        {"old": "new", "new": "blocked", "reason": "made up"}))
    with pytest.raises(AssertionError, match="not a move the diagram has"):
        suite.test_state_changes_follow_the_textbook_diagram()


def test_output_in_hash_order_fails_the_determinism_check(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "osmconf_hashy.py").write_text(textwrap.dedent("""
        from osmodel.kernel import hookimpl

        @hookimpl
        def osmodel_report(kernel, report):
            report["hashy"] = list({f"name{i}" for i in range(20)})
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    import osmconf_hashy  # type: ignore[import-not-found]

    class Hashy(TestBareConforms):
        plugins = (osmconf_hashy,)
        pythonpath = (str(tmp_path),)

    try:
        with pytest.raises(AssertionError, match="two interpreters printed different bytes"):
            Hashy().test_two_interpreters_print_the_same_bytes(tmp_path)
    finally:
        del sys.modules["osmconf_hashy"]

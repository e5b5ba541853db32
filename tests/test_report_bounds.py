"""The HTML report's size is bounded: a long run's timeline is sampled and long lists are
cut, each with a note on the page saying so (and where to find everything)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_cli import osmodel
from test_html_report import DATA, PAGE_STATE, load_page, needs_chromium

from osmodel.plugins.views import html
from osmodel.plugins.views.intervals import Interval


def bars(found: list[html.Bar]) -> list[tuple[str, int, int]]:
    return [(interval.what, start, end) for interval, start, end in found]


def test_sampling_keeps_what_holds_at_each_columns_middle() -> None:
    def what(interval: Interval) -> str:
        return interval.what

    short = [Interval(1, "a", 0, 10), Interval(1, "b", 10, 12), Interval(1, "a", 12, 100)]
    # every middle (5, 15, ... 95) falls in an "a": one bar; the short "b" does not show
    assert bars(html.sampled(short, 100, 10, what)) == [("a", 0, 100)]
    halves = [Interval(1, "a", 0, 50), Interval(1, "b", 50, 100)]
    assert bars(html.sampled(halves, 100, 4, what)) == [("a", 0, 50), ("b", 50, 100)]
    # no interval at a middle: a gap, and the bars on either side stay apart
    ends = [Interval(1, "a", 0, 10), Interval(1, "a", 90, 100)]
    assert bars(html.sampled(ends, 100, 10, what)) == [("a", 0, 10), ("a", 90, 100)]
    # the axis may reach past the run (a longer run beside it): nothing is drawn there
    assert bars(html.sampled(halves, 200, 4, what)) == [("a", 0, 50), ("b", 50, 100)]
    # more columns than ticks: empty columns are skipped
    assert bars(html.sampled(halves, 3, 10, what)) == [("a", 0, 3)]


def loop(tmp_path: Path, ticks: int) -> Path:
    path = tmp_path / "loop.toml"
    path.write_text(f'[scenario]\ntitle = "loop"\nplatform = "unix"\n[machine.limits]\n'
                    f'time = {ticks}\n[programs.m]\ncode = "top: jmp top"\n'
                    '[[timeline]]\nat = 0\nuser = "m"\n')
    return path


def test_a_long_run_draws_a_sampled_timeline_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "loop.html"
    result = osmodel("report", str(loop(tmp_path, 40_000)), "-o", str(out))
    assert result.code == 0, result.stderr
    page = out.read_text()
    found = re.search(r"This run has ([0-9,]+) bars, more than a timeline draws "
                      r"\(([0-9,]+)\): each row shows what held at the middle tick of each "
                      r"of (\d+) columns", page)
    assert found is not None
    count, bound, columns = (int(g.replace(",", "")) for g in found.groups())
    assert bound == html.MAX_BARS < count
    assert columns == 760  # a handful of rows: one column per pixel of the chart
    drawn = page.count("<rect")
    assert drawn <= html.MAX_BARS and drawn * 100 < count
    assert len(page) < 100_000  # the full chart was ~6 MB (146 MB for a million ticks)
    assert "(sampled)" in page
    # the loop ran the whole time: its row is one sampled "running" bar over the run
    assert re.search(r'<title>5 m: running from \d+ to 40000 \(sampled\)</title>', page)


def test_the_bound_holds_with_the_most_rows_and_cpus() -> None:
    rows = html.MAX_ROWS + 1024  # the machine allows at most 1,024 CPUs
    assert rows * html.MIN_COLUMNS <= html.MAX_BARS


def notes(page: str, what: str) -> list[tuple[int, int]]:
    """(shown, count) of each note on ``what`` cut short, in the page's order."""
    return [(int(shown.replace(",", "")), int(count.replace(",", "")))
            for shown, count in re.findall(
                rf"The first ([0-9,]+) of ([0-9,]+) {what} are shown here", page)]


def test_long_lists_are_cut_with_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html, "MAX_ROWS", 1)
    scenario = tmp_path / "printing.toml"
    scenario.write_text((DATA / "orphans.toml").read_text().replace(
        'print "child: still running"',
        'print "child: still running"\n        print "two"\n        print "three"')
        + '\n[[timeline]]\nat = 1\nuser = "parent"\n')
    out = tmp_path / "r.html"
    assert osmodel("report", "unix", "windows", str(scenario), "-o", str(out)).code == 0
    page = out.read_text()
    compared = json.loads(osmodel("compare", "unix", "windows", str(scenario),
                                  "--format", "json").stdout)
    runs = [compared["runs"][name] for name in ("unix", "windows")]
    assert notes(page, "differences") == [(1, len(compared["differences"]))]
    assert notes(page, "lines printed") == [(1, len(run["output"])) for run in runs]
    assert notes(page, "timeline events") == [(1, 2), (1, 2)]
    # side by side, then per platform the timeline's rows and the table's
    assert notes(page, "processes") == [(1, len(compared["subjects"])), *[
        (1, len(run["processes"])) for run in runs for _ in ("timeline", "table")]]
    assert page.count('<tr data-proc="') == 2  # one process row per platform
    assert "more than a drawing shows (1): `osmodel tree --at" in page
    assert '<svg class="structure"' not in page
    assert "`osmodel run --format json` lists them all" in page
    assert "`osmodel compare` lists them all" in page


@needs_chromium
def test_the_sampled_page_loads_cleanly_and_shows_the_note(tmp_path: Path) -> None:
    out = tmp_path / "loop.html"
    assert osmodel("report", str(loop(tmp_path, 40_000)), "-o", str(out)).code == 0
    state, problems = load_page(out, PAGE_STATE)
    assert problems == []
    shown = json.loads(state)
    assert "more than a timeline draws" in shown["text"]
    processes = json.loads(osmodel("run", str(loop(tmp_path, 40_000)),
                                   "--format", "json").stdout)["processes"]
    assert shown["ready"] == str(len(processes))

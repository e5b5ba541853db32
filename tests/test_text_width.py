"""Text output fits a width: the terminal's, else COLUMNS, else 100; ``--wide`` never breaks.

Issue 15: the UNIX demo printed 43 lines wider than 100 columns (up to 204), the
Windows process table 260.  Off a terminal the width is fixed, so the same input
still gives the same bytes.
"""

from __future__ import annotations

import pytest
from conftest import run_cli

from osmodel.kernel.render import SWITCH_LEGEND, table, wrap
from osmodel.plugins.commands import DEFAULT_WIDTH, MIN_WIDTH, text_width

SWITCH = ("context switch 1 -> 2; saved to PCB 1: pc=1 sp=0x8000000 registers all zero; "
          "memory text:0x1+1 shared, data:0x2+1, stack:0xfffffc+4; open no files; cpu time 1")


def test_a_long_line_breaks_after_its_parts_under_the_text() -> None:
    head = "    31    0      2  "
    lines = wrap(head, SWITCH, 80)
    assert len(lines) > 1 and all(len(line) <= 80 for line in lines)
    assert all(line.startswith(" " * len(head)) for line in lines[1:])
    assert lines[0].startswith(head)
    assert " ".join([lines[0][len(head):], *(line.strip() for line in lines[1:])]) == SWITCH
    assert all(line.endswith(";") for line in lines[:-1])  # broken where parts end
    assert wrap(head, SWITCH, None) == [head + SWITCH]


def test_a_word_longer_than_the_room_is_not_cut() -> None:
    word = "x" * 60
    assert wrap("", f"a {word} b", 30, indent="  ") == ["a", f"  {word}", "  b"]


def test_a_wide_table_becomes_blocks_that_repeat_the_first_column() -> None:
    headers = ["PID", "NAME", "LONG", "LONGER"]
    rows = [[1, "init", "a" * 30, "b" * 40], [22, "sh", "c", "d"]]
    whole = table(headers, rows)
    assert len(whole) == 3 and max(map(len, whole)) > 60
    split = table(headers, rows, width=60)
    assert all(len(line) <= 60 for line in split)
    blank = split.index("")
    first, second = split[:blank], split[blank + 1:]
    assert first[0].split() == ["PID", "NAME", "LONG"]
    assert second[0].split() == ["PID", "LONGER"]
    assert [line.split()[0] for line in second[1:]] == ["1", "22"]


def test_the_width_is_columns_then_the_terminal_then_100(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    assert text_width() == DEFAULT_WIDTH == 100  # pytest's stdout is not a terminal
    monkeypatch.setenv("COLUMNS", "132")
    assert text_width() == 132
    monkeypatch.setenv("COLUMNS", "5")
    assert text_width() == MIN_WIDTH
    assert text_width(wide=True) is None


@pytest.mark.parametrize("platform", ["unix", "windows"])
def test_the_demo_fits_100_columns_and_wide_keeps_lines_whole(
        platform: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    narrow = run_cli("--platform", platform)
    assert narrow.code == 0, narrow.stderr
    too_wide = [line for line in narrow.stdout.splitlines() if len(line) > 100]
    assert not too_wide, too_wide
    wide = run_cli("--platform", platform, "demo", "--wide")
    assert max(map(len, wide.stdout.splitlines())) > 100
    assert run_cli("--platform", platform).stdout == narrow.stdout  # the same bytes


def test_the_legend_explains_the_switch_notation_once() -> None:
    out = run_cli("--platform", "unix").stdout
    assert out.count(SWITCH_LEGEND[0]) == 1
    assert out.index(SWITCH_LEGEND[0]) < out.index("context switch 1 -> 2")
    assert "read-only" in out and "open no files" in out and "saved to PCB" in out
    assert "open nothing" not in out and "== process table" in out


def test_a_head_wider_than_the_width_with_blank_text_is_kept_whole() -> None:
    head = "h" * 90
    assert wrap(head, " " * 30, 50) == [head]

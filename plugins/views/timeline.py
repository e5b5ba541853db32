"""Terminal renderings: the cells of a state row, the time axis and a Gantt chart per CPU."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from .intervals import Interval


class Span(Protocol):
    """What a row's cells need of an interval (an `Interval`, or any lighter record)."""

    @property
    def what(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...

#: One character per state; the legend is printed with the chart.
SYMBOLS = {"running": "#", "ready": "-", "blocked": "_", "new": "n", "zombie": "z",
           "stopped": "T", "terminated": " "}


def _scale(clock: int, width: int) -> int:
    return max(1, -(-clock // width))


def row_cells(intervals: Iterable[Span], clock: int, width: int,
           symbol: Mapping[str, str] | None = None) -> str:
    """One row: in each column, the state that held longest in that column's ticks."""
    step = _scale(clock, width)
    columns = -(-clock // step) if clock else 0
    best: list[tuple[int, str]] = [(0, " ")] * columns
    for interval in intervals:
        for column in range(interval.start // step, min(columns, -(-interval.end // step))):
            lo, hi = column * step, (column + 1) * step
            overlap = min(hi, interval.end) - max(lo, interval.start)
            char = (symbol or SYMBOLS).get(interval.what, interval.what[:1])
            if overlap > best[column][0]:
                best[column] = (overlap, char)
    return "".join(char for _, char in best)


def axis(clock: int, width: int) -> str:
    step = _scale(clock, width)
    columns = -(-clock // step) if clock else 0
    marks = [" "] * columns
    for column in range(0, columns, 10):
        label = str(column * step)
        for i, ch in enumerate(label):
            if column + i < columns:
                marks[column + i] = ch
    return "".join(marks)


def gantt(cpus: Sequence[Interval], ncpus: int, clock: int, width: int = 60) -> list[str]:
    """Which pid ran on each CPU (its last digit), so simultaneous work lines up."""
    lines = [f"{'':<5}  {axis(clock, width)}"]
    for cpu in range(ncpus):
        runs = [i for i in cpus if i.who == cpu]
        digits = {i.what: i.what[-1] for i in runs}
        lines.append(f"cpu{cpu:<2}  {row_cells(runs, clock, width, digits)}".rstrip())
    lines.append("each cell shows the last digit of the pid that ran there")
    return lines

"""The terminal's summary of a sweep: per cell, each metric's mean and its 95% interval.

The interval is the mean's 95% confidence interval, mean +- t * s / sqrt(n),
with Student's t for n - 1 degrees of freedom: runs of one cell differ only
in their seed, so they are a sample of that cell's behaviour, and the
interval says how well the seeds pin its mean down.  Means and variances are
exact fractions of the rows' decimals; only the square root is a float.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from statistics import NormalDist

from attrs import frozen

from osmodel.kernel.render import table

#: The metrics the summary shows, and the decimals each is shown with.
SHOWN = (("response", 2), ("turnaround", 2), ("wait", 2), ("throughput", 4),
         ("utilisation", 3), ("switches", 1))
#: Student's t at 0.975 for 1 to 30 degrees of freedom (beyond: an expansion from the
#: normal quantile, within 1e-4 of the exact value).
T975 = (12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
        2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
        2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423)


def t975(df: int) -> float:
    """Student's t quantile at 0.975 for ``df`` degrees of freedom."""
    if df <= len(T975):
        return T975[df - 1]
    z = NormalDist().inv_cdf(0.975)
    # Cornish-Fisher expansion of the t quantile in powers of 1/df
    return (z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3))


@frozen
class Interval:
    """A sample's mean and the half-width of its 95% interval (None: fewer than 2 values)."""

    count: int
    mean: Fraction
    half: float | None

    @classmethod
    def of(cls, values: Sequence[Fraction]) -> Interval:
        count = len(values)
        mean = sum(values, Fraction(0)) / count
        if count < 2:
            return cls(count, mean, None)
        variance = sum(((v - mean) ** 2 for v in values), Fraction(0)) / (count - 1)
        return cls(count, mean, t975(count - 1) * math.sqrt(variance / count))

    def text(self, places: int) -> str:
        mean = f"{float(self.mean):.{places}f}"
        return mean if self.half is None else f"{mean} ±{self.half:.{places}f}"


def summary_lines(columns: Sequence[str], cells: Sequence[tuple[str, ...]],
                  rows: Sequence[tuple[str, ...]], *, runs: int, output: str) -> list[str]:
    """The summary table: ``rows`` are the results file's rows (``columns`` its header),
    ``cells`` the grid's cells' labels in order."""
    width = len(cells[0]) if cells else 0
    status = columns.index("status")
    shown = [(name, places, columns.index(name)) for name, places in SHOWN if name in columns]
    by_cell: dict[tuple[str, ...], list[tuple[str, ...]]] = {cell: [] for cell in cells}
    for row in rows:
        by_cell.setdefault(row[:width], []).append(row)
    ok_runs = sum(1 for row in rows if row[status] == "ok")
    lines = [f"sweep: {len(cells):,} cell{'s' if len(cells) != 1 else ''}, "
             f"{runs:,} run{'s' if runs != 1 else ''} ({ok_runs:,} ok, "
             f"{len(rows) - ok_runs:,} failed or stopped); results in {output}",
             "each metric: mean over the cell's seeds, ± the half-width of its 95% "
             "confidence interval", ""]
    body = []
    for cell in cells:
        group = by_cell[cell]
        ok = [row for row in group if row[status] == "ok"]
        line: list[object] = [*cell, len(group), len(group) - len(ok)]
        for _, places, index in shown:
            line.append(Interval.of([Fraction(row[index]) for row in ok]).text(places)
                        if ok else None)
        body.append(line)
    lines += table([*columns[:width], "runs", "failed", *(name for name, _, _ in shown)],
                   body, left=width)
    return lines

"""``--plot FILE.png``: each metric's distribution over the seeds, a box per cell.

One panel per metric, cells side by side in the grid's order, each box with
its runs drawn over it as points, so the spread the summary's intervals
describe can be seen.  matplotlib (the ``plot`` extra) draws it off screen.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from .extras import need
from .summary import SHOWN


def plot_png(columns: Sequence[str], cells: Sequence[tuple[str, ...]],
             rows: Sequence[tuple[str, ...]], title: str) -> bytes:
    """The picture as PNG bytes (written by the caller, atomically)."""
    matplotlib = need("matplotlib", "plot", "--plot")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    width = len(cells[0]) if cells else 0
    status = columns.index("status")
    metrics = [(name, columns.index(name)) for name, _ in SHOWN if name in columns]
    values: dict[tuple[str, ...], list[tuple[str, ...]]] = {cell: [] for cell in cells}
    for row in rows:
        if row[status] == "ok" and row[:width] in values:
            values[row[:width]].append(row)
    heads = columns[:width]
    names = ["\n".join(value if head == "policy" else f"{head} {value}"
                       for head, value in zip(heads, cell, strict=True) if value) or "all"
             for cell in cells]
    panels = len(metrics)
    across = 2 if panels > 1 else 1
    down = -(-panels // across)
    figure, axes = plt.subplots(down, across, squeeze=False,
                                figsize=(max(6.0, 1.0 + 0.7 * len(cells)) * across,
                                         3.4 * down))
    # fixed margins: a constrained layout measures every label, and costs more than the plot
    lines = max((name.count("\n") + 1 for name in names), default=1)
    figure.subplots_adjust(left=0.07, right=0.98, top=1 - 0.8 / (3.4 * down),
                           bottom=(0.25 + 0.14 * lines) / (3.4 * down),
                           hspace=0.25 + 0.1 * lines, wspace=0.18)
    for number, (metric, index) in enumerate(metrics):
        ax = axes[number // across][number % across]
        data = [[float(row[index]) for row in values[cell]] for cell in cells]
        ax.boxplot(data, showfliers=False, widths=0.6)
        xs: list[float] = []  # the runs themselves, spread sideways a little, the same each time
        ys: list[float] = []
        for position, points in enumerate(data, 1):
            xs += [position + ((k * 37) % 21 - 10) / 70 for k in range(len(points))]
            ys += points
        ax.plot(xs, ys, ".", markersize=3, alpha=0.35, color="tab:blue")
        ax.set_title(metric)
        ax.set_xticks(range(1, len(cells) + 1), names, fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    for number in range(panels, down * across):
        axes[number // across][number % across].set_visible(False)
    figure.suptitle(title)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()

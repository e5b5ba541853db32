"""What ``osmodel ostep`` prints and writes for one homework: text, the JSON document, files.

The text is the question, then with ``-c`` the answers, line for line where
the original prints them.  The JSON document (layout `LAYOUT`, docs/ostep.md)
holds the same lines and every number of the answers by its key, for
autograders.  ``--trace`` and ``--report`` files are built whole in memory
and then each written atomically, so a failure leaves no half-written file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .homework import Homework

#: The layout of the JSON document and of the ``--check`` file (docs/ostep.md); it
#: changes only when a key is renamed or removed, and the text layout with it.
LAYOUT = 1


def text(homework: Homework) -> list[str]:
    lines = list(homework.question)
    if homework.solve:
        lines += homework.answers
    return lines


def document(homework: Homework) -> dict[str, Any]:
    """The JSON document: every field documented in docs/ostep.md."""
    return {
        "layout": LAYOUT,
        "simulator": homework.simulator,
        "argv": list(homework.argv),
        "seed": homework.seed,
        "solved": homework.solve,
        "question": list(homework.question),
        "answers": list(homework.answers) if homework.solve else [],
        "numbers": [{"key": number.key, "value": number.value}
                    for number in homework.numbers] if homework.solve else [],
        "homework": dict(homework.document),
    }


def outputs(homework: Homework, trace: str | None,
            report: str | None) -> list[tuple[str, str, Sequence[str]]]:
    """The files to write, each as (option, path, lines), all built before any is written."""
    wanted: list[tuple[str, str, Sequence[str]]] = []
    if trace is not None:
        wanted.append(("--trace", trace, list(trace_lines(homework))))
    if report is not None:
        from .page import html_page

        wanted.append(("--report", report, [html_page(homework)]))
    return wanted


def trace_lines(homework: Homework) -> Iterable[str]:
    """The run's slices as ``osmodel schedule --trace`` writes them; for a homework run as
    a scenario (fork, a `Simulation`), its events as ``osmodel run --trace`` writes them."""
    from osmodel.kernel.errors import OsmodelError
    from osmodel.plugins.schedule.engine import trace_lines as slice_lines

    recorder = getattr(homework.run, "recorder", None)
    if recorder is not None:
        from osmodel.plugins.commands import jsonl

        return jsonl(recorder.events)
    slices = getattr(homework.run, "slices", None)
    if slices is None:
        raise OsmodelError(f"ostep {homework.simulator}: this homework has no run to trace")
    return slice_lines(slices)


def write(option: str, path: str, lines: Sequence[str]) -> None:
    from osmodel.plugins.commands import write_or_fail

    write_or_fail(option, path, lines)

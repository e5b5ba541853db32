"""What one OSTEP homework run is: its question, its answers, and the numbers in them.

Every simulator of ``osmodel ostep NAME`` (a module of this package that
defines ``SIMULATOR``) turns the homework's own flags into a `Homework`; the
command prints it as text or JSON, checks a student's answers against its
`Number` list, and shows the osmodel run behind it with the views.  A
simulator module is imported only when its name is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from attrs import frozen

from osmodel.kernel.errors import OsmodelError

if TYPE_CHECKING:
    from osmodel.kernel.manager import PluginManager

#: ``osmodel ostep NAME`` -> the module whose ``SIMULATOR`` answers it.
SIMULATORS: Mapping[str, str] = {
    "process-run": "osmodel.plugins.ostep.process_run",
    "fork": "osmodel.plugins.ostep.fork",
    "scheduler": "osmodel.plugins.ostep.scheduler",
    "mlfq": "osmodel.plugins.ostep.mlfq",
    "lottery": "osmodel.plugins.ostep.lottery",
    "multi": "osmodel.plugins.ostep.multi",
}


class HomeworkUsageError(OsmodelError):
    """A flag the homework simulator would refuse (unknown, missing value, bad number):
    exit status 2, worded as ``ostep NAME: ...``."""


@frozen
class Number:
    """One number of the answers, as ``--check`` compares it.

    ``key`` is stable across releases (homework sheets and autograders quote
    it), made of words and integers: ``job 2 response``, ``tick 13 state P0``.
    ``value`` is the number (or state word) exactly as the answer text prints it.
    """

    key: str
    value: str
    #: Whether case matters when a word is compared (fork's process names: b is not B).
    exact: bool = False


@frozen
class Homework:
    """The question and answers of one homework run, and the osmodel run they come from."""

    simulator: str
    #: The homework's flags exactly as given after NAME.
    argv: tuple[str, ...]
    #: The seed the workload was drawn with; for a homework that is unseeded by default,
    #: the one osmodel picked (and prints, so the run can be repeated).
    seed: int | None
    #: Whether the answers were asked for (``-c``).
    solve: bool
    #: The question's lines, printed with and without ``-c``.
    question: tuple[str, ...]
    #: The answers' lines, printed after the question with ``-c``.
    answers: tuple[str, ...]
    #: Every number the answers print, in the order they print it.
    numbers: tuple[Number, ...]
    #: The simulator's part of the JSON document: the workload and the results per item,
    #: made of JSON types only (documented in docs/ostep.md).
    document: Mapping[str, Any]
    #: The osmodel run behind the answers (``osmodel.plugins.schedule.engine.Outcome`` for
    #: the scheduling homeworks, a unix ``Simulation`` for fork), which ``--trace`` and
    #: ``--report`` show; None when the answers were not asked for and nothing was run.
    run: Any = None


@frozen
class Simulator:
    """One homework simulator: its name, its flags' help and how it answers."""

    name: str
    #: One line for ``osmodel ostep --help``.
    summary: str
    #: The flags' help, as ``osmodel ostep NAME -h`` prints it, ending with where
    #: osmodel differs from the original.
    usage: Callable[[], str]
    #: The homework for these flags; raises HomeworkUsageError for flags the original refuses.
    build: Callable[[Sequence[str], PluginManager], Homework]


def simulator(name: str) -> Simulator:
    """The simulator called ``name``; a name not in SIMULATORS is a HomeworkUsageError."""
    module = SIMULATORS.get(name)
    if module is None:
        known = ", ".join(SIMULATORS)
        raise HomeworkUsageError(f"ostep: no homework simulator {name!r} (known: {known})")
    found: Simulator = importlib.import_module(module).SIMULATOR
    return found

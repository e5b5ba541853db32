"""``osmodel quiz``: the question, and with ``--solve`` the answers, as text or JSON."""

from __future__ import annotations

import json
import random
import textwrap
from enum import StrEnum
from typing import Any

import typer

from osmodel.kernel.cli import AppState, fail
from osmodel.kernel.errors import OsmodelError

from .answers import Answers, Fate, solve
from .generate import Quiz, generate

PLATFORMS = ("unix", "windows")
MAX_SEED = 2**63 - 1


class Format(StrEnum):
    text = "text"
    json = "json"


def questions(quiz: Quiz, platform: str) -> list[str]:
    names = ", ".join(name for name, _ in quiz.programs)
    if platform == "unix":
        first = (f"1. Draw the process tree at time {quiz.at}: who is whose parent, zombies "
                 "included (the boot processes init, syslogd, atd and sh are there too).")
    else:
        first = (f"1. At time {quiz.at}, for each of the quiz's processes that has been "
                 "created: the pid its creator had (Windows only records it), whether that "
                 "creator still runs, and who holds a handle to it.")
    return [
        "Questions",
        first,
        f"2. The state of each of {names} at time {quiz.at}: ready, running, blocked"
        f"{', zombie' if platform == 'unix' else ''}, terminated, or not created yet.",
        "3. For each: what created it (a user's command, or a system call of which process), "
        "and how it ended: a normal exit (code 0), an error exit (its code), a fatal error, "
        "killed by another process, or still running at the end.",
    ]


WIDTH = 100


def wrapped(lines: list[str]) -> list[str]:
    """Prose lines cut to WIDTH columns, a numbered question's lines indented under it."""
    out: list[str] = []
    for line in lines:
        indent = "   " if line[:1].isdigit() else ""
        out += textwrap.wrap(line, WIDTH, subsequent_indent=indent) or [""]
    return out


def created_by(fate: Fate) -> str:
    if fate.cause == "user":
        return f"a user's command (started by {fate.creator})"
    if fate.cause == "batch":
        return f"a batch job (started by {fate.creator})"
    return f"a system call of {fate.creator}"


def question_lines(quiz: Quiz, platform: str) -> list[str]:
    how = "fork + exec" if platform == "unix" else "CreateProcess"
    lines = wrapped([f"osmodel quiz: seed {quiz.seed} on {platform} (the same seed gives the "
                     "same quiz; --solve prints the answers)", "",
                     "Each process runs the program of its own name; spawn starts a child "
                     f"running the named program ({how} on this platform) and puts the child's "
                     "id in the register.", ""])
    for name, code in quiz.programs:
        lines += [f"[{name}]", *code.splitlines(), ""]
    lines += ["Events from outside:", *(f"  {event.words()}" for event in quiz.events), ""]
    return lines + wrapped(questions(quiz, platform))


def answer_lines(answers: Answers) -> list[str]:
    width = max(len(name) for name, _ in answers.states)
    lines = ["", "== answers", f"1. At time {answers.at}:"]
    lines += [f"   {line}" for line in answers.structure]
    lines += [f"2. States at time {answers.at}:"]
    lines += [f"   {name:<{width}}  {state}" for name, state in answers.states]
    lines += ["3. Who created each, and how it ended:"]
    for fate in answers.fates:
        lines.append(f"   {fate.name:<{width}}  pid {fate.pid}: {created_by(fate)}")
        pad = " " * (width + 5)
        lines += textwrap.wrap(fate.end, WIDTH, initial_indent=pad, subsequent_indent=pad)
    return lines


def document(quiz: Quiz, platform: str, answers: Answers | None) -> dict[str, Any]:
    """The quiz as JSON (``schema`` 1): the question's parts and, when solved, the answers."""
    doc: dict[str, Any] = {
        "schema": 1, "seed": quiz.seed, "platform": platform, "at": quiz.at,
        "programs": {name: code for name, code in quiz.programs},
        "events": [{"at": e.at, "kind": e.kind, "target": e.target or None}
                   for e in quiz.events],
        "questions": questions(quiz, platform)[1:],
        "scenario": quiz.scenario(platform),
    }
    if answers is not None:
        doc["answers"] = {
            "structure": list(answers.structure),
            "states": dict(answers.states),
            "processes": [{"name": f.name, "pid": f.pid, "cause": f.cause,
                           "creator": f.creator, "end": f.end} for f in answers.fates],
        }
    return doc


def quiz(
    ctx: typer.Context,
    seed: int | None = typer.Option(None, "--seed", min=0, max=MAX_SEED,
                                    help="The quiz to draw (default: a new one, printed)."),
    solve_it: bool = typer.Option(False, "--solve", help="Print the answers too."),
    platform: str | None = typer.Option(None, "--platform", metavar="NAME",
                                        help="unix (default) or windows; overrides the root one."),
    fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
) -> None:
    """A quiz on the chapter: predict the tree, the states and how each process ends."""
    state: AppState = ctx.find_root().obj
    name = platform or state.platform or "unix"
    if name not in PLATFORMS:
        raise fail(f"quiz: no quiz for platform {name!r} (choose unix or windows)")
    drawn = seed if seed is not None else random.SystemRandom().randrange(1_000_000)
    quiz = generate(drawn)
    try:
        answers = solve(quiz, name, state.pm) if solve_it else None
    except OsmodelError as error:
        raise fail(f"quiz {drawn}: {error}") from None
    if fmt is Format.json:
        typer.echo(json.dumps(document(quiz, name, answers), indent=2))
        return
    lines = question_lines(quiz, name)
    if answers is not None:
        lines += answer_lines(answers)
    typer.echo("\n".join(lines))


def register(app: typer.Typer) -> None:
    """Add ``quiz`` to ``app`` at once (the plugin declares it by name instead)."""
    app.command()(quiz)

"""``osmodel ostep [OPTIONS] NAME FLAGS...``: one OSTEP homework, its question and answers.

osmodel's own options come before NAME; everything after NAME is the
homework's (the simulators have their own ``-c``, ``-p``, ``-s``...), so the
command takes it untouched.  Imported only when the command is registered,
and itself imports the simulators, the engine and the writers only when it
runs.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand

from osmodel.kernel.cli import AppState, fail
from osmodel.plugins.commands import Format


class OstepCommand(TyperCommand):
    """Its help ends with the homework simulators, each imported only for the help."""

    def format_epilog(self, ctx: Any, formatter: Any) -> None:  # click's, vendored by typer
        from .homework import SIMULATORS, simulator

        rows = []
        for name in SIMULATORS:
            try:
                rows.append((name, simulator(name).summary))
            except ModuleNotFoundError as error:  # a simulator not installed in this tree
                if error.name != SIMULATORS[name]:
                    raise
                continue
        with formatter.section("Homework simulators (NAME)"):
            formatter.write_dl(rows)
        formatter.write_paragraph()
        formatter.write_text("`osmodel ostep NAME -h` lists that simulator's flags and where "
                             "osmodel differs from the original (docs/ostep.md).")


#: How ``osmodel ostep`` is declared (plugins/ostep/__init__.py): everything after NAME,
#: flags included, belongs to the simulator.
SETTINGS: dict[str, Any] = {
    "cls": OstepCommand,
    "context_settings": {"allow_extra_args": True, "ignore_unknown_options": True,
                         "allow_interspersed_args": False,
                         "help_option_names": ["-h", "--help"]},
}


def ostep(
    ctx: typer.Context,
    name: str | None = typer.Argument(None, metavar="NAME", show_default=False,
                                      help="The homework simulator (listed below)."),
    flags: list[str] | None = typer.Argument(
        None, metavar="FLAGS...", show_default=False,
        help="The simulator's own flags, exactly as for the original."),
    fmt: Format = typer.Option(Format.text, "--format",
                               help="text, or json for autograders."),
    check: str | None = typer.Option(
        None, "--check", metavar="FILE", help="Compare the answers in FILE (one KEY VALUE "
        "a line, '-': stdin) with the computed ones; exit 1 if any is wrong or missing."),
    trace: str | None = typer.Option(
        None, "--trace", metavar="FILE", help="Write the run's slices to FILE, one JSON "
        "object a line (needs -c or --check)."),
    report: str | None = typer.Option(
        None, "--report", metavar="FILE.html",
        help="Write the question, answers and run as one HTML page (needs -c or --check)."),
) -> None:
    """Run an OSTEP homework simulator: the same flags, seeds, questions and answers."""
    state: AppState = ctx.find_root().obj
    if name is None:
        raise fail("ostep: name a homework simulator (see `osmodel ostep --help`)")
    code = perform(state, name, list(flags or ()), fmt, check, trace, report)
    if code:
        raise typer.Exit(code)


def perform(state: AppState, name: str, argv: list[str], fmt: Format, check: str | None,
            trace: str | None, report: str | None) -> int:
    """Print (or check, or write) one homework; the exit status."""
    from osmodel.kernel.errors import OsmodelError
    from osmodel.plugins.commands import check_or_fail

    from . import check as checking
    from . import document as out
    from .flags import wants_help
    from .homework import SIMULATORS, simulator

    try:
        found = simulator(name)
    except OsmodelError as error:
        raise fail(str(error)) from None
    except ModuleNotFoundError as error:
        if error.name != SIMULATORS[name]:
            raise
        raise fail(f"ostep: the {name} simulator is not installed here") from None
    if wants_help(argv):
        typer.echo(found.usage())
        return 0
    if state.platform not in (None, "bare"):
        raise fail(f"ostep runs its homework on the bare platform; drop --platform "
                   f"{state.platform}")
    for option, path in (("--trace", trace), ("--report", report)):
        if path is not None:
            check_or_fail(option, path)  # before the run, not after it
    given = None
    if check is not None:
        given = checking.read_or_fail(check)
    try:
        homework = found.build(argv, state.pm)
        if (trace is not None or report is not None) and not homework.solve and given is None:
            raise fail("--trace and --report show the answers' run: add -c (or --check FILE)")
        solved = homework
        if not homework.solve and given is not None:  # the answers to check, not to print
            solved = found.build(["-c", *argv], state.pm)
    except OsmodelError as error:
        raise fail(str(error)) from None
    outputs = out.outputs(solved, trace, report)
    for option, path, lines in outputs:
        out.write(option, path, lines)
    if given is not None:
        assert check is not None
        result = checking.compare(solved, given, check)
        shown: list[str] | dict[str, Any] = (
            result.document() if fmt is Format.json
            else result.lines(name, reveal=homework.solve))
        _echo(shown)
        return 0 if result.right else 1
    _echo(out.document(homework) if fmt is Format.json else out.text(homework))
    return 0


def _echo(out: list[str] | dict[str, Any]) -> None:
    if isinstance(out, dict):
        import json

        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        typer.echo("\n".join(out))

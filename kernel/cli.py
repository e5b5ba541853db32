"""The ``osmodel`` command: a typer application whose commands come from plugins.

``-p`` options are read before the application is built, because they decide
which plugins (and so which commands) exist.  Every error a user can cause
ends with one line on stderr and exit status 2.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import typer
from attrs import define
from typer.core import TyperGroup

from .errors import OsmodelError
from .hookcalls import call
from .manager import PluginManager, make_plugin_manager

EXIT_USAGE = 2


@define
class AppState:
    """What the root options decided, handed to every command as ``ctx.obj``."""

    pm: PluginManager
    platform: str | None = None


def _version() -> str:
    from importlib import metadata  # only for --version: it costs every start tens of ms

    try:
        return metadata.version("osmodel")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare tree
        return "unknown"


def fail(message: str) -> typer.Exit:
    """Print ``message`` as an error and return the exit to raise (status 2)."""
    typer.echo(f"osmodel: error: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


#: Root options that take a value (``--platform unix``, ``-p mod``, ``--plugin=mod``).
_VALUED = ("--platform", "-p", "--plugin")


def root_options(argv: Sequence[str]) -> tuple[list[tuple[str, str | None]], bool]:
    """The options before the command as click reads them, ``(option, value)`` (a value
    missing at the end is None), and whether a command follows them."""
    found: list[tuple[str, str | None]] = []
    args = iter(argv)
    for arg in args:
        name, equals, value = arg.partition("=")
        if arg in _VALUED:
            found.append((arg, next(args, None)))
        elif equals and name in _VALUED and name.startswith("--"):
            found.append((name, value))
        elif arg.startswith("-p") and len(arg) > 2 and not arg.startswith("--"):
            found.append(("-p", arg[2:]))
        elif not arg.startswith("-"):
            return found, True
        else:
            found.append((arg, None))
    return found, False


def plugin_options(argv: Sequence[str]) -> list[str]:
    """The values of every ``-p VALUE`` / ``-pVALUE`` / ``--plugin VALUE`` before the command
    (after it, ``-p`` is not the root option, and click says so)."""
    options, _ = root_options(argv)
    return [value for name, value in options if name in ("-p", "--plugin") and value is not None]


def with_default_command(argv: Sequence[str]) -> list[str]:
    """``osmodel --platform NAME`` with no command means ``osmodel --platform NAME demo``.

    Not without a NAME: click then says ``--platform`` needs one (exit 2)."""
    options, command = root_options(argv)
    names = {name for name, _ in options}
    wanted = any(name == "--platform" and value is not None for name, value in options)
    if command or not wanted or names & {"--help", "--version"}:
        return list(argv)
    return [*argv, "demo"]


def not_empty(ctx: typer.Context, param: typer.CallbackParam, value: str | None) -> str | None:
    """Option callback: a name given must not be empty (``--platform ""`` is a mistake, not
    "no platform")."""
    if value is not None and not value.strip():
        raise typer.BadParameter("an empty name (see `osmodel plugins` for the installed ones)")
    return value


def platform_option(help: str) -> Any:
    """``--platform NAME`` for a command: not empty when given."""
    return typer.Option(None, "--platform", help=help, callback=not_empty)


def time_option(default: Any, *names: str, help: str) -> Any:
    """An option giving a simulated time (``--until``, ``--at``): a tick count, at least 0."""
    return typer.Option(default, *names, min=0, help=help)


class _Commands(TyperGroup):
    """The root group: an OsmodelError escaping any command is its one-line error, exit 2."""

    def invoke(self, ctx: Any) -> Any:  # click's Context, vendored by some typer releases
        try:
            return super().invoke(ctx)
        except OsmodelError as error:
            raise fail(str(error)) from None


def build_app(pm: PluginManager) -> typer.Typer:
    app = typer.Typer(
        cls=_Commands,
        name="osmodel",
        help="A model of how operating systems create, run, schedule, arrange and end "
        "processes. Run with --platform NAME and no command for that platform's demo.",
        no_args_is_help=False,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )

    @app.callback(invoke_without_command=True)
    def root(
        ctx: typer.Context,
        platform: str | None = platform_option("The platform to boot (see `osmodel plugins`)."),
        plugin: list[str] = typer.Option(
            [], "-p", "--plugin", help="Load a plugin module, or block one with no:NAME."),
        version: bool = typer.Option(False, "--version", help="Print the version and exit."),
    ) -> None:
        if version:
            typer.echo(f"osmodel {_version()}")
            raise typer.Exit()
        ctx.obj = AppState(pm, platform)
        if ctx.invoked_subcommand is None:
            typer.echo(ctx.get_help())

    call(pm, "osmodel_commands", app=app)
    return app


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        pm = make_plugin_manager(plugin_options(args))
    except OsmodelError as error:
        typer.echo(f"osmodel: error: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    for warning in pm.warnings:
        typer.echo(f"osmodel: warning: {warning}", err=True)
    try:
        app = build_app(pm)
    except OsmodelError as error:
        typer.echo(f"osmodel: error: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    except Exception as error:  # a plugin's osmodel_commands raised: name it
        failure = pm.failure(error)
        if failure is None:
            raise
        typer.echo(f"osmodel: error: {failure}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    app(args=with_default_command(args), prog_name="osmodel")

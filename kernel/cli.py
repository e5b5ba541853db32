"""The ``osmodel`` command: a typer application whose commands come from plugins.

``-p`` options are read before the application is built, because they decide
which plugins (and so which commands) exist.  A plugin adds a command in
``osmodel_commands`` either at once (``app.command()``) or by naming where it
lives (``app.lazy_command(NAME, "pkg.mod:function")``): the module of a lazy
command is imported only when that command runs or a listing of the commands
(``--help``, completion) needs it, so a start pays for the command it runs.

Every error a user can cause, click's own usage errors included, ends with
one line on stderr (``osmodel: error: ...``) and exit status 2.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, NoReturn

import typer
from attrs import define, frozen
from typer.core import TyperArgument, TyperCommand, TyperGroup

from .errors import OsmodelError, PluginError
from .hookcalls import call
from .manager import PluginManager, import_target, is_target, make_plugin_manager

EXIT_USAGE = 2
#: Where a command goes in ``osmodel --help`` when its plugin does not say (lower: earlier;
#: equal places keep the order in which the commands were added).
DEFAULT_ORDER = 100
#: Set (to anything but empty) to switch colour off, as https://no-color.org asks.
NO_COLOR_ENV = "NO_COLOR"


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
#: Root options without a value.
_FLAGS = ("--version", "--help", "-h", "--install-completion", "--show-completion")


def root_options(argv: Sequence[str]) -> tuple[list[tuple[str, str | None]], bool]:
    """The options before the command as click reads them, ``(option, value)`` (a value
    missing at the end is None), and whether a command follows them.

    Reading stops at the command name (what follows belongs to the command:
    ``osmodel schedule -p x`` has no root ``-p``) and at an option the root
    does not have (click refuses it, and nothing after it is read as a root
    option: ``--trace -pX`` is not a plugin).
    """
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
        elif arg in _FLAGS or (equals and name == "--show-completion"):
            found.append((name, None))
        else:
            break
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
    if command or not wanted or names & set(_FLAGS):
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
    return typer.Option(None, "--platform", metavar="NAME", help=help, callback=not_empty)


def time_option(default: Any, *names: str, help: str) -> Any:
    """An option giving a simulated time (``--until``, ``--at``): a tick count, at least 0."""
    return typer.Option(default, *names, min=0, metavar="TIME", help=help)


def no_color() -> bool:
    """Whether ``NO_COLOR`` asks for output without colour (set and not empty)."""
    return bool(os.environ.get(NO_COLOR_ENV))


# ------------------------------------------------------------------------- help text


def _placeholder(param: Any) -> str | None:
    """A human placeholder for an option's value, from its type: ``N`` for a number,
    ``A|B`` for a choice, ``PATH``, ``TEXT``; None leaves click's."""
    kind = param.type
    choices = getattr(kind, "choices", None)
    if choices:
        return "|".join(str(getattr(choice, "value", choice)) for choice in choices)
    name = getattr(kind, "name", "")
    if name in ("integer", "integer range", "int", "int range"):
        return "N"
    if name in ("float", "float range"):
        return "X"
    if name in ("path", "file", "filename"):
        return "PATH"
    if name in ("text", "str", "string"):
        return "TEXT"
    return None


class _Argument(TyperArgument):
    """An argument whose usage shows its placeholder as written: ``SCENARIO``, not
    ``{SCENARIO}`` (required) or ``{scenario:PATH}``."""

    def make_metavar(self, ctx: Any, *, usage: bool = False) -> str:
        var = self.metavar or (self.name or "").upper()
        return f"[{var}]" if usage and not self.required and not var.startswith("[") else var


def humane(command: Any) -> Any:
    """``command`` with placeholders a person reads (``--cpus N``, ``--format text|json``,
    ``SCENARIO``) wherever its author did not give a metavar."""
    for param in command.params:
        if isinstance(param, TyperArgument):
            param.__class__ = _Argument
        elif param.metavar is None and not getattr(param, "is_flag", False):
            param.metavar = _placeholder(param)
    return command


# --------------------------------------------------------------------------- commands


@frozen
class Declared:
    """A command a plugin declared by where its function lives, not imported yet."""

    name: str
    target: str  # "package.module:function"
    order: int
    hidden: bool
    settings: Mapping[str, Any]
    #: How errors name the plugin that declared it.
    plugin: str

    def load(self) -> Any:
        """The click command, its module imported now; a failure names the plugin."""
        from typer.main import get_command_from_info
        from typer.models import CommandInfo

        label = self.plugin
        try:
            found = import_target(self.target)
            if isinstance(found, typer.Typer):  # a group of commands: osmodel NAME SUB ...
                holder = typer.Typer(rich_markup_mode=None)  # as add_typer under the root
                holder.add_typer(found, name=self.name, hidden=self.hidden, **self.settings)
                command = typer.main.get_group(holder).commands[self.name]
                for sub in getattr(command, "commands", {}).values():
                    humane(sub)
            else:
                info = CommandInfo(name=self.name, callback=found, hidden=self.hidden,
                                   **self.settings)
                command = get_command_from_info(info, pretty_exceptions_short=False,
                                                rich_markup_mode=None)
        except Exception as error:
            raise PluginError(label, f"command {self.name!r} ({self.target}): "
                              f"{type(error).__name__}: {error}",
                              hook="osmodel_commands") from error
        return humane(command)


class _Pending(TyperCommand):
    """Stands for a declared command in the group until the group first hands it out."""

    declared: ClassVar[Declared]


def _not_loaded() -> NoReturn:  # pragma: no cover - the group swaps the command in first
    raise RuntimeError("a declared command ran before it was imported")


class CommandLine(typer.Typer):
    """The application ``osmodel_commands`` receives: typer's, and `lazy_command`."""

    def __init__(self, *, pm: PluginManager | None = None, **settings: Any) -> None:
        super().__init__(**settings)
        self.pm = pm
        self.declared: dict[str, Declared] = {}

    def lazy_command(self, name: str, target: str, *, order: int = DEFAULT_ORDER,
                     hidden: bool = False, **settings: Any) -> None:
        """Add the command ``name`` whose function is ``target``, ``"package.module:function"``
        (a function as ``app.command()`` takes it, or a ``typer.Typer`` whose commands
        become ``osmodel NAME SUBCOMMAND``).

        Its module is imported when the command runs, or when ``--help`` or
        shell completion lists the commands.  ``order`` places it in that
        listing (lower first; see `DEFAULT_ORDER`); ``settings`` are the
        keywords of ``app.command()`` (``help``, ``short_help``, ``epilog``,
        ``context_settings`` ...).
        """
        if not is_target(target):
            raise ValueError(f"command {name!r}: {target!r} is not package.module:function")
        if name in self.declared:
            raise ValueError(f"command {name!r} is declared twice "
                             f"({self.declared[name].target} and {target})")
        caller = sys._getframe(1).f_globals.get("__name__", "")  # the declaring plugin's module
        owner = self.pm.owner(caller) if self.pm is not None else None
        plugin = self.pm.label(owner) if self.pm is not None and owner else caller or "?"
        declared = Declared(name, target, order, hidden, dict(settings), plugin)
        self.declared[name] = declared
        pending = type("PendingCommand", (_Pending,), {"declared": declared})
        self.command(name, cls=pending, hidden=hidden, add_help_option=False,
                     context_settings={"ignore_unknown_options": True,
                                       "allow_extra_args": True})(_not_loaded)


def _click() -> Any:
    """click as this typer release has it: vendored (``typer._click``) or the click package."""
    from importlib import import_module

    try:
        return import_module("typer._click")
    except ImportError:  # pragma: no cover - typer releases before it vendored click
        return import_module("click")


def _usage(error: Any) -> str:
    """click's message on one line, with the command it is about and where help is."""
    message = " ".join(error.format_message().split()).rstrip(".")
    ctx = getattr(error, "ctx", None)
    if ctx is None:
        return message
    path = ctx.command_path
    command = path.partition(" ")[2]
    return f"{command}: {message} (see '{path} --help')" if command else \
        f"{message} (see '{path} --help')"


class _Commands(TyperGroup):
    """The root group: declared commands imported on first use, listed in a useful order,
    and every error (click's, or an OsmodelError escaping a command) one line, exit 2."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        #: Each declared command's place in the listing (the others: DEFAULT_ORDER).
        self.orders = {name: command.declared.order for name, command in self.commands.items()
                       if isinstance(command, _Pending)}
        for command in self.commands.values():
            if not isinstance(command, _Pending):
                humane(command)
        humane(self)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = self.commands.get(cmd_name)
        if isinstance(command, _Pending):
            command = self.commands[cmd_name] = command.declared.load()
        return command

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted(self.commands, key=lambda name: self.orders.get(name, DEFAULT_ORDER))

    def invoke(self, ctx: Any) -> Any:  # click's Context, vendored by some typer releases
        try:
            return super().invoke(ctx)
        except OsmodelError as error:
            raise fail(str(error)) from None

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        click = _click()
        if no_color():
            extra.setdefault("color", False)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False,
                                windows_expand_args=windows_expand_args, **extra)
        except click.exceptions.ClickException as error:
            if not standalone_mode:
                raise
            typer.echo(f"osmodel: error: {_usage(error)}", err=True)
            usage = isinstance(error, click.exceptions.UsageError)
            sys.exit(EXIT_USAGE if usage else error.exit_code)
        except typer.Abort:  # click's own in releases that do not vendor it
            if not standalone_mode:
                raise
            typer.echo("osmodel: error: aborted", err=True)
            sys.exit(1)
        except OsmodelError as error:  # a declared command that cannot be imported
            if not standalone_mode:
                raise
            typer.echo(f"osmodel: error: {error}", err=True)
            sys.exit(EXIT_USAGE)
        if standalone_mode:
            sys.exit(code if isinstance(code, int) else 0)
        return code


def build_app(pm: PluginManager) -> CommandLine:
    app = CommandLine(
        pm=pm,
        cls=_Commands,
        name="osmodel",
        help="A model of how operating systems create, run, schedule, arrange and end "
        "processes. Run with --platform NAME and no command for that platform's demo.",
        no_args_is_help=False,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback(invoke_without_command=True)
    def root(
        ctx: typer.Context,
        platform: str | None = platform_option("The platform to boot (see `osmodel plugins`)."),
        plugin: list[str] = typer.Option(
            [], "-p", "--plugin", metavar="MODULE",
            help="Load a plugin module, or block one with no:NAME (before the command)."),
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
    """Entry point of the console script (and of ``python -m osmodel``)."""
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

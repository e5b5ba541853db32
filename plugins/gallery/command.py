"""The ``gallery`` command group: ``list`` (the default), ``show NAME``, ``copy NAME [DEST]``."""

from __future__ import annotations

from pathlib import Path

import typer

from osmodel.kernel.cli import fail
from osmodel.plugins.commands import write_or_fail

from . import catalog

gallery = typer.Typer(
    name="gallery", invoke_without_command=True, no_args_is_help=False,
    help="Scenarios shipped with osmodel: list them, show one, copy one out to edit.")


def _entry(name: str) -> catalog.Entry:
    entry = catalog.find(name)
    if entry is None:
        raise fail(f"no gallery scenario {name!r}; `osmodel gallery` lists them")
    return entry


def listing() -> list[str]:
    """The gallery as text: per topic, each name with its platform and title."""
    entries = catalog.entries()
    width = max(len(entry.name) for entry in entries)
    lines: list[str] = []
    for topic, _ in catalog.TOPICS:
        lines += [f"== {topic}"]
        lines += [f"  {e.name:<{width}}  {e.platform or 'compare':<7}  {e.title}"
                  for e in entries if e.topic == topic]
        lines += [""]
    lines += ["Run one:     osmodel run NAME   (osmodel compare NAME for the differences)",
              "Read it:     osmodel gallery show NAME",
              "Change it:   osmodel gallery copy NAME, then edit NAME.toml"]
    return lines


@gallery.callback()
def overview(ctx: typer.Context) -> None:
    """List the gallery's scenarios by topic (the default)."""
    if ctx.invoked_subcommand is None:
        typer.echo("\n".join(listing()))


@gallery.command(name="list")
def list_scenarios() -> None:
    """List the gallery's scenarios by topic."""
    typer.echo("\n".join(listing()))


@gallery.command()
def show(name: str = typer.Argument(..., metavar="NAME", help="A gallery scenario.")) -> None:
    """Print a gallery scenario's file."""
    typer.echo(_entry(name).path.read_text(encoding="utf-8"), nl=False)


@gallery.command()
def copy(
    name: str = typer.Argument(..., metavar="NAME", help="A gallery scenario."),
    dest: Path | None = typer.Argument(None, metavar="[DEST]",
                                       help="A file or folder (default: ./NAME.toml)."),
    force: bool = typer.Option(False, "--force", help="Replace a file that is there."),
) -> None:
    """Copy a gallery scenario out, to read and change it."""
    entry = _entry(name)
    target = Path(f"{entry.name}.toml") if dest is None else dest
    if target.is_dir():
        target = target / f"{entry.name}.toml"
    if (target.exists() or target.is_symlink()) and not force:
        raise fail(f"{target} exists; pass --force to replace it")
    text = entry.path.read_text(encoding="utf-8")
    write_or_fail("DEST", target, text.splitlines())
    typer.echo(f"wrote {target}: osmodel run {target}")

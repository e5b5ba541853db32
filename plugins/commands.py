"""The core commands: run a scenario, run a platform's demo, list plugins; and the helpers
every command that runs a scenario shares (``perform``, ``load``, ``check_or_fail`` ...).

Registered through ``osmodel_commands`` like any third-party command, by
name (``app.lazy_command``).  Every command imports this module (for
``Format`` and the output helpers), so what only running a scenario needs
(the simulation, the report, the output writer) is imported inside the
functions that use it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from osmodel.kernel import hookimpl
from osmodel.kernel.cli import AppState, fail, platform_option, time_option
from osmodel.kernel.errors import OsmodelError, PluginError

if TYPE_CHECKING:
    from osmodel.kernel.cli import CommandLine
    from osmodel.kernel.events import Event
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.scenario import Scenario
    from osmodel.kernel.simulation import Simulation
    from osmodel.plugins.output import OutputPath, Target


#: What every command that runs a scenario says of its argument.
SCENARIO_HELP = "A scenario file (TOML), or a gallery name (`osmodel gallery` lists them)."


class Format(StrEnum):
    text = "text"
    json = "json"


def check_or_fail(option: str, path: OutputPath) -> None:
    """Before a run: an output that cannot be written ends the command (exit 2)."""
    from osmodel.plugins.output import OutputError, check_output

    try:
        check_output(option, path)
    except OutputError as error:
        raise fail(str(error)) from None


def write_or_fail(option: str, path: OutputPath, lines: Iterable[str]) -> Target:
    """Write an output file (see ``osmodel.plugins.output``); a failure ends the command."""
    from osmodel.plugins.output import OutputError, write_output

    try:
        return write_output(option, path, lines)
    except OutputError as error:
        raise fail(str(error)) from None


def jsonl(events: Iterable[Event]) -> Iterable[str]:
    for event in events:
        yield json.dumps(event.as_dict(), sort_keys=True)


#: The width of text off a terminal when ``COLUMNS`` does not say: the same input gives
#: the same bytes wherever it runs.
DEFAULT_WIDTH = 100
#: Narrower than this, wrapping makes text harder to read, not easier.
MIN_WIDTH = 40


def text_width(wide: bool = False) -> int | None:
    """The width text output fits: None with ``--wide``; else ``COLUMNS`` when set, the
    terminal's width on a terminal, and DEFAULT_WIDTH off one."""
    if wide:
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        return max(int(columns), MIN_WIDTH)
    if sys.stdout.isatty():
        try:
            return max(os.get_terminal_size(sys.stdout.fileno()).columns, MIN_WIDTH)
        except OSError:
            pass
    return DEFAULT_WIDTH


def render_text(sim: Simulation, report: dict[str, object], *, show_trace: bool = True,
                width: int | None = None) -> str:
    from osmodel.kernel.render import chapter_lines, process_table, summary_lines, trace_lines, wrap
    from osmodel.kernel.report import structure_lines

    kernel = sim.kernel
    title = sim.scenario.title or sim.scenario.source or "scenario"
    lines = [f"osmodel: {title} on {sim.platform}"]
    if sim.scenario.description:
        lines.append(sim.scenario.description.strip())
    if show_trace:
        lines += ["", "== trace", *trace_lines(sim.recorder.events, width)]
    structure = structure_lines(kernel)
    if structure:
        lines += ["", f"== structure at time {kernel.now}", *structure]
    lines += ["", "== process table (one PCB a row)", *process_table(report, width)]
    if kernel.output:
        lines += ["", "== output"]
        for t, pid, text in kernel.output:
            lines += wrap(f"{t:>6}  {pid:>5}  ", text, width)
    for title, part in (("summary", summary_lines(report)),
                        ("the chapter in this run", chapter_lines(report, sim.watch))):
        lines += ["", f"== {title}"]
        for line in part:
            lines += wrap("", line, width, indent="    ")
    return "\n".join(lines)


def progress_if_terminal(
        wanted: bool) -> Callable[[], AbstractContextManager[Callable[[Kernel], None]]] | None:
    """``progress_display`` when wanted and both stdout and stderr are terminals
    (never in JSON output, never when piped); else None."""
    return progress_display if wanted and sys.stderr.isatty() and sys.stdout.isatty() else None


@contextmanager
def progress_display() -> Iterator[Callable[[Kernel], None]]:
    """A spinner on stderr with the simulated time, for long runs on a terminal."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("simulating: time {task.fields[now]}, "
                                           "{task.fields[live]} processes"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("run", now=0, live=0)

        def update(kernel: Kernel) -> None:
            bar.update(task, now=kernel.now, live=len(kernel.processes))

        yield update


def load(path: Path) -> Scenario:
    """Read a scenario file, or the gallery scenario of that name when there is no such file;
    a bad one ends the command with its location and exit 2."""
    from osmodel.kernel.scenario import load_scenario
    from osmodel.plugins.gallery.catalog import resolve

    path = resolve(path)
    if not (path.exists() or path.is_symlink()):
        raise fail(f"{path}: no such file, nor a gallery scenario of that name "
                   "(`osmodel gallery` lists them)")
    try:
        return load_scenario(path)
    except OsmodelError as error:
        raise fail(str(error)) from None
    except OSError as error:
        raise fail(f"cannot read {path}: {error.strerror}") from None


def perform(
    state: AppState,
    scenario: Scenario,
    *,
    platform: str | None = None,
    cpus: int | None = None,
    scheduler: str | None = None,
    quantum: int | None = None,
    seed: int | None = None,
    until: int | None = None,
    trace: OutputPath | None = None,
    progress: bool = False,
    record: bool = True,
) -> Simulation:
    """Run ``scenario`` to its end (or ``until``); every failure ends with exit status 2.

    Nothing is printed here, so a failed run prints nothing on stdout; the
    trace file, if asked for, is written whole or, after a plugin failure,
    with the events up to it.
    """
    from osmodel.kernel.simulation import machine_for, simulate
    from osmodel.plugins.output import OutputError, write_output

    if trace is not None:
        check_or_fail("--trace", trace)
    try:
        machine = machine_for(scenario, cpus=cpus, scheduler=scheduler, quantum=quantum)
        sim = simulate(scenario, platform=platform or state.platform, pm=state.pm,
                       machine=machine, seed=seed, run=False,
                       record=record or trace is not None)
    except OsmodelError as error:
        raise fail(str(error)) from None
    try:
        display = progress_if_terminal(progress)
        if display is not None:
            with display() as show_progress:
                sim.run(until, progress=show_progress)
        else:
            sim.run(until)
        sim.finish()
    except PluginError as error:
        if trace is not None:  # keep what was recorded up to the failure
            try:
                write_output("--trace", trace, jsonl(sim.recorder.events))
            except OutputError as trace_error:
                fail(str(trace_error))  # printed; the plugin's error below ends the command
        raise fail(str(error)) from None
    except OsmodelError as error:
        raise fail(str(error)) from None
    sim.kernel.settle()
    if trace is not None:
        write_or_fail("--trace", trace, jsonl(sim.recorder.events))
    return sim


def show(sim: Simulation, fmt: Format, *, show_trace: bool = True,
         wide: bool = False) -> dict[str, Any]:
    """Print the run's report as ``fmt`` asks; the report, for what is shown after it."""
    from osmodel.kernel.report import build_report

    report = build_report(sim)
    if fmt is Format.json:
        typer.echo(json.dumps(report, indent=2))
    else:
        typer.echo(render_text(sim, report, show_trace=show_trace, width=text_width(wide)))
    return report


def run(
    ctx: typer.Context,
    scenario: Path = typer.Argument(..., help=SCENARIO_HELP),
    platform: str | None = platform_option("Overrides the root one."),
    cpus: int | None = typer.Option(None, "--cpus", help="Number of CPUs."),
    scheduler: str | None = typer.Option(None, "--scheduler", metavar="NAME",
                                         help="Scheduling policy."),
    quantum: int | None = typer.Option(None, "--quantum", help="Scheduler quantum."),
    seed: int | None = typer.Option(None, "--seed", help="Seed for random choices."),
    until: int | None = time_option(None, "--until", help="Stop at this simulated time."),
    fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
    trace: str | None = typer.Option(None, "--trace", metavar="FILE", help="Write the "
                                     "events to FILE as JSON Lines ('-': stdout)."),
    no_trace: bool = typer.Option(False, "--no-trace", help="Text: omit the event trace."),
    wide: bool = typer.Option(False, "--wide", help="Text: never break lines to fit the "
                              "width (the terminal's, else COLUMNS, else 100)."),
) -> None:
    """Run a scenario and print its trace, process table and summary."""
    # the events are kept only for the text trace or the trace file that shows them
    sim = perform(ctx.obj, load(scenario), platform=platform, cpus=cpus,
                  scheduler=scheduler, quantum=quantum, seed=seed, until=until, trace=trace,
                  progress=fmt is Format.text, record=fmt is Format.text and not no_trace)
    show(sim, fmt, show_trace=not no_trace, wide=wide)


def demo(
    ctx: typer.Context,
    fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
    no_trace: bool = typer.Option(False, "--no-trace", help="Text: omit the event trace."),
    wide: bool = typer.Option(False, "--wide", help="Text: never break lines to fit the "
                              "width (the terminal's, else COLUMNS, else 100)."),
) -> None:
    """Run the chosen platform's demo scenario; in text, then the same work on more CPUs."""
    from osmodel.kernel.boot import platform_names, platforms
    from osmodel.kernel.scenario import loads_scenario

    state: AppState = ctx.find_root().obj
    name = state.platform or ""
    try:
        known = platform_names(state.pm)
        if name not in known:
            raise fail(f"unknown platform {name!r}; installed: {', '.join(known)}")
        cls = platforms(state.pm, name)[name]
    except OsmodelError as error:
        raise fail(str(error)) from None
    try:
        text = cls.demo()
    except NotImplementedError:
        raise fail(f"platform {name} has no demo; run a scenario with "
                   f"`osmodel --platform {name} run SCENARIO`") from None
    try:
        scenario = loads_scenario(text, source=f"<{name} demo>")
    except OsmodelError as error:
        raise fail(f"the {name} demo is broken: {error}") from None
    sim = perform(state, scenario, platform=name, record=fmt is Format.text and not no_trace)
    report = show(sim, fmt, show_trace=not no_trace, wide=wide)
    if fmt is Format.text:
        typer.echo("\n".join(["", *parallel_lines(state, scenario, sim, report,
                                                    text_width(wide))]))


#: How many CPUs the demo's work is run on again, to show parallelism beside concurrency.
PARALLEL_CPUS = 4


def parallel_lines(state: AppState, scenario: Scenario, one: Simulation,
                   report: dict[str, Any], width: int | None) -> list[str]:
    """The same scenario on PARALLEL_CPUS CPUs beside the run on its own machine (``one``,
    whose ``report`` is printed already): the clock, the most processes running at once,
    the turnaround, the context switches."""
    from osmodel.kernel.render import table, wrap
    from osmodel.kernel.report import build_report

    def row(sim: Simulation, summary: dict[str, Any]) -> list[object]:
        sim.close()  # the platform's instance leaves the manager before the next run
        return [plural_cpus(sim.kernel.machine.cpus), sim.kernel.now, sim.watch.most_running,
                summary["average"]["turnaround"], summary["context_switches"]]

    rows = [row(one, report["summary"])]
    many = perform(state, scenario, platform=one.platform, cpus=PARALLEL_CPUS, record=False)
    rows.append(row(many, build_report(many)["summary"]))
    note = ("on one CPU the processes take turns (concurrency); on several, some run at the "
            "same time (parallelism), so the same work ends sooner only where processes "
            "were ready at once")
    return [f"== the same work on {PARALLEL_CPUS} CPUs",
            *table(["MACHINE", "CLOCK", "MOST RUNNING AT ONCE", "AVERAGE TURNAROUND",
                    "CONTEXT SWITCHES"], rows, left=1, width=width),
            *wrap("", note, width)]


def plural_cpus(count: int) -> str:
    return "1 CPU" if count == 1 else f"{count} CPUs"


def list_plugins(ctx: typer.Context) -> None:
    """List every plugin, where it came from and which hooks it implements."""
    state: AppState = ctx.obj
    pm = state.pm
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda item: item[0]):
        if plugin is None:
            continue
        origin = pm.origins.get(name)
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or ())
        typer.echo(f"{name}: {origin if origin else 'registered'}")
        typer.echo(f"    hooks: {', '.join(hooks) or 'none'}")
    from osmodel.kernel.boot import platform_names, scheduler_names

    try:
        typer.echo(f"platforms: {', '.join(platform_names(pm))}")
        typer.echo(f"schedulers: {', '.join(scheduler_names(pm))}")
    except OsmodelError as error:
        raise fail(str(error)) from None
    blocked = sorted(n for n, p in pm.list_name_plugin() if p is None)
    if blocked:
        typer.echo(f"blocked: {', '.join(blocked)}")


@hookimpl
def osmodel_commands(app: CommandLine) -> None:
    app.lazy_command("run", "osmodel.plugins.commands:run", order=10)
    app.lazy_command("demo", "osmodel.plugins.commands:demo", hidden=True)
    app.lazy_command("plugins", "osmodel.plugins.commands:list_plugins", order=1000)

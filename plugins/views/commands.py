"""Commands to see runs: ``timeline``, ``tree``, ``export``, ``compare`` and ``report``.

The ``views`` plugin (this package's ``__init__``) declares them by name, so
this module is imported only by the command that runs (or a listing of the
commands); the engines behind them (compare, the HTML page, the exporters)
are imported by the commands that use them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from osmodel.kernel.cli import AppState, fail, platform_option, time_option
from osmodel.kernel.errors import OsmodelError
from osmodel.kernel.report import build_report, structure_lines
from osmodel.kernel.scenario import Scenario
from osmodel.kernel.simulation import Simulation
from osmodel.plugins.commands import (
    SCENARIO_HELP,
    Format,
    check_or_fail,
    jsonl,
    load,
    perform,
    progress_if_terminal,
    text_width,
    write_or_fail,
)
from osmodel.plugins.output import Kind

from .intervals import cpu_intervals
from .timeline import gantt

if TYPE_CHECKING:
    from .compare import Run


class TreeFormat(StrEnum):
    text = "text"
    dot = "dot"


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    perfetto = "perfetto"
    dot = "dot"


def timeline_text(sim: Simulation, width: int) -> str:
    from .compare import Run, follow, lives_timeline

    kernel = sim.kernel
    events = sim.recorder.events
    run = Run(sim.platform, sim, build_report(sim))
    run.lives, run.keys = follow(run)
    lines = [f"osmodel timeline: {sim.scenario.title or sim.scenario.source} on {sim.platform}",
             "", "== states per process (one row per process, in order of creation)",
             *lives_timeline(run, width),
             "", "== what each CPU ran",
             *gantt(cpu_intervals(events, kernel.now), kernel.machine.cpus, kernel.now, width)]
    return "\n".join(lines)


def tree_text(sim: Simulation) -> str:
    kernel = sim.kernel
    structure = structure_lines(kernel)
    if not structure:
        report = build_report(sim)
        structure = [f"{p['pid']} {p['name']} ({p['state']})" for p in report["processes"]
                     if p["state"] != "terminated"]
    return "\n".join([f"osmodel tree at time {kernel.now} on {sim.platform}", *structure])


def live_report_processes(sim: Simulation) -> list[dict[str, object]]:
    """Processes whose record still exists at the end of the (possibly cut) run."""
    alive = set(sim.kernel.processes)
    return [p for p in build_report(sim)["processes"] if p["pid"] in alive]


def split_targets(state: AppState, items: Sequence[str],
                  option: str | None) -> tuple[list[str] | None, Path]:
    """``[PLATFORM]... SCENARIO`` or ``SCENARIO --platforms a,b``: the platforms and the file.

    The last argument is always the scenario, so ``osmodel compare unix xv6
    windows s.toml`` and ``osmodel compare s.toml --platforms unix,xv6,windows``
    mean the same.  None means "not given".  Every name must be installed.
    """
    *named, scenario = items
    if not Path(scenario).exists() and scenario in installed(state):
        raise fail(f"the last argument must be the scenario file; {scenario} is a platform")
    if named and option is not None:
        raise fail("name the platforms before SCENARIO or with --platforms, not both")
    names = named or ([n.strip() for n in option.split(",")] if option is not None else None)
    if names is None:
        return None, Path(scenario)
    if not all(names):
        raise fail(f"--platforms: an empty name in {option!r} (expected NAME,NAME,...)")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise fail(f"platform {repeated[0]} is named twice")
    check_platforms(state, names)
    return names, Path(scenario)


def installed(state: AppState) -> list[str]:
    from osmodel.kernel.boot import platforms

    try:
        return sorted(platforms(state.pm))
    except OsmodelError as error:
        raise fail(str(error)) from None


def check_platforms(state: AppState, names: Sequence[str]) -> None:
    known = installed(state)
    for name in names:
        if name not in known:
            raise fail(f"unknown platform {name!r}; installed: {', '.join(sorted(known))}")


def run_all(state: AppState, scenario: Scenario, names: Sequence[str], *,
            at: Sequence[int] | None, seed: int | None, progress: bool,
            end: bool) -> list[Run]:
    """Run the scenario on each platform; without ``at``, draw it at its fullest moment.

    Finding that moment takes a first run; the second, stopped there, is the
    same run (stopping changes nothing).  ``end`` also draws the last moment,
    and so does a run with nothing else to draw.
    """
    from .compare import RunFailed, execute, peak_time

    show = progress_if_terminal(progress)
    runs = []
    for name in names:
        try:
            times = list(at) if at is not None else []
            if at is None:
                peak = peak_time(execute(scenario, name, state.pm, seed=seed, progress=show))
                times = [peak] if peak is not None else []
            runs.append(execute(scenario, name, state.pm, at=times, end=end or not times,
                                seed=seed, progress=show))
        except RunFailed as error:
            raise fail(str(error)) from None
    return runs


def timeline(
    ctx: typer.Context,
    scenario: Path = typer.Argument(..., help=SCENARIO_HELP),
    platform: str | None = platform_option("Overrides the root one."),
    cpus: int | None = typer.Option(None, "--cpus", help="Number of CPUs."),
    scheduler: str | None = typer.Option(None, "--scheduler", metavar="NAME",
                                         help="Scheduling policy."),
    quantum: int | None = typer.Option(None, "--quantum", help="Scheduler quantum."),
    seed: int | None = typer.Option(None, "--seed", help="Seed for random choices."),
    width: int = typer.Option(60, "--width", min=10, max=1000, help="Columns of chart."),
) -> None:
    """Show each process's states over time and a Gantt chart per CPU."""
    state: AppState = ctx.obj
    sim = perform(state, load(scenario), platform=platform, cpus=cpus, scheduler=scheduler,
                  quantum=quantum, seed=seed)
    typer.echo(timeline_text(sim, width))


def tree(
    ctx: typer.Context,
    scenario: Path = typer.Argument(..., help=SCENARIO_HELP),
    platform: str | None = platform_option("Overrides the root one."),
    at: int | None = time_option(None, "--at", help="Simulated time to stop at."),
    fmt: TreeFormat = typer.Option(TreeFormat.text, "--format", help="text or dot."),
) -> None:
    """Draw how processes are arranged at a time: the tree, or the handle graph."""
    from .dot import process_graph

    state: AppState = ctx.obj
    sim = perform(state, load(scenario), platform=platform, until=at)
    if fmt is TreeFormat.dot:
        typer.echo(process_graph(live_report_processes(sim), sim.platform), nl=False)
    else:
        typer.echo(tree_text(sim))


def export(
    ctx: typer.Context,
    scenario: Path = typer.Argument(..., help=SCENARIO_HELP),
    to: ExportFormat = typer.Option(..., "--to", help="jsonl, perfetto or dot."),
    output: str = typer.Option(..., "-o", "--output", metavar="FILE",
                               help="The file to write ('-': stdout)."),
    platform: str | None = platform_option("Overrides the root one."),
    until: int | None = time_option(None, "--until", help="Stop at this simulated time."),
    old_at: int | None = typer.Option(None, "--at", hidden=True),
) -> None:
    """Write the run as JSON Lines, a Perfetto trace or a DOT graph (atomically)."""
    from .dot import process_graph
    from .perfetto import chrome_trace

    state: AppState = ctx.obj
    if old_at is not None:
        raise fail(f"--at {old_at}: export stops the run with --until T, as run does; --at T "
                   "is the time a view draws (tree, compare, report)")
    check_or_fail("-o", output)
    sim = perform(state, load(scenario), platform=platform, until=until)
    kernel = sim.kernel
    lines: Iterable[str]
    if to is ExportFormat.jsonl:
        lines = jsonl(sim.recorder.events)
    elif to is ExportFormat.perfetto:
        processes = [(p.pid, p.acct.created, p.name) for p in sim.processes()]
        lines = [json.dumps(chrome_trace(sim.recorder.events, processes,
                                         kernel.machine.cpus, kernel.now, sim.platform))]
    else:
        lines = [process_graph(live_report_processes(sim), sim.platform).rstrip("\n")]
    if write_or_fail("-o", output, lines).kind is not Kind.stream:
        typer.echo(f"wrote {output} ({to.value})")


def compare(
    ctx: typer.Context,
    items: list[str] = typer.Argument(..., metavar="[PLATFORM]... SCENARIO",
                                      help="Platforms to compare (or --platforms), then "
                                      "a scenario file (TOML) or gallery name."),
    platforms: str | None = typer.Option(
        None, "--platforms", metavar="NAME,NAME", help="Comma-separated platforms (default: "
        "every installed platform that states its rules for compare)."),
    at: int | None = time_option(None, "--at", help="Draw the structure at this "
                                  "time (default: when most processes existed)."),
    seed: int | None = typer.Option(None, "--seed", help="Seed for random choices."),
    width: int = typer.Option(40, "--width", min=10, max=1000,
                              help="Columns of each platform's timeline."),
    fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
    wide: bool = typer.Option(False, "--wide", help="Text: the drawings side by side and "
                              "no line broken, however wide (else they fit the width: the "
                              "terminal's, else COLUMNS, else 100)."),
) -> None:
    """Run one scenario on several platforms; show them side by side and what differed."""
    from .compare import compare_json, compare_text, default_platforms, differences, match

    state: AppState = ctx.obj
    if state.platform is not None:
        raise fail(f"compare runs several platforms: name them after compare or with "
                   f"--platforms, not with the root --platform {state.platform}")
    names, path = split_targets(state, items, platforms)
    names = names or default_platforms(state.pm)
    if len(names) < 2:
        raise fail(f"compare needs at least two platforms, got {', '.join(names)}")
    check_platforms(state, names)
    scenario = load(path)
    runs = run_all(state, scenario, names, at=None if at is None else [at], seed=seed,
                   progress=fmt is Format.text, end=False)
    subjects = match(runs, scenario.programs)
    found = differences(runs, subjects)
    if fmt is Format.json:
        typer.echo(json.dumps(compare_json(runs, subjects, found, scenario), indent=2))
    else:
        typer.echo(compare_text(runs, subjects, found, scenario, width,
                                fit=text_width(wide)))


def report(
    ctx: typer.Context,
    items: list[str] = typer.Argument(..., metavar="[PLATFORM]... SCENARIO",
                                      help="Platforms (or --platforms), then the "
                                      "scenario file (TOML) or gallery name."),
    output: str = typer.Option(..., "-o", "--output", metavar="FILE",
                               help="The HTML file to write ('-': stdout)."),
    platforms: str | None = typer.Option(
        None, "--platforms", metavar="NAME,NAME", help="Comma-separated platforms (default: the "
        "root --platform, else the scenario's, else every installed platform that states "
        "its rules for compare)."),
    at: list[int] = typer.Option([], "--at", min=0, metavar="TIME", help="Draw the structure "
                                 "at this time; repeatable (default: the fullest moment "
                                 "and the end)."),
    seed: int | None = typer.Option(None, "--seed", help="Seed for random choices."),
) -> None:
    """Write one self-contained HTML page: timelines, structures, tables, differences."""
    from .compare import default_platforms, differences, match
    from .html import html_report

    state: AppState = ctx.obj
    names, path = split_targets(state, items, platforms)
    check_or_fail("-o", output)
    scenario = load(path)
    if names is None:
        chosen = state.platform or scenario.platform
        names = [chosen] if chosen else default_platforms(state.pm)
        check_platforms(state, names)
    runs = run_all(state, scenario, names, at=at or None, seed=seed, progress=True,
                   end=not at)
    subjects = match(runs, scenario.programs)
    found = differences(runs, subjects)
    page = html_report(runs, subjects, found, scenario.title or str(path),
                       scenario.description)
    if write_or_fail("-o", output, [page]).kind is not Kind.stream:
        typer.echo(f"wrote {output} ({', '.join(names)})")

"""Commands to see a run: ``timeline``, ``tree`` and ``export``."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer

from osmodel.kernel import hookimpl
from osmodel.kernel.cli import AppState, fail
from osmodel.kernel.report import build_report
from osmodel.kernel.simulation import Simulation
from osmodel.plugins.commands import jsonl, load, perform, write_atomically

from .dot import process_graph
from .intervals import cpu_intervals, state_intervals
from .perfetto import chrome_trace
from .timeline import gantt, state_timeline


class TreeFormat(StrEnum):
    text = "text"
    dot = "dot"


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    perfetto = "perfetto"
    dot = "dot"


def names(sim: Simulation) -> dict[int, str]:
    return {p.pid: p.name for p in sim.processes()}


def timeline_text(sim: Simulation, width: int) -> str:
    kernel = sim.kernel
    events = sim.recorder.events
    lines = [f"osmodel timeline: {sim.scenario.title or sim.scenario.source} on {sim.platform}",
             "", "== states per process",
             *state_timeline(state_intervals(events, kernel.now), names(sim), kernel.now, width),
             "", "== what each CPU ran",
             *gantt(cpu_intervals(events, kernel.now), kernel.machine.cpus, kernel.now, width)]
    return "\n".join(lines)


def tree_text(sim: Simulation) -> str:
    kernel = sim.kernel
    structure = kernel.hook.osmodel_structure(kernel=kernel)
    if not structure:
        report = build_report(sim)
        structure = [f"{p['pid']} {p['name']} ({p['state']})" for p in report["processes"]
                     if p["state"] != "terminated"]
    return "\n".join([f"osmodel tree at time {kernel.now} on {sim.platform}", *structure])


def live_report_processes(sim: Simulation) -> list[dict[str, object]]:
    """Processes whose record still exists at the end of the (possibly cut) run."""
    alive = set(sim.kernel.processes)
    return [p for p in build_report(sim)["processes"] if p["pid"] in alive]


@hookimpl
def osmodel_commands(app: typer.Typer) -> None:
    @app.command()
    def timeline(
        ctx: typer.Context,
        scenario: Path = typer.Argument(..., help="The scenario file (TOML)."),
        platform: str | None = typer.Option(None, "--platform", help="Overrides the root one."),
        cpus: int | None = typer.Option(None, "--cpus", help="Number of CPUs."),
        width: int = typer.Option(60, "--width", min=10, max=1000, help="Columns of chart."),
    ) -> None:
        """Show each process's states over time and a Gantt chart per CPU."""
        state: AppState = ctx.obj
        sim = perform(state, load(scenario), platform=platform, cpus=cpus)
        typer.echo(timeline_text(sim, width))

    @app.command()
    def tree(
        ctx: typer.Context,
        scenario: Path = typer.Argument(..., help="The scenario file (TOML)."),
        platform: str | None = typer.Option(None, "--platform", help="Overrides the root one."),
        at: int | None = typer.Option(None, "--at", min=0, help="Simulated time to stop at."),
        fmt: TreeFormat = typer.Option(TreeFormat.text, "--format", help="text or dot."),
    ) -> None:
        """Draw how processes are arranged at a time: the tree, or the handle graph."""
        state: AppState = ctx.obj
        sim = perform(state, load(scenario), platform=platform, until=at)
        if fmt is TreeFormat.dot:
            typer.echo(process_graph(live_report_processes(sim), sim.platform), nl=False)
        else:
            typer.echo(tree_text(sim))

    @app.command()
    def export(
        ctx: typer.Context,
        scenario: Path = typer.Argument(..., help="The scenario file (TOML)."),
        to: ExportFormat = typer.Option(..., "--to", help="jsonl, perfetto or dot."),
        output: Path = typer.Option(..., "-o", "--output", help="The file to write."),
        platform: str | None = typer.Option(None, "--platform", help="Overrides the root one."),
        at: int | None = typer.Option(None, "--at", min=0, help="Simulated time to stop at."),
    ) -> None:
        """Write the run as JSON Lines, a Perfetto trace or a DOT graph (atomically)."""
        state: AppState = ctx.obj
        if not output.parent.exists():
            raise fail(f"-o: directory {output.parent} does not exist")
        sim = perform(state, load(scenario), platform=platform, until=at)
        kernel = sim.kernel
        if to is ExportFormat.jsonl:
            write_atomically(output, jsonl(sim.recorder.events))
        elif to is ExportFormat.perfetto:
            trace = chrome_trace(sim.recorder.events, names(sim), kernel.machine.cpus,
                                 kernel.now, sim.platform)
            write_atomically(output, [json.dumps(trace)])
        else:
            write_atomically(output, [process_graph(live_report_processes(sim),
                                                    sim.platform).rstrip("\n")])
        typer.echo(f"wrote {output} ({to.value})")

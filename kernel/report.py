"""The report of a run: one JSON-ready document, stable and documented in docs/json.md.

Text output is rendered from the same document, so what the text shows and
what ``--format json`` gives can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .guard import guarded
from .hookcalls import call, caller, collector, first
from .process import Process
from .simulation import Simulation
from .states import CORE_STATES

if TYPE_CHECKING:
    from .kernel import Kernel

SCHEMA_VERSION = 2


def _process(sim: Simulation, proc: Process, parent: Callable[..., Any],
             info: Callable[..., list[tuple[str, Any]]]) -> dict[str, Any]:
    kernel = sim.kernel
    acct = proc.acct
    entry: dict[str, Any] = {
        "pid": proc.pid,
        "name": proc.name,
        "program": proc.program.name,
        "state": proc.state.name,
        "textbook_state": proc.state.textbook,
        "cause": proc.cause,
        "creator": proc.creator,
        "parent": parent(kernel=kernel, process=proc),
        "exit": proc.exit.as_dict() if proc.exit is not None else None,
        "times": acct.as_dict(),
        "metrics": {
            "response": acct.response,
            "turnaround": acct.turnaround,
            "wait": acct.wait,
        },
    }
    for _, fields in info(kernel=kernel, process=proc):
        entry.update(fields)
    return entry


def structure_lines(kernel: Kernel) -> list[str]:
    """The platform's drawing of how processes are arranged now (``osmodel_structure``),
    checked, a failing plugin named; empty when no plugin draws."""
    lines = guarded(kernel, lambda: first(kernel.pm, "osmodel_structure", kernel=kernel))
    return list(lines or ())


def build_report(sim: Simulation) -> dict[str, Any]:
    """The whole run as plain data: platform, clock, processes, summary, output.

    Every plugin asked (``osmodel_parent``, ``osmodel_process_info``,
    ``osmodel_report``) is named if it fails or returns what its hook does not.
    """
    return guarded(sim.kernel, lambda: _build(sim))  # type: ignore[no-any-return]


def _build(sim: Simulation) -> dict[str, Any]:
    kernel = sim.kernel
    clock = kernel.now
    counters = kernel.counters
    watch = sim.watch
    textbook = {state.name: state.textbook for state in (*CORE_STATES, *kernel.platform.states)}
    parent = caller(kernel.pm, "osmodel_parent")
    info = collector(kernel.pm, "osmodel_process_info")
    processes = [_process(sim, p, parent, info) for p in sim.processes()]
    ended = counters.ended
    totals = {"response": (counters.response, counters.responded),
              "turnaround": (counters.turnaround, ended), "wait": (counters.wait, ended)}

    def average(key: str) -> float | None:
        total, count = totals[key]
        return round(total / count, 2) if count else None

    report: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "platform": sim.platform,
        "scenario": sim.scenario.title or sim.scenario.source,
        "seed": kernel.seed,
        "clock": clock,
        "stopped": kernel.stop_reason,
        "machine": {
            "cpus": kernel.machine.cpus,
            "scheduler": kernel.machine.scheduler,
            "scheduler_options": dict(kernel.machine.scheduler_options),
            "switch_cost": kernel.machine.switch_cost,
            "frames": kernel.machine.frames,
            "page_words": kernel.machine.page_words,
        },
        "processes": processes,
        "summary": {
            "processes_created": counters.created,
            "processes_ended": ended,
            "processes_unlisted": counters.unlisted,
            "context_switches": counters.switches,
            "preemptions": watch.preemptions,
            "preemption_reasons": dict(watch.preempted),
            "transitions": [{"from": old, "to": new, "count": count,
                             "textbook": [textbook.get(old, old), textbook.get(new, new)]}
                            for (old, new), count in watch.transitions.items()],
            "throughput": round(ended / clock, 4) if clock else None,
            "average": {k: average(k) for k in ("response", "turnaround", "wait")},
            "cpus": [
                {
                    "cpu": cpu.index,
                    "busy": cpu.busy,
                    "switching": cpu.switching,
                    "utilisation": round(cpu.busy / clock, 4) if clock else 0.0,
                    "switches": cpu.switches,
                }
                for cpu in kernel.cpus
            ],
            "io": {
                "requests": counters.io_requests,
                "busy": counters.io_busy,
                "utilisation": round(counters.io_busy / clock, 4) if clock else 0.0,
            },
            "memory": {**kernel.pool.stats.as_dict(), "frames_total": kernel.pool.capacity},
        },
        "output": [{"time": t, "pid": pid, "text": text} for t, pid, text in kernel.output],
    }
    call(kernel.pm, "osmodel_report", kernel=kernel, report=report)
    return report

"""The quiz's answers, read off an osmodel run: the arrangement and states at the asked
time, then what created each process and how it ended."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import frozen

from osmodel.kernel.manager import PluginManager
from osmodel.kernel.render import cell, table
from osmodel.kernel.report import build_report, structure_lines
from osmodel.kernel.scenario import loads_scenario
from osmodel.kernel.simulation import simulate

from .generate import Quiz

NOT_YET = "not created yet"
STILL_RUNNING = "still running at the end"


@frozen
class Fate:
    """What created one process of the quiz and how it ended."""

    name: str
    pid: int
    cause: str
    creator: str | None
    end: str


@frozen
class Answers:
    platform: str
    at: int
    #: The platform's own view of the arrangement at ``at`` (the tree; the process list).
    structure: tuple[str, ...]
    #: The quiz's processes by name -> their state at ``at``.
    states: tuple[tuple[str, str], ...]
    fates: tuple[Fate, ...]


def ending(exit: Mapping[str, Any] | None) -> str:
    """How a process ended, in the chapter's words."""
    if exit is None:
        return STILL_RUNNING
    kind, code, reason = exit["kind"], exit.get("code"), exit.get("reason") or ""
    if kind == "normal":
        return f"normal exit, code {code}"
    if kind == "error":
        return f"error exit, code {code}"
    detail = f"{reason}, " if reason and reason != "exit" else ""
    if kind == "fatal":
        return f"fatal error ({detail}code {code})"
    return f"killed ({detail}code {code})"


def handle_table(processes: list[Mapping[str, Any]], names: list[str]) -> list[str]:
    """Windows, at the asked time: each quiz process's recorded creator, whether that creator
    still runs, and the handles to it (``pid:handle``), from the report's handle lists."""
    order = {name: index for index, name in enumerate(names)}
    pids = {p["pid"]: p["name"] for p in processes}
    holders: dict[int, list[str]] = {}
    for proc in processes:
        for handle in proc.get("handles", ()):
            if handle.get("pid") is not None:
                holders.setdefault(handle["pid"], []).append(f"{proc['pid']}:{handle['handle']}")
    rows = [[p["name"], p["pid"], p["creator"], pids.get(p["creator"]) if p["creator_alive"]
             else "(ended; id may be reused)", cell(p["creator_alive"]),
             ", ".join(holders.get(p["pid"], ())) or None]
            for p in sorted(processes, key=lambda p: order.get(p["name"], len(order)))
            if p["name"] in order]
    return table(["NAME", "PID", "CREATOR PID", "CREATOR NOW", "ALIVE", "HANDLES TO IT"], rows)


def solve(quiz: Quiz, platform: str, pm: PluginManager) -> Answers:
    """Run the quiz's scenario on ``platform`` and read its answers."""
    names = [name for name, _ in quiz.programs]
    sim = simulate(loads_scenario(quiz.scenario(platform), source=f"<quiz {quiz.seed}>"),
                   pm=pm, until=quiz.at, record=False)
    try:
        then = build_report(sim)["processes"]
        structure = tuple(structure_lines(sim.kernel) if platform == "unix"
                          else handle_table(then, names))
        seen = {p["name"]: p["state"] for p in then if p["name"] in names}
        states = tuple((name, seen.get(name, NOT_YET)) for name in names)
        sim.run()
        report = build_report(sim)
    finally:
        sim.close()
    by_pid = {p["pid"]: p["name"] for p in report["processes"]}
    ours = {p["name"]: p for p in report["processes"] if p["name"] in names
            and p["cause"] != "boot"}
    fates = tuple(
        Fate(name, ours[name]["pid"], ours[name]["cause"], by_pid.get(ours[name]["creator"]),
             ending(ours[name]["exit"]))
        for name in names if name in ours)
    return Answers(platform, quiz.at, structure, states, fates)

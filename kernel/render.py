"""Plain-text renderings of a run: the trace, the process table and the summary.

Plain text with fixed columns, not terminal-width dependent, so the same run
prints the same bytes everywhere (and golden tests can pin it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .events import Event, StateWatch


def cell(value: Any) -> str:
    """A scalar as a person reads it, not as Python prints it: no value is ``-``, a flag is
    ``yes`` or ``no``, and a float never shows a negative zero."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(value + 0.0)  # -0.0 + 0.0 is 0.0
    return str(value)


def _value(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}={_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return cell(value)


def plural(count: int, noun: str) -> str:
    """``1 program``, ``2 programs``, ``2 processes``."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {noun}{'es' if noun.endswith('s') else 's'}"


def _registers(regs: Sequence[int]) -> str:
    shown = [f"r{i}={v}" for i, v in enumerate(regs) if v]
    return " ".join(shown) if shown else "all zero"


def describe_event(event: Event) -> str:
    """One event as a sentence-like line (without the time and pid columns)."""
    info = event.info
    kind = event.kind
    if kind == "create":
        by = f" by {info['creator']}" if info.get("creator") is not None else ""
        return f"create {info['name']} (cause {info['cause']}{by})"
    if kind == "state":
        return f"{info['old']} -> {info['new']} ({info['reason']})"
    if kind == "switch":
        head = f"context switch {info['old'] if info['old'] is not None else '-'} -> {event.pid}"
        if info.get("cost"):
            head += f" (costs {info['cost']} ticks)"
        saved = info.get("saved")
        if saved:
            head += (f"; saved pc={saved['pc']} sp={saved['sp']:#x} "
                     f"{_registers(saved['registers'])}"
                     f"; memory {', '.join(saved['memory']) or 'released'}"
                     f"; open {', '.join(saved['resources']) or 'nothing'}"
                     f"; cpu time {saved['accounting']['cpu']}")
        loaded = info["loaded"]
        return head + f"; loaded pc={loaded['pc']} sp={loaded['sp']:#x}"
    if kind == "exit":
        parts = [f"exit: {info['end']}"]
        if info.get("code") is not None:
            parts.append(f"code {info['code']}")
        if info.get("signal") is not None:
            parts.append(f"signal {info['signal']}")
        if info.get("reason"):
            parts.append(f"({info['reason']})")
        return " ".join(parts)
    if kind == "print":
        return f"prints: {info['text']}"
    if kind == "outside":
        shown = {k: v for k, v in info.items() if v not in (None, False, "", "event")}
        what = shown.pop("event", "event")
        return f"outside event: {what} " + " ".join(f"{k}={_value(v)}" for k, v in shown.items())
    rest = " ".join(f"{k}={_value(v)}" for k, v in info.items() if v is not None)
    return f"{kind} {rest}".rstrip()


def trace_lines(events: Iterable[Event]) -> list[str]:
    lines = [f"{'time':>6}  {'cpu':>3}  {'pid':>5}  event"]
    for event in events:
        cpu = "-" if event.cpu is None else str(event.cpu)
        pid = "-" if event.pid is None else str(event.pid)
        lines.append(f"{event.time:>6}  {cpu:>3}  {pid:>5}  {describe_event(event)}")
    return lines


def _exit_text(exit: Mapping[str, Any] | None) -> str:
    if exit is None:
        return "-"
    text = str(exit["kind"])
    if exit.get("code") is not None:
        text += f" {exit['code']}"
    if exit.get("reason") and exit["reason"] not in ("exit",):
        text += f" {exit['reason']}"
    return text


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]],
          left: int | None = None) -> list[str]:
    """Fixed-width columns of `cell` texts; columns from index ``left`` on are aligned
    right, as numbers are (None: every column aligned left)."""
    cells = [[str(h) for h in headers]] + [[cell(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    first_right = len(headers) if left is None else left
    return ["  ".join(c.ljust(w) if i < first_right else c.rjust(w)
                      for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip()
            for row in cells]


CORE_KEYS = {"pid", "name", "program", "state", "textbook_state", "cause", "creator",
             "parent", "exit", "times", "metrics"}


def platform_columns(processes: Sequence[Mapping[str, Any]]) -> list[str]:
    """The platforms' own scalar fields of the report's processes (ppid, pgid, exit_code ...),
    in the order they first appear: the extra columns of a process table."""
    extra: list[str] = []
    for proc in processes:
        for key, value in proc.items():
            if key not in CORE_KEYS and key not in extra and not isinstance(value, dict | list):
                extra.append(key)
    return extra


def process_table(report: Mapping[str, Any]) -> list[str]:
    processes = report["processes"]
    extra = platform_columns(processes)
    headers = ["PID", "NAME", "STATE", "CAUSE", "CREATOR", "PARENT", *[e.upper() for e in extra],
               "EXIT", "CPU", "RESPONSE", "TURNAROUND", "WAIT"]
    rows = [
        [p["pid"], p["name"], p["state"], p["cause"], p["creator"], p["parent"],
         *[p.get(e) for e in extra], _exit_text(p["exit"]), p["times"]["cpu"],
         p["metrics"]["response"], p["metrics"]["turnaround"], p["metrics"]["wait"]]
        for p in processes
    ]
    return table(headers, rows)


def summary_lines(report: Mapping[str, Any]) -> list[str]:
    summary = report["summary"]
    avg = summary["average"]
    memory = summary["memory"]
    io = summary["io"]
    lines = [
        f"clock {report['clock']} ticks on {report['machine']['cpus']} CPU(s), "
        f"scheduler {report['machine']['scheduler']}"
        + (f" {_value(report['machine']['scheduler_options'])}"
           if report["machine"]["scheduler_options"] else ""),
        f"processes: {summary['processes_created']} created, {summary['processes_ended']} ended;"
        f" context switches {summary['context_switches']}, preemptions {summary['preemptions']}",
        (f"averages over ended processes: response {cell(avg['response'])}, "
         f"turnaround {cell(avg['turnaround'])}, wait {cell(avg['wait'])}"
         if summary["processes_ended"] else "averages over ended processes: none has ended"),
    ]
    for cpu in summary["cpus"]:
        lines.append(f"cpu{cpu['cpu']}: busy {cpu['busy']} ticks "
                     f"({cpu['utilisation'] * 100:.1f}%), switching {cpu['switching']}, "
                     f"switches {cpu['switches']}")
    lines.append(f"io: {io['requests']} requests, busy {io['busy']} ticks "
                 f"({io['utilisation'] * 100:.1f}%)")
    lines.append(
        f"memory: {memory['frames_used']}/{memory['frames_total']} frames in use "
        f"(peak {memory['frames_peak']}); copy-on-write shares {memory['cow_shares']}, "
        f"faults {memory['cow_faults']}, pages copied {memory['pages_copied']}, "
        f"reused {memory['pages_reused']}, zero-filled {memory['zero_fills']}")
    if report.get("stopped"):
        lines.append(f"stopped: {report['stopped']}")
    return lines


def chapter_lines(report: Mapping[str, Any], watch: StateWatch) -> list[str]:
    """Where the textbook chapter's concepts showed up in this run, in its terms (``watch``
    watched the run's events: `Simulation.watch`)."""
    processes = report["processes"]
    programs: dict[str, int] = {}
    causes: dict[str, int] = {}
    ends: dict[str, int] = {}
    for proc in processes:
        programs[proc["program"]] = programs.get(proc["program"], 0) + 1
        causes[proc["cause"]] = causes.get(proc["cause"], 0) + 1
        if proc["exit"] is not None:
            ends[proc["exit"]["kind"]] = ends.get(proc["exit"]["kind"], 0) + 1
    states, most = watch.states, watch.most_running
    shared = [f"{name} x{count}" for name, count in sorted(programs.items()) if count > 1]
    cpus = report["machine"]["cpus"]
    memory = report["summary"]["memory"]

    def counts(found: Mapping[str, int], order: Sequence[str]) -> str:
        return ", ".join(f"{k} {found.get(k, 0)}" for k in order)

    return [
        f"program vs process: {plural(len(programs), 'program')} ran as "
        f"{plural(len(processes), 'process')}"
        + (f" (one program, many processes: {', '.join(shared)})" if shared else ""),
        "causes of creation: " + counts(causes, ("boot", "syscall", "user", "batch")),
        "ways to end: " + counts(ends, ("normal", "error", "fatal", "killed")),
        "states entered: " + ", ".join(states),
        f"context switches: {report['summary']['context_switches']}, each saving pc, sp, "
        "registers, memory map, open files, accounting and scheduling fields",
        ("one CPU: processes interleaved (concurrency)" if cpus == 1 else
         f"{cpus} CPUs: up to {most} processes ran at the same time (parallelism)"),
        f"address spaces: {memory['cow_shares']} copy-on-write shares, "
        f"{memory['cow_faults']} copy-on-write faults, {memory['pages_copied']} pages copied, "
        f"{memory['zero_fills']} zero-filled",
    ]

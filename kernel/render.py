"""Plain-text renderings of a run: the trace, the process table and the summary.

Plain text with fixed columns.  A width, where one is given, is the caller's
choice (the command line's: the terminal's, else ``COLUMNS``, else 100), never
read here, so the same run and width print the same bytes everywhere.
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
    return " ".join(shown) if shown else "registers all zero"


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
            head += (f"; saved to PCB {info['old']}: pc={saved['pc']} sp={saved['sp']:#x} "
                     f"{_registers(saved['registers'])}"
                     f"; memory {', '.join(saved['memory']) or 'released'}"
                     f"; open {', '.join(saved['resources']) or 'no files'}"
                     f"; cpu time {saved['accounting']['cpu']}")
        loaded = info["loaded"]
        return head + f"; loaded from PCB {event.pid}: pc={loaded['pc']} sp={loaded['sp']:#x}"
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


def wrap(head: str, text: str, width: int | None, indent: str | None = None) -> list[str]:
    """``head + text`` on one line, or, when that is wider than ``width``, ``text`` broken
    after its ``; `` parts (else at spaces), the lines after the first starting with
    ``indent`` (spaces as wide as ``head`` unless given).  ``width`` None never breaks; a
    word longer than the room is never cut."""
    if width is None or len(head) + len(text) <= width:
        return [head + text]
    indent = " " * len(head) if indent is None else indent
    room = max(width - max(len(head), len(indent)), 20)
    parts = text.split("; ")
    units: list[str] = []  # whole parts where they fit, else a part's words
    for n, part in enumerate(parts):
        part += ";" if n < len(parts) - 1 else ""
        units += [part] if len(part) <= room else part.split()
    lines = [units[0] if units else ""]
    for unit in units[1:]:
        if len(lines[-1]) + 1 + len(unit) <= room:
            lines[-1] += " " + unit
        else:
            lines.append(unit)
    return [head + lines[0], *(indent + line for line in lines[1:])]


#: What a context switch line says, printed above a trace that has one.
SWITCH_LEGEND = (
    "context switch A -> B: the CPU's state of process A is saved in A's PCB (its",
    "  process table entry), then B's is loaded from B's PCB. saved: pc and sp, the",
    "  registers that are not zero (r1=5); memory: each segment as NAME:0xPAGE+PAGES,",
    "  'shared' when its frames are shared with other processes (the text is",
    "  read-only, so every process of a program shares it; after fork the data is",
    "  shared copy-on-write), 'released' once the process has ended; open: its open",
    "  files or handles; cpu time: the ticks it has run so far.",
)


def trace_lines(events: Iterable[Event], width: int | None = None) -> list[str]:
    """The trace, one event a line (lines wider than ``width`` broken under the event),
    under a legend of the context-switch notation when a switch saved a process."""
    events = events if isinstance(events, Sequence) else list(events)
    lines = ([*SWITCH_LEGEND, ""]
             if any(e.kind == "switch" and e.info.get("saved") for e in events) else [])
    lines.append(f"{'time':>6}  {'cpu':>3}  {'pid':>5}  event")
    for event in events:
        cpu = "-" if event.cpu is None else str(event.cpu)
        pid = "-" if event.pid is None else str(event.pid)
        lines += wrap(f"{event.time:>6}  {cpu:>3}  {pid:>5}  ", describe_event(event), width)
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
          left: int | None = None, width: int | None = None) -> list[str]:
    """Fixed-width columns of `cell` texts; columns from index ``left`` on are aligned
    right, as numbers are (None: every column aligned left).

    A table wider than ``width`` is cut into blocks of whole columns, one under the
    other with a blank line between, each starting with the first column again (the
    row's key, as the PID is), so every row can still be read across.
    """
    cells = [[str(h) for h in headers]] + [[cell(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    first_right = len(headers) if left is None else left
    blocks: list[list[int]] = [[0]]
    for i in range(1, len(headers)):
        used = sum(widths[j] + 2 for j in blocks[-1])
        if width is not None and len(blocks[-1]) > 1 and used + widths[i] > width:
            blocks.append([0])
        blocks[-1].append(i)
    lines: list[str] = []
    for block in blocks:
        if lines:
            lines.append("")
        lines += ["  ".join(row[i].ljust(widths[i]) if i < first_right
                            else row[i].rjust(widths[i]) for i in block).rstrip()
                  for row in cells]
    return lines


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


def process_table(report: Mapping[str, Any], width: int | None = None) -> list[str]:
    """The process table: one row per PCB, the released ones included."""
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
    return table(headers, rows, width=width)


def _reasons(summary: Mapping[str, Any]) -> str:
    """`` (quantum expired 3, preempted 1)``: why the running processes were made ready."""
    reasons = summary.get("preemption_reasons") or {}
    return f" ({', '.join(f'{k} {v}' for k, v in reasons.items())})" if reasons else ""


#: The textbook's transitions of the three-state model, in its words.
TEXTBOOK_TRANSITIONS = (("ready", "running", "dispatched by the scheduler"),
                        ("running", "ready", "preempted: quantum expired, or a more urgent "
                                             "process"),
                        ("running", "blocked", "waits for I/O or an event"),
                        ("blocked", "ready", "its I/O or event is done"))


def transition_lines(summary: Mapping[str, Any]) -> list[str]:
    """How often each of the textbook's four transitions happened, then every transition in
    the platform's own state names (zombie, stopped ...) with its count."""
    counts: dict[tuple[str, str], int] = {}
    for entry in summary.get("transitions", ()):
        pair = (entry["textbook"][0], entry["textbook"][1])
        counts[pair] = counts.get(pair, 0) + entry["count"]
    rows = [(f"{old} -> {new}", str(counts.get((old, new), 0)), why)
            for old, new, why in TEXTBOOK_TRANSITIONS]
    name_width = max(len(name) for name, _, _ in rows)
    count_width = max(len(count) for _, count, _ in rows)
    every = ", ".join(f"{e['from']} -> {e['to']} {e['count']}"
                      for e in summary.get("transitions", ()))
    return ["the three states' four transitions:",
            *(f"  {name:<{name_width}}  {count:>{count_width}}  {why}"
              for name, count, why in rows),
            f"every transition, in this platform's states: {every or 'none'}"]


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
        f" context switches {summary['context_switches']}, "
        f"preemptions {summary['preemptions']}{_reasons(summary)}",
        (f"averages over ended processes: response {cell(avg['response'])}, "
         f"turnaround {cell(avg['turnaround'])}, wait {cell(avg['wait'])}"
         if summary["processes_ended"] else "averages over ended processes: none has ended"),
    ]
    unlisted = summary.get("processes_unlisted", 0)
    if unlisted:
        lines.append(f"{plural(unlisted, 'released process')} not listed: a run keeps only "
                     "the first ones it releases (the averages count every one)")
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
        *transition_lines(report["summary"]),
        f"context switches: {report['summary']['context_switches']}, each saving pc, sp, "
        "registers, memory map, open files, accounting and scheduling fields",
        ("one CPU: processes interleaved (concurrency)" if cpus == 1 else
         f"{cpus} CPUs: up to {most} processes ran at the same time (parallelism)"),
        f"address spaces: {memory['cow_shares']} copy-on-write shares, "
        f"{memory['cow_faults']} copy-on-write faults, {memory['pages_copied']} pages copied, "
        f"{memory['zero_fills']} zero-filled" + _cow_origin(memory),
    ]


def _cow_origin(memory: Mapping[str, Any]) -> str:
    """Why there are copy-on-write faults where no creation shared a page (a Windows
    FILE_MAP_COPY view, a MAP_PRIVATE mapping of a shared object)."""
    if memory["cow_faults"] and not memory["cow_shares"]:
        return ("; no process creation shared pages here: the faults are writes to "
                "copy-on-write mappings a program made")
    return ""

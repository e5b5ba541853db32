"""What ``osmodel schedule`` prints: the question, the answers as text, and the JSON.

Plain text with fixed columns, so the same run prints the same bytes
everywhere.  Averages and percentages are exact fractions rounded half up
at the end (8/3 prints 2.67 whatever binary floats would do).
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from json.encoder import encode_basestring_ascii
from typing import Any, NamedTuple

from osmodel.kernel.render import table
from osmodel.plugins.views.timeline import axis, row_cells

from .engine import Outcome, Setup, Slices, Tick, fixed, percent, run_order
from .workload import Job, Workload

DEFINITIONS = [
    "response = first run - arrival; turnaround = finish - arrival;",
    "wait = time ready but not running (arrived, not blocked on I/O, not on a CPU)",
]
#: One character per job in the Gantt chart: 0-9, then A-Z, then a-z (then again).
JOB_SYMBOLS = string.digits + string.ascii_uppercase + string.ascii_lowercase
SWITCHING = "*"
IDLE = "."
#: Above this many slices the run order is not written out (the JSON has every slice).
MAX_ORDER = 60
#: Above this many slices the JSON's gantt and the chart's cells do not replay every
#: slice (``--trace`` streams them all).
MAX_GANTT = 100_000


def symbol(job: int) -> str:
    return JOB_SYMBOLS[job % len(JOB_SYMBOLS)]


def plural(count: int, noun: str) -> str:
    if count == 1:
        return f"1 {noun}"
    return f"{count} {noun}{'es' if noun.endswith('s') else 's'}"


def describe(setup: Setup, count: int, noun: str, seed: int | None = None) -> str:
    options = ", ".join(f"{key}={value}" for key, value in setup.options)
    text = (f"{plural(count, noun)}, policy {setup.policy}"
            f"{f' ({options})' if options else ''}, {plural(setup.cpus, 'CPU')}")
    if setup.switch_cost:
        text += f", switch cost {setup.switch_cost}"
    if seed is not None:
        text += f", seed {seed}"
    return text


# ------------------------------------------------------------------------- questions


def job_question(workload: Workload, setup: Setup, seed: int | None) -> list[str]:
    lines = [f"osmodel schedule quiz: {describe(setup, len(workload.jobs), 'job', seed)}", ""]
    costs = (setup.io_issue_cost, setup.io_done_cost)
    lines += table(["job", "length", "arrival"],
                     [[j.index, j.demand(*costs), j.arrival] for j in workload.jobs], left=0)
    lines += ["", "Work out each job's response, turnaround and wait, and their averages,",
              "and draw what each CPU runs when (a Gantt chart).",
              "Run the same command with --solve for the answers."]
    return lines


def steps_text(job: Job) -> str:
    parts = [f"compute {s.ticks}" if s.kind == "cpu" else f"I/O {s.ticks}" for s in job.steps]
    return ", ".join(parts)


def process_question(workload: Workload, setup: Setup, seed: int | None) -> list[str]:
    lines = [f"osmodel schedule quiz: {describe(setup, len(workload.jobs), 'process', seed)}",
             ""]
    for job in workload.jobs:
        arrival = f" (arrives at {job.arrival})" if job.arrival else ""
        lines.append(f"P{job.index}: {job.text}{arrival}: {steps_text(job)}")
    lines += ["", *io_model(setup), *behaviour(setup), "",
              "Work out what each process does at every tick, the total time, and how busy",
              "the CPU and the I/O device are.",
              "Run the same command with --solve for the answers."]
    return lines


def io_model(setup: Setup) -> list[str]:
    return [f"An I/O takes {plural(setup.io_issue_cost, 'CPU tick')} to issue; the process is "
            "then blocked",
            f"for the I/O's length; completing it takes {plural(setup.io_done_cost, 'CPU tick')}."]


def behaviour(setup: Setup) -> list[str]:
    options = dict(setup.options)
    if setup.policy != "cyclic":
        return []
    switch = options.get("switch", "on-io")
    io_done = options.get("io_done", "later")
    return [
        "The CPU switches to another process when the running one "
        + ("ends or issues an I/O." if switch == "on-io" else "ends (it waits through I/O)."),
        "A process whose I/O completes "
        + ("runs at once, preempting the running one." if io_done == "immediate"
           else "waits its turn."),
    ]


# --------------------------------------------------------------------------- answers


def job_table(outcome: Outcome) -> list[str]:
    mixed = outcome.workload.mixed
    headers = ["job", *(["program"] if mixed else []), "length", "arrival", "first run",
               "finish", "response", "turnaround", "wait", *(["blocked"] if mixed else [])]
    rows: list[list[object]] = []
    for result in outcome.jobs:
        program = [outcome.workload.jobs[result.job].text] if mixed else []
        rows.append([f"{'P' if mixed else ''}{result.job}", *program, result.length,
                     result.arrival, result.first_run, result.finish, result.response,
                     result.turnaround, result.wait, *([result.blocked] if mixed else [])])
    blank = [""] * (5 if mixed else 4)
    rows.append(["average", *blank, *(fixed(outcome.average(m))
                                      for m in ("response", "turnaround", "wait")),
                 *([""] if mixed else [])])
    return table(headers, rows, left=2 if mixed else 1)


def order_line(slices: Slices, mixed: bool) -> str:
    prefix = "P" if mixed else ""
    count = slices.runs()
    if count > MAX_ORDER:
        return (f"run order: {count} slices (--format json lists them all"
                f"{'' if count <= MAX_GANTT else '; --trace writes them'})")
    return "run order: " + ", ".join(f"{prefix}{job}" for job in run_order(slices))


def machine_lines(outcome: Outcome) -> list[str]:
    elapsed = outcome.elapsed
    lines = []
    for cpu, busy in enumerate(outcome.busy):
        text = f"cpu{cpu}: busy {busy} of {elapsed} ticks ({fixed(percent(busy, elapsed))}%)"
        if outcome.switching[cpu]:
            text += f", switching {outcome.switching[cpu]}"
        lines.append(text)
    return lines


def parallel_line(outcome: Outcome, noun: str = "job") -> str:
    many = plural(2, noun)[2:]
    if outcome.setup.cpus == 1:
        return (f"parallel: none: one CPU runs one {noun} at a time, so the {many} took "
                "turns (concurrency)")
    levels = outcome.overlap()
    most = max((k for k, ticks in levels.items() if ticks), default=0)
    spans = [f"{k} for {levels[k]}" for k in sorted(levels, reverse=True) if levels[k]]
    if spans:
        spans[0] += " tick" if spans[0].endswith(" 1") else " ticks"
    average = Fraction(sum(outcome.busy), outcome.elapsed) if outcome.elapsed else Fraction(0)
    return (f"parallel: up to {most} {many} at once (parallelism): {', '.join(spans)}; "
            f"{fixed(average)} on average")


def gantt_lines(outcome: Outcome, width: int) -> list[str]:
    """One row per CPU, drawn with the timeline view's cells and axis.

    Up to `MAX_GANTT` slices a cell shows the job that ran longest in its
    column; above that (a cell then spans thousands of slices) the job
    running at the column's middle tick, found without replaying the run.
    """
    clock = outcome.elapsed
    if not clock:
        return []
    step = max(1, -(-clock // width))
    sampled = outcome.slices.runs() > MAX_GANTT
    lines = [f"gantt: one column = {step} tick{'s' if step > 1 else ''}; each cell shows the "
             + ("job running at its middle tick" if sampled else "job that ran")
             + (" (job 10 is A, 36 is a)" if len(outcome.jobs) > 10 else "")
             + f"; {IDLE} idle"
             + (f", {SWITCHING} switching" if outcome.setup.switch_cost else ""),
             f"{'':<5} {axis(clock, width)}".rstrip()]
    if sampled:
        columns = -(-clock // step)
        middles = [min(clock - 1, column * step + step // 2) for column in range(columns)]
        for cpu in range(outcome.setup.cpus):
            cells = "".join(IDLE if who is False else SWITCHING if who is None
                            else symbol(who)
                            for who in outcome.slices.who_at(cpu, middles))
            lines.append(f"cpu{cpu:<2} {cells}")
        return lines
    rows: list[list[Cell]] = [[] for _ in range(outcome.setup.cpus)]
    for s in outcome.slices:
        if s.end > s.start:
            rows[s.cpu].append(Cell(SWITCHING if s.job is None else symbol(s.job),
                                    s.start, s.end))
    chars = {c: c for c in (SWITCHING, *JOB_SYMBOLS)}
    for cpu, row in enumerate(rows):
        cells = row_cells(row, clock, width, chars)
        lines.append(f"cpu{cpu:<2} {cells.replace(' ', IDLE)}")
    return lines


class Cell(NamedTuple):
    """A slice as the chart draws it: lighter than an `Interval`, as there may be many."""

    what: str
    start: int
    end: int


def tick_lines(outcome: Outcome) -> list[str]:
    jobs = outcome.workload.jobs
    headers = ["tick", *(f"P{job.index}" for job in jobs), "CPU", "IOs"]
    rows = [[f"{t.tick}{'*' if t.io_done else ''}", *(s or "-" for s in t.states),
             t.cpu or "", t.io or ""] for t in outcome.ticks]
    lines = table(headers, rows, left=1 + len(jobs))
    if any(t.io_done for t in outcome.ticks):
        lines.append("* an I/O completed as this tick began")
    return lines


def totals(outcome: Outcome) -> dict[str, Any]:
    elapsed = outcome.elapsed
    busy = sum(outcome.busy)
    return {"time": elapsed, "cpu_busy": busy,
            "cpu_percent": float(fixed(percent(busy, elapsed * outcome.setup.cpus))),
            "io_busy": outcome.io_busy,
            "io_percent": float(fixed(percent(outcome.io_busy, elapsed)))}


def total_lines(outcome: Outcome) -> list[str]:
    t = totals(outcome)
    cpus = outcome.setup.cpus
    capacity = f" of {cpus} x {t['time']}" if cpus > 1 else ""
    return [f"total time {t['time']} ticks",
            f"CPU busy {t['cpu_busy']}{capacity} ticks ({t['cpu_percent']:.2f}%)",
            f"I/O busy {t['io_busy']} ticks ({t['io_percent']:.2f}%)"]


def answer_lines(outcome: Outcome, width: int, seed: int | None) -> list[str]:
    workload = outcome.workload
    mixed = workload.mixed
    noun = "process" if mixed else "job"
    lines = [f"osmodel schedule: {describe(outcome.setup, len(workload.jobs), noun, seed)}"]
    if mixed:
        lines += ["", *io_model(outcome.setup), *behaviour(outcome.setup),
                  "", *tick_lines(outcome), "", *total_lines(outcome)]
    lines += ["", *job_table(outcome), "", order_line(outcome.slices, mixed),
              f"elapsed {outcome.elapsed} ticks; throughput {plural(len(outcome.jobs), noun)} "
              f"in {outcome.elapsed} ticks; context switches {outcome.switches}",
              *machine_lines(outcome), parallel_line(outcome, noun)]
    if not mixed:
        lines += ["", *gantt_lines(outcome, width)]
    lines += ["", *DEFINITIONS]
    return lines


# ------------------------------------------------------------------------------ JSON


def question_json(workload: Workload, setup: Setup, seed: int | None) -> dict[str, Any]:
    doc: dict[str, Any] = {"policy": setup.policy, "options": dict(setup.options),
                           "cpus": setup.cpus, "switch_cost": setup.switch_cost, "seed": seed,
                           "solved": False}
    if workload.mixed:
        doc["programs"] = [job.text for job in workload.jobs]
    costs = (setup.io_issue_cost, setup.io_done_cost)
    doc["jobs"] = [{"job": j.index, "length": j.demand(*costs), "arrival": j.arrival}
                   for j in workload.jobs]
    return doc


def answer_json(outcome: Outcome, seed: int | None) -> dict[str, Any]:
    setup, elapsed = outcome.setup, outcome.elapsed
    doc: dict[str, Any] = {
        "policy": setup.policy,
        "jobs": [{"job": r.job, "length": r.length, "arrival": r.arrival,
                  "response": r.first_run - r.arrival, "turnaround": r.finish - r.arrival,
                  "wait": r.wait, "finish": r.finish} for r in outcome.jobs],
        "average": {m: float(fixed(outcome.average(m)))
                    for m in ("response", "turnaround", "wait")},
        "options": dict(setup.options),
        "cpus": setup.cpus,
        "switch_cost": setup.switch_cost,
        "seed": seed,
        "solved": True,
        "elapsed": elapsed,
        "throughput": float(fixed(Fraction(len(outcome.jobs), elapsed) if elapsed
                                  else Fraction(0), 6)),
        "context_switches": outcome.switches,
        "utilisation": [float(fixed(percent(b, elapsed) / 100, 4)) for b in outcome.busy],
        "busy": list(outcome.busy),
        "switching": list(outcome.switching),
        "parallel": {str(k): v for k, v in sorted(outcome.overlap().items())},
        "slices": outcome.slices.runs(),
        "gantt": None if outcome.slices.runs() > MAX_GANTT else
        ({"cpu": s.cpu, "job": s.job, "start": s.start, "end": s.end} for s in outcome.slices),
    }
    if outcome.workload.mixed:
        doc["programs"] = [job.text for job in outcome.workload.jobs]
        doc["blocked"] = [r.blocked for r in outcome.jobs]
        doc["ticks"] = TickRows(outcome.ticks)
        doc["totals"] = totals(outcome)
    return doc


def json_chunks(doc: dict[str, Any]) -> Iterator[str]:
    """``doc`` as indented JSON, streamed, with every item of a long list (the ``gantt``
    and ``ticks`` streams, given as iterators) on one line of its own.

    A run of a million slices is then written as it is read from the run log,
    never held as one string, and at the speed of the C encoder.  A list of
    flat records (the ``jobs``) is written as ``json.dumps(indent=2)`` writes it,
    byte for byte, without its pure-Python indenting encoder.
    """
    streams = {key: value for key, value in doc.items() if isinstance(value, Iterator)}
    records = {key: value for key, value in doc.items()
               if key not in streams and _flat_records(value)}
    marks = {key: f"@@{key}@@" for key in doc if key in streams or key in records}
    text = json.dumps({key: marks.get(key, value) for key, value in doc.items()}, indent=2)
    for key in marks:
        head, text = text.split(f'"{marks[key]}"', 1)
        yield head
        if key in records:
            yield from _records_text(records[key])
            continue
        items = streams[key]
        if isinstance(items, TickRows):
            yield from items.json_text()
            continue
        first = next(items, None)
        if first is None:
            yield "[]"
            continue
        line = _one_line(first)
        lines = ["[\n    " + line(first)]
        for item in items:
            lines.append(",\n    " + line(item))
            if len(lines) >= 4096:  # a chunk per few thousand items: few writes, little held
                yield "".join(lines)
                lines.clear()
        lines.append("\n  ]")
        yield "".join(lines)
    yield text


class TickRows(Iterator[dict[str, Any]]):
    """The ``ticks`` of the JSON answer: each row as a dict when iterated, and written by
    `json_chunks` straight from the table (the same text, without a dict per row)."""

    def __init__(self, ticks: Sequence[Tick]) -> None:
        self.ticks = ticks
        self._rows = iter(ticks)

    def __next__(self) -> dict[str, Any]:
        t = next(self._rows)
        return {"tick": t.tick, "states": list(t.states), "cpu": t.cpu, "io": t.io,
                "io_done": t.io_done}

    def json_text(self) -> Iterator[str]:
        """The list as `json_chunks` writes a stream: an item a line, in chunks."""
        encoded = _Encoded()
        last: tuple[str, ...] | None = None
        states = ""
        lines: list[str] = []
        separator = "[\n    "
        for t in self._rows:
            if t.states != last:  # neighbouring rows often differ only in their tick
                last = t.states
                states = ", ".join(map(encoded.__getitem__, last))
            lines.append(f'{separator}{{"tick": {t.tick}, "states": [{states}], '
                         f'"cpu": {t.cpu}, "io": {t.io}, '
                         f'"io_done": {"true" if t.io_done else "false"}}}')
            separator = ",\n    "
            if len(lines) >= 4096:
                yield "".join(lines)
                lines.clear()
        yield "".join(lines) + ("\n  ]" if separator != "[\n    " else "[]")


class _Encoded(dict[str, str]):
    """A state's JSON text, worked out once per distinct state."""

    def __missing__(self, key: str) -> str:
        value = self[key] = json.dumps(key)
        return value


def _one_line(first: Any) -> Callable[[Any], str]:
    """``json.dumps`` for the items of a stream like ``first``, faster: a dict with the same
    keys whose values have the same types as ``first``'s (ints, strings, booleans, None,
    lists of strings) is one %-format of the encoder's own text for each value; anything
    else goes to the encoder."""
    dumps = json.dumps
    if first.__class__ is not dict or not first or not all(k.__class__ is str for k in first):
        return dumps
    keys = list(first)
    types = tuple(map(type, first.values()))
    if not set(types) <= _FAST_TYPES:
        return dumps
    template = "{" + ", ".join(dumps(key).replace("%", "%%") + ": %s" for key in keys) + "}"
    text = encode_basestring_ascii
    words = {True: "true", False: "false", None: "null"}

    def one(value: Any) -> str:
        kind = value.__class__
        if kind is int:
            return str(value)
        if kind is str:
            return text(value)
        if kind is list and set(map(type, value)) <= _STR:
            return "[" + ", ".join(map(text, value)) + "]"
        return words[value] if kind is bool or value is None else dumps(value)

    integers = all(kind is int for kind in types)  # a job's row: %s of an int is str(int)

    def line(item: Any) -> str:
        if item.__class__ is dict and list(item) == keys:
            values = tuple(item.values())
            if tuple(map(type, values)) == types:
                return template % (values if integers else tuple(map(one, values)))
        return dumps(item)

    return line


_FAST_TYPES = {int, str, bool, type(None), list}
_STR = {str}


def _flat_records(value: Any) -> bool:
    """A non-empty list whose first item is a non-empty dict: written by `_records_text`."""
    return (isinstance(value, list) and bool(value) and isinstance(value[0], dict)
            and bool(value[0]) and all(isinstance(key, str) for key in value[0]))


def _records_text(rows: list[Any]) -> Iterator[str]:
    """The list as a top-level key's value under ``indent=2``, byte for byte: a record of
    scalars with the first one's keys is formatted here (ints by ``str``, which is what
    the encoder writes); anything else by the encoder, indented one level deeper."""
    keys = list(rows[0])
    openers = ["{\n      " + json.dumps(keys[0]) + ": ",
               *(",\n      " + json.dumps(key) + ": " for key in keys[1:])]
    dumps = json.dumps
    plain = (str, float, bool, type(None))
    # the common case, a record of ints only, is one %-format (ints print as the encoder's)
    template = "".join(opener.replace("%", "%%") + "%s" for opener in openers) + "\n    }"
    ints = (int,) * len(keys)
    parts = ["["]
    separator = "\n    "
    for row in rows:
        parts.append(separator)
        separator = ",\n    "
        mark = len(parts)
        if row.__class__ is dict and list(row) == keys:
            values = tuple(row.values())
            if tuple(map(type, values)) == ints:
                parts.append(template % values)
                continue
            for opener, value in zip(openers, row.values(), strict=True):
                parts.append(opener)
                if value.__class__ is int:
                    parts.append(str(value))
                elif value.__class__ in plain:
                    parts.append(dumps(value))
                else:  # a nested value: the encoder's own text for the whole record
                    del parts[mark:]
                    break
            else:
                parts.append("\n    }")
                continue
        parts.append(dumps(row, indent=2).replace("\n", "\n    "))
        if len(parts) >= 16384:
            yield "".join(parts)
            parts.clear()
    parts.append("\n  ]")
    yield "".join(parts)

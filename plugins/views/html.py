"""One self-contained HTML page for one or several runs of a scenario.

Everything is inline (CSS, a few lines of JavaScript, SVG drawings) and a
Content-Security-Policy forbids loading anything else, so the page opens
offline and anything that tried to fetch would be blocked and reported in the
browser's console (the browser test checks the console is empty).  All text
from scenarios and plugins goes through ``html.escape``.  No clock or random
value is written, so the same runs give the same bytes.

The page's size is bounded whatever the run: a timeline draws at most
``MAX_BARS`` bars (above, it is sampled: each row shows what held at the
middle tick of each column) and every list shows at most ``MAX_ROWS`` rows,
each time with a visible note saying what was left out and where to find it
all.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

from osmodel.kernel.render import chapter_lines, platform_columns, summary_lines

from .compare import Difference, Life, Run, Snapshot, by_life, end_text, subjects_of
from .intervals import Interval, cpu_intervals, state_intervals

#: Fill colours of the states every platform shares; a platform's own state gets
#: one of PALETTE, chosen from its name, so it is the same on every page.
STATE_COLOURS = {"running": "#2e7d32", "ready": "#f2b01e", "blocked": "#4a7fc1",
                 "new": "#9e9e9e", "zombie": "#8e44ad", "stopped": "#c0392b",
                 "terminated": "#c8c8c8"}
PALETTE = ("#00897b", "#6d4c41", "#d81b60", "#5e35b1", "#7cb342", "#fb8c00", "#546e7a",
           "#3949ab", "#c0ca33", "#8d6e63")
#: The most bars (state and CPU intervals) one run's timeline draws.  Above it the
#: chart is sampled, as ``osmodel schedule`` samples its Gantt above MAX_GANTT slices:
#: each row shows what held at the middle tick of each column, equal neighbours merged.
MAX_BARS = 20_000
#: The most rows a list shows per run: processes in the timeline and in the table,
#: boxes in a drawing and lines of the platform's own drawing, lines the programs
#: printed, timeline events, and (side by side) processes and differences.
MAX_ROWS = 500
#: The fewest columns of a sampled timeline: MAX_ROWS processes and the machine's
#: 1,024 CPUs at most, times this, stay under MAX_BARS.
MIN_COLUMNS = 10
CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "img-src data:")

CSS = """
:root { --fg: #1d1d1f; --muted: #5f6368; --line: #d0d4d9; --bg: #fff; --hl: #ffe082; }
* { box-sizing: border-box; }
body { margin: 0; padding: 1.5rem; font: 14px/1.45 system-ui, -apple-system, "Segoe UI",
       Roboto, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 1.5rem; margin: 0 0 .3rem; } h2 { font-size: 1.2rem; margin: 1.6rem 0 .5rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
.muted, .rule { color: var(--muted); } .rule { font-size: .9em; margin: .1rem 0 .6rem; }
pre, code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
       font-size: 12px; }
pre { background: #f6f8fa; padding: .6rem; overflow-x: auto; border-radius: 4px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: .4rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .2rem .6rem; text-align: left;
       white-space: nowrap; vertical-align: top; }
th { background: #f1f3f4; font-weight: 600; }
tr.hl td, .hl { background: var(--hl); }
svg .hl { stroke: #000; stroke-width: 1.5; }
.runs { display: grid; gap: 2rem; grid-template-columns: repeat(var(--columns), minmax(0, 1fr)); }
.run { min-width: 0; }
.legend span { display: inline-block; margin-right: .9rem; }
.legend i { display: inline-block; width: .9em; height: .9em; margin-right: .3em;
       vertical-align: -.1em; border-radius: 2px; }
ol.differences li { margin-bottom: .3rem; }
svg text { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
       font-size: 11px; }
details summary { cursor: pointer; color: var(--muted); }
.note { background: #fff4e5; border-left: 3px solid #fb8c00; padding: .3rem .6rem; }
"""

SCRIPT = """
(function () {
  "use strict";
  var root = document.documentElement;
  function mark(section, proc, on) {
    var found = section.querySelectorAll('[data-proc="' + proc + '"]');
    for (var i = 0; i < found.length; i++) { found[i].classList.toggle("hl", on); }
  }
  var runs = document.querySelectorAll("[data-run]");
  for (var r = 0; r < runs.length; r++) {
    (function (section) {
      function handler(on) {
        return function (event) {
          var item = event.target.closest("[data-proc]");
          if (item) { mark(section, item.getAttribute("data-proc"), on); }
        };
      }
      section.addEventListener("mouseover", handler(true));
      section.addEventListener("mouseout", handler(false));
    })(runs[r]);
  }
  var rows = document.querySelectorAll("tr[data-proc]").length;
  root.setAttribute("data-osmodel-ready", String(rows));
})();
"""


def e(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape(str(value), quote=True)


def state_colour(state: str) -> str:
    """A fixed colour per state name, so a state looks the same in every report."""
    if state in STATE_COLOURS:
        return STATE_COLOURS[state]
    return PALETTE[sum(map(ord, state)) % len(PALETTE)]


def _num(value: float) -> str:
    """Coordinates with at most two decimals, always written the same way."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def _tick_step(clock: int, most: int = 10) -> int:
    """A round tick interval (1, 2, 5, 10, 20 ...) giving at most ``most`` ticks."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if clock / (step * factor) <= most:
                return step * factor
        step *= 10


def life_of(run: Run) -> dict[int, Life]:
    """Each report entry's life, by the entry's identity (pids are reused)."""
    return {id(life.entry): life for life in run.lives if life.entry}


# --------------------------------------------------------------------------- SVG


Bar = tuple[Interval, int, int]  # an interval, drawn from a start to an end


def sampled(intervals: Sequence[Interval], clock: int, columns: int,
            key: Callable[[Interval], Hashable]) -> list[Bar]:
    """The interval holding at each column's middle tick, drawn over the whole column;
    neighbouring columns whose intervals have the same ``key`` make one bar.

    ``intervals`` are one row's, sorted and not overlapping, so one pass finds them.
    """
    bars: list[Bar] = []
    at = 0
    for column in range(columns):
        start, end = column * clock // columns, (column + 1) * clock // columns
        middle = (start + end) // 2
        while at < len(intervals) and intervals[at].end <= middle:
            at += 1
        if start == end or at == len(intervals) or intervals[at].start > middle:
            continue
        hit = intervals[at]
        if bars and bars[-1][2] == start and key(bars[-1][0]) == key(hit):
            bars[-1] = (bars[-1][0], bars[-1][1], end)
        else:
            bars.append((hit, start, end))
    return bars


def note(text: str) -> str:
    return f'<p class="note">{e(text)}</p>'


def cut_note(shown: int, count: int, what: str, where: str) -> str:
    """The note under a list cut to its first ``shown`` rows; empty when nothing was cut."""
    if count <= shown:
        return ""
    return note(f"The first {shown:,} of {count:,} {what} are shown here (at most "
                f"{MAX_ROWS:,} a list); {where}.")


def timeline_svg(run: Run, clock: int | None = None,
                 states: Sequence[Interval] | None = None) -> str:
    """States per process and what each CPU ran, with outside events as dashed lines.

    ``clock`` is the axis's end: the longest run's, so side-by-side charts share a scale.
    ``states`` are ``states_of(run)``, if already known.  Above MAX_BARS bars, each row
    is sampled.
    """
    events = run.sim.recorder.events
    clock = max(clock or run.sim.kernel.now, 1)
    lives = run.lives[:MAX_ROWS]
    # intervals go to lives by pid and time, so every life takes part (pids are reused)
    rows = by_life(states_of(run) if states is None else states, run.lives, lambda i: i.who)
    cpus = cpu_intervals(events, run.sim.kernel.now)
    running = by_life(cpus, run.lives, lambda i: int(i.what))
    owner = {(i.who, i.start): index for index, ivs in running.items() for i in ivs}
    label_w = 12 + 7 * max([len(f"{life.pid} {life.name}") for life in lives] + [6])
    chart_w, row_h, top = 760, 18, 24
    ncpu = run.sim.kernel.machine.cpus
    per_cpu: list[list[Interval]] = [[] for _ in range(ncpu)]
    for interval in cpus:
        per_cpu[interval.who].append(interval)
    count = sum(len(rows.get(life.index, ())) for life in lives) + len(cpus)
    columns = (max(MIN_COLUMNS, min(chart_w, MAX_BARS // (len(lives) + ncpu)))
               if count > MAX_BARS else None)

    def bars(intervals: Sequence[Interval], key: Callable[[Interval], Hashable]) -> list[Bar]:
        if columns is None:
            return [(i, i.start, i.end) for i in intervals]
        return sampled(intervals, clock, columns, key)

    outside = [event for event in events
               if event.kind == "outside" and "result" not in event.info]
    height = top + row_h * (len(lives) + ncpu + 1) + 8
    width = label_w + chart_w + 10
    scale = chart_w / clock
    sampling = " (sampled)" if columns is not None else ""

    def x(t: int) -> str:
        return _num(label_w + t * scale)

    out = []
    if columns is not None:
        out.append(note(
            f"This run has {count:,} bars, more than a timeline draws ({MAX_BARS:,}): each "
            f"row shows what held at the middle tick of each of {columns} columns "
            f"(one column = about {-(-clock // columns):,} ticks), so short states may not "
            "show. `osmodel export --to perfetto` has every interval."))
    out.append(cut_note(len(lives), len(run.lives), "processes", "`osmodel run --format "
                        "json` lists them all"))
    out.append(cut_note(MAX_ROWS, len(outside), "timeline events", "the scenario lists them "
                        "all"))
    out.append(f'<svg class="timeline" viewBox="0 0 {width} {height}" width="100%" '
               f'role="img" aria-label="{e(run.platform)} timeline" '
               f'xmlns="http://www.w3.org/2000/svg">')
    step = _tick_step(clock)
    for t in range(0, clock + 1, step):
        out.append(f'<line x1="{x(t)}" y1="{top - 6}" x2="{x(t)}" y2="{height - 8}" '
                   f'stroke="#e3e6ea"/><text x="{x(t)}" y="{top - 10}" '
                   f'text-anchor="middle" fill="#5f6368">{t}</text>')
    for event in outside[:MAX_ROWS]:
        what = {k: v for k, v in event.info.items() if v not in (None, False, "")}
        kind = str(what.pop("event", "event"))
        detail = " ".join(f"{k}={v}" for k, v in what.items())
        out.append(f'<line x1="{x(event.time)}" y1="{top - 4}" x2="{x(event.time)}" '
                   f'y2="{height - 8}" stroke="#c0392b" stroke-dasharray="3 3">'
                   f'<title>{e(f"{event.time}: {kind} {detail}".rstrip())}</title></line>')
    for row, life in enumerate(lives):
        y = top + row * row_h
        out.append(f'<text x="4" y="{y + 12}" data-proc="{life.index}">'
                   f'{e(f"{life.pid} {life.name}")}</text>')
        for interval, start, end in bars(rows.get(life.index, ()), lambda i: i.what):
            tip = f"{life.pid} {life.name}: {interval.what} from {start} to {end}{sampling}"
            out.append(f'<rect x="{x(start)}" y="{y + 2}" '
                       f'width="{_num(max((end - start) * scale, 0.5))}" '
                       f'height="{row_h - 5}" fill="{state_colour(interval.what)}" '
                       f'data-proc="{life.index}" data-state="{e(interval.what)}">'
                       f'<title>{e(tip)}</title></rect>')
    base = top + (len(lives) + 1) * row_h
    for cpu in range(ncpu):
        y = base + cpu * row_h
        out.append(f'<text x="4" y="{y + 12}">cpu{cpu}</text>')
        for interval, start, end in bars(per_cpu[cpu],
                                         lambda i: owner.get((i.who, i.start), i.what)):
            index = owner.get((interval.who, interval.start))
            ran = run.lives[index] if index is not None else None
            name = f"{ran.pid} {ran.name}" if ran is not None else interval.what
            colour = PALETTE[(index or 0) % len(PALETTE)]
            span = (end - start) * scale
            tip = f"cpu{cpu}: {name} from {start} to {end}{sampling}"
            proc = f' data-proc="{index}"' if index is not None and index < MAX_ROWS else ""
            out.append(f'<rect x="{x(start)}" y="{y + 2}" width="{_num(max(span, 0.5))}"'
                       f' height="{row_h - 5}" fill="{colour}"{proc}><title>{e(tip)}</title>'
                       '</rect>')
            if span > 7 * len(interval.what) + 4:
                out.append(f'<text x="{_num(label_w + start * scale + 2)}" '
                           f'y="{y + 12}" fill="#fff">{e(interval.what)}</text>')
    out.append("</svg>")
    return "\n".join(part for part in out if part)


def structure_svg(run: Run, shot: Snapshot) -> str:
    """The processes present at one time: parent edges solid, creator dashed, handles dotted."""
    lives = {(life.pid, life.created): life for life in run.lives}
    nodes = list(shot.processes)
    present = {p["pid"]: p for p in nodes}

    def up(proc: Mapping[str, Any]) -> tuple[int | None, str]:
        if proc.get("parent") is not None and proc["parent"] in present:
            return proc["parent"], "parent"
        if (proc.get("creator") is not None and proc["creator"] in present
                and proc.get("creator_alive") is not False):
            return proc["creator"], "creator"
        return None, ""

    children: dict[int | None, list[Mapping[str, Any]]] = {}
    for proc in nodes:
        above, _ = up(proc)
        children.setdefault(above if above != proc["pid"] else None, []).append(proc)
    rows: list[list[Mapping[str, Any]]] = []
    placed: set[int] = set()

    def visit(proc: Mapping[str, Any], depth: int) -> None:
        if proc["pid"] in placed:
            return
        placed.add(proc["pid"])
        while len(rows) <= depth:
            rows.append([])
        rows[depth].append(proc)
        for child in children.get(proc["pid"], ()):
            visit(child, depth + 1)

    for proc in children.get(None, ()):
        visit(proc, 0)
    for proc in nodes:  # anything left is in a cycle of stale creator pids: put it on top
        visit(proc, 0)
    box_h, gap_x, gap_y = 34, 14, 46
    sizes = {p["pid"]: 16 + 7 * max(len(f"{p['pid']} {p['name']}"), len(str(p["state"])))
             for p in nodes}
    row_w = [sum(sizes[p["pid"]] for p in row) + gap_x * (len(row) - 1) for row in rows]
    width = max([*row_w, 200]) + 20
    height = len(rows) * (box_h + gap_y) + 10
    where: dict[int, tuple[float, float]] = {}
    arrow = f"arrow-{re.sub(r'[^A-Za-z0-9_-]', '_', run.platform)}-{shot.time}"
    out = [f'<svg class="structure" viewBox="0 0 {width} {height}" width="100%" '
           f'style="max-width:{width}px" role="img" '
           f'aria-label="{e(run.platform)} at time {shot.time}" '
           f'xmlns="http://www.w3.org/2000/svg"><defs><marker id="{arrow}" '
           'viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#5f6368"/>'
           '</marker></defs>']
    marker = f"url(#{arrow})"
    boxes = []
    for depth, row in enumerate(rows):
        left = 10 + (width - 20 - row_w[depth]) / 2
        y = 5 + depth * (box_h + gap_y)
        for proc in row:
            w = sizes[proc["pid"]]
            where[proc["pid"]] = (left + w / 2, y)
            life = lives.get((proc["pid"], proc["times"]["created"]))
            ref = f' data-proc="{life.index}"' if life is not None else ""
            dashed = ' stroke-dasharray="4 3"' if proc["state"] in ("zombie",
                                                                     "terminated") else ""
            label = f"{proc['pid']} {proc['name']}"
            boxes.append(
                f'<g{ref}><rect x="{_num(left)}" y="{y}" width="{w}" height="{box_h}" rx="4" '
                f'fill="#fff" stroke="{state_colour(str(proc["state"]))}" '
                f'stroke-width="2"{dashed}/><text x="{_num(left + 8)}" y="{y + 14}">'
                f'{e(label)}</text><text x="{_num(left + 8)}" '
                f'y="{y + 27}" fill="#5f6368">{e(proc["state"])}</text>'
                f'<title>{e(_describe(proc))}</title></g>')
            left += w + gap_x
    for proc in nodes:
        above, how = up(proc)
        if above is None or above == proc["pid"]:
            continue
        (x1, y1), (x2, y2) = where[above], where[proc["pid"]]
        dash = ' stroke-dasharray="6 4"' if how == "creator" else ""
        tip = f"{above} is the {how} of {proc['pid']}"
        out.append(f'<line x1="{_num(x1)}" y1="{y1 + box_h}" x2="{_num(x2)}" y2="{y2}" '
                   f'stroke="#5f6368"{dash} marker-end="{marker}"><title>'
                   f'{e(tip)}</title></line>')
    for proc in nodes:
        for handle in proc.get("handles") or ():
            target = handle.get("pid") if isinstance(handle, Mapping) else None
            if target is None or target not in where or target == proc["pid"]:
                continue
            (x1, y1), (x2, y2) = where[proc["pid"]], where[target]
            mid_x, mid_y = (x1 + x2) / 2, min(y1, y2) - 18 if y1 == y2 else (y1 + y2) / 2 + 17
            tip = (f"{proc['pid']} holds handle {handle.get('handle')} to "
                   f"{handle.get('object', target)} ({handle.get('rights', '')})")
            out.append(f'<path d="M {_num(x1)} {_num(y1 + box_h / 2)} Q {_num(mid_x)} '
                       f'{_num(mid_y)} {_num(x2)} {_num(y2 + box_h / 2)}" fill="none" '
                       f'stroke="#00897b" stroke-dasharray="2 3" marker-end="{marker}">'
                       f'<title>{e(tip)}</title></path>')
    out += boxes
    out.append("</svg>")
    return "\n".join(out)


def _describe(proc: Mapping[str, Any]) -> str:
    parts = [f"{proc['pid']} {proc['name']}: {proc['state']}", f"cause {proc['cause']}"]
    if proc.get("parent") is not None:
        parts.append(f"parent {proc['parent']}")
    if proc.get("creator") is not None:
        parts.append(f"creator {proc['creator']}")
    return ", ".join(parts)


# ------------------------------------------------------------------------ tables


def process_table(run: Run) -> str:
    """The run's processes (the first MAX_ROWS); extra columns are the platform's fields."""
    processes = run.report["processes"][:MAX_ROWS]
    extra = platform_columns(processes)
    heads = ["PID", "NAME", "STATE", "CAUSE", "CREATOR", "PARENT", *[x.upper() for x in extra],
             "END", "CPU", "RESPONSE", "TURNAROUND", "WAIT"]
    lives = life_of(run)
    rows = []
    for proc in processes:
        life = lives.get(id(proc))
        cells = [proc["pid"], proc["name"], proc["state"], proc["cause"], proc["creator"],
                 proc["parent"], *[proc.get(x) for x in extra],
                 end_text(proc) if proc["exit"] else "-", proc["times"]["cpu"],
                 proc["metrics"]["response"], proc["metrics"]["turnaround"],
                 proc["metrics"]["wait"]]
        ref = f' data-proc="{life.index}"' if life is not None else ""
        rows.append(f"<tr{ref}>" + "".join(f"<td>{e('-' if c is None else c)}</td>"
                                            for c in cells) + "</tr>")
    head = "".join(f"<th>{e(h)}</th>" for h in heads)
    return (f'<div class="scroll"><table class="processes"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>'
            + cut_note(len(processes), len(run.report["processes"]), "processes",
                       "`osmodel run --format json` lists them all"))


def _table(heads: Sequence[str], rows: Sequence[Sequence[Any]], cls: str) -> str:
    head = "".join(f"<th>{e(h)}</th>" for h in heads)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (f'<div class="scroll"><table class="{cls}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def states_of(run: Run) -> list[Interval]:
    """Every process's state intervals: computed once a page, as a long run has millions."""
    return state_intervals(run.sim.recorder.events, run.sim.kernel.now)


def legend(states: Sequence[Sequence[Interval]]) -> str:
    """The colour of every state any run entered, the platforms' own states included."""
    seen = list(STATE_COLOURS)
    for intervals in states:
        for interval in intervals:
            if interval.what not in seen:
                seen.append(interval.what)
    return '<p class="legend">' + "".join(
        f'<span><i style="background:{state_colour(s)}"></i>{e(s)}</span>' for s in seen) + \
        "</p>"


# -------------------------------------------------------------------------- page


def run_section(run: Run, clock: int | None = None,
                states: Sequence[Interval] | None = None) -> str:
    """One platform: summary, timeline, structure at each chosen time, process table."""
    report = run.report
    parts = [f'<section class="run" data-run="{e(run.platform)}" '
             f'id="run-{e(run.platform)}">',
             f"<h2>{e(run.platform)}</h2>",
             f'<p class="muted">clock {report["clock"]} ticks, seed {report["seed"]}, '
             f'{report["machine"]["cpus"]} CPU(s), scheduler {e(report["machine"]["scheduler"])}'
             + (f'; stopped: {e(report["stopped"])}' if report.get("stopped") else "") + "</p>",
             "<h3>Timeline</h3>", timeline_svg(run, clock, states)]
    for shot in run.snapshots:
        parts.append(f'<h3 data-time="{shot.time}">Structure at time {shot.time}</h3>')
        everything = f"`osmodel tree --at {shot.time}` draws them all"
        if len(shot.processes) > MAX_ROWS:
            parts.append(note(f"{len(shot.processes):,} processes at time {shot.time}, more "
                              f"than a drawing shows ({MAX_ROWS:,}): {everything}."))
        else:
            parts.append(structure_svg(run, shot))
        if shot.structure:
            parts += ["<details><summary>as the platform draws it</summary><pre>"
                      + e("\n".join(shot.structure[:MAX_ROWS])) + "</pre></details>",
                      cut_note(MAX_ROWS, len(shot.structure), "lines of that drawing",
                               everything)]
    parts += ["<h3>Processes</h3>", process_table(run),
              "<h3>Summary</h3>", "<pre>" + e("\n".join(summary_lines(report))) + "</pre>",
              "<h3>The chapter in this run</h3>", "<ul>" + "".join(
                  f"<li>{e(line)}</li>" for line in chapter_lines(report, run.sim.watch))
              + "</ul>"]
    if report["output"]:
        lines = [f"{o['time']:>6}  {o['pid']:>5}  {o['text']}"
                 for o in report["output"][:MAX_ROWS]]
        parts += ["<details><summary>what the programs printed</summary><pre>"
                  + e("\n".join(lines)) + "</pre></details>",
                  cut_note(MAX_ROWS, len(report["output"]), "lines printed",
                           "`osmodel run` prints them all")]
    parts.append("</section>")
    return "\n".join(part for part in parts if part)


def comparison_section(runs: Sequence[Run], subjects: Sequence[str],
                       found: Sequence[Difference]) -> str:
    """The side-by-side view: ends per process, memory, and the differences with rules."""
    names = [run.platform for run in runs]
    per_run = [subjects_of(run) for run in runs]
    rows = [[s, *[(f"{lives[s].pid}: {end_text(lives[s].entry)}" if s in lives else "-")
                  for lives in per_run]] for s in subjects[:MAX_ROWS]]
    memory_keys = (("copy-on-write shares", "cow_shares"), ("copy-on-write faults", "cow_faults"),
                   ("pages copied", "pages_copied"), ("frames in use at the peak", "frames_peak"))
    memory = [[label, *[run.report["summary"]["memory"][key] for run in runs]]
              for label, key in memory_keys]
    items = "".join(f'<li data-kind="{e(d.kind)}"><div>{e(d.text)}</div>'
                    f'<div class="rule">rule: {e(d.rule)}</div></li>' for d in found[:MAX_ROWS])
    everything = "`osmodel compare` lists them all"
    return "\n".join(part for part in [
        '<section id="comparison">', "<h2>Side by side</h2>",
        "<h3>How each process ended, as its platform reports it (pid: end)</h3>",
        _table(["process", *names], rows, "ends"),
        cut_note(MAX_ROWS, len(subjects), "processes", everything),
        "<h3>Memory</h3>", _table(["", *names], memory, "memory"),
        "<h3>What differed, and the rule behind each</h3>",
        f'<ol class="differences">{items}</ol>' if found
        else "<p>No differences: every process ended the same way on every platform.</p>",
        cut_note(MAX_ROWS, len(found), "differences", everything),
        "</section>"] if part)


def html_report(runs: Sequence[Run], subjects: Sequence[str], found: Sequence[Difference],
                title: str, description: str = "") -> str:
    """The whole page; with several runs, the side-by-side view and differences come first."""
    names = ", ".join(run.platform for run in runs)
    page = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="osmodel">',
        f"<title>{e(f'osmodel: {title} on {names}')}</title>",
        f"<style>{CSS}</style>", "</head>", "<body>",
        f"<header><h1>{e(title)}</h1>",
        f'<p class="muted">osmodel report: {e(names)}</p>',
    ]
    if description:
        page.append(f"<p>{e(description.strip())}</p>")
    states = [states_of(run) for run in runs]
    page += ["</header>", legend(states)]
    if len(runs) > 1:
        page.append(comparison_section(runs, subjects, found))
    page.append(f'<div class="runs" style="--columns:{len(runs)}">')
    clock = max(run.sim.kernel.now for run in runs)
    page += [run_section(run, clock, intervals) for run, intervals in zip(runs, states,
                                                                          strict=True)]
    page += ["</div>", f"<script>{SCRIPT}</script>", "</body>", "</html>"]
    return "\n".join(page)

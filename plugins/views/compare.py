"""The same scenario on several platforms, side by side, and what differed and why.

Runs are compared through their data only (the trace events and the JSON
report), never through text written for one scenario: processes are matched
across platforms by what the scenario made them do (program, who created
them, in which order), and every difference is classified by its kind and
explained by the rule the platforms' semantics reference gives for that kind
(``RULES``), each platform citing its own source for it through the
``osmodel_compare_rules`` hook (plugins/views/hooks.py): a third-party
platform takes part exactly like the built-in ones.  Whom a key reached is
the platform's own answer to ``osmodel_interrupt``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

from attrs import define, field, frozen

from osmodel.kernel.errors import OsmodelError
from osmodel.kernel.events import Recorder
from osmodel.kernel.guard import guarded
from osmodel.kernel.hookspecs import hookimpl
from osmodel.kernel.kernel import Kernel
from osmodel.kernel.manager import PluginManager
from osmodel.kernel.render import table, wrap
from osmodel.kernel.report import build_report, structure_lines
from osmodel.kernel.scenario import Scenario
from osmodel.kernel.simulation import Simulation, simulate

from .hooks import KINDS
from .intervals import Interval, state_intervals
from .timeline import SYMBOLS, axis, row_cells

SCHEMA_VERSION = 1


def default_platforms(pm: PluginManager) -> list[str]:
    """The platforms compared when none are named: every installed one that states its
    rules for compare (it implements ``osmodel_compare_rules``, or has the contract-1
    ``rules`` attribute), by name."""
    from osmodel.kernel.boot import platforms

    return sorted(name for name, cls in platforms(pm).items() if _states_rules(cls))


def _states_rules(cls: type) -> bool:
    method = getattr(cls, "osmodel_compare_rules", None)
    legacy = getattr(cls, "rules", None)
    return hasattr(method, "osmodel_impl") or (isinstance(legacy, Mapping) and bool(legacy))


# ----------------------------------------------------------------------------- running


@frozen
class Snapshot:
    """How processes were arranged at one moment of a run."""

    time: int
    #: The platform's own drawing (``osmodel_structure``): the tree, the handle graph.
    structure: tuple[str, ...]
    #: Report entries of every process whose record existed then (zombies included).
    processes: tuple[Mapping[str, Any], ...]


@define(eq=False)
class Run:
    """One platform's run of the scenario, with the moments it was drawn at."""

    platform: str
    sim: Simulation
    report: dict[str, Any]
    snapshots: list[Snapshot] = field(factory=list)
    lives: list[Life] = field(factory=list)
    keys: list[KeyPress] = field(factory=list)
    #: The platform's rule and its source for each kind of difference (`run_rules`).
    rules: Mapping[str, str] = field(factory=dict)
    #: Each key press as the platform answered it (`KeyWatch`).
    presses: list[Answer] = field(factory=list)


class RunFailed(Exception):
    """A run could not be made; the message says where and on which platform."""


@frozen
class Answer:
    """One key press and the platform's answer to ``osmodel_interrupt``: the pids it
    reached, or None when the platform did not say whom (contract 1's True)."""

    index: int  # how many events the run had emitted when the key arrived
    time: int
    key: str
    pids: tuple[int, ...] | None


class KeyWatch:
    """A plugin registered for one compared run: it keeps every answer to a key press."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.answers: list[Answer] = []

    @hookimpl(wrapper=True)
    def osmodel_interrupt(self, kernel: Kernel, key: str) -> Any:
        index = len(self.recorder.events)
        answer = yield
        if answer is not None:
            pids = None if answer is True else tuple(answer)
            self.answers.append(Answer(index, kernel.now, key, pids))
        return answer


def run_rules(sim: Simulation) -> dict[str, str]:
    """The rules the run's platform states, asked while it takes part in the run.

    Answers to ``osmodel_compare_rules`` are merged in pluggy's order, the
    first winning for each kind; a platform class with the contract-1
    ``rules`` attribute (and no answer) is read from there.  A bad answer is
    a RunFailed naming its plugin.
    """
    kernel = sim.kernel
    pm = kernel.pm
    found: dict[str, str] = {}
    caller = getattr(pm.hook, "osmodel_compare_rules", None)
    for impl in reversed(caller.get_hookimpls() if caller is not None else []):
        answer = impl.function(*[{"kernel": kernel}[name] for name in impl.argnames])
        if answer is None:
            continue
        problem = _rules_problem(answer)
        if problem is not None:
            raise RunFailed(f"plugin {impl.plugin_name!r}, hook osmodel_compare_rules: "
                            f"{problem} [running on {sim.platform}]")
        for kind, rule in answer.items():
            found.setdefault(kind, rule)
    legacy = getattr(type(kernel.platform), "rules", None)
    if isinstance(legacy, Mapping):
        for kind, rule in legacy.items():
            found.setdefault(str(kind), str(rule))
    return found


def _rules_problem(answer: object) -> str | None:
    if not isinstance(answer, Mapping):
        return f"returned {type(answer).__name__}; expected a mapping of kinds to rules"
    for kind, rule in answer.items():
        if kind not in KINDS:
            return f"{kind!r} is not a kind of difference (kinds: {', '.join(KINDS)})"
        if not isinstance(rule, str):
            return f"the rule for {kind} is {type(rule).__name__}, not a str"
    return None


def snapshot(sim: Simulation) -> Snapshot:
    """Draw the run as it is now, without changing it (no settling of accounting)."""
    kernel = sim.kernel
    structure = structure_lines(kernel)
    present = {id(p) for p in kernel.processes.values()}
    entries = [entry for proc, entry in zip(sim.processes(), build_report(sim)["processes"],
                                            strict=True) if id(proc) in present]
    return Snapshot(kernel.now, tuple(structure), tuple(entries))


def execute(scenario: Scenario, platform: str, pm: PluginManager, *, at: Sequence[int] = (),
            end: bool = False, seed: int | None = None,
            progress: Callable[[], Any] | None = None) -> Run:
    """Run ``scenario`` on ``platform``, stopping at each time of ``at`` to draw it.

    Stopping changes nothing: the run goes on exactly as if it had not
    stopped (the trace is the same byte for byte).  ``end`` draws the last
    moment too.  ``progress`` is a context manager factory (`progress_if_terminal`).
    Everything that asks the platform's hooks (reports, drawings) is done
    here, because afterwards the run is closed (its platform instance leaves
    ``pm``), so the next platform can run on the same manager.  Every failure
    is a RunFailed naming the platform.
    """
    try:
        sim = simulate(scenario, platform=platform, pm=pm, seed=seed, run=False)
    except OsmodelError as error:
        raise RunFailed(f"{error} [running on {platform}]") from None
    watch = KeyWatch(sim.recorder)
    with sim:
        rules = run_rules(sim)
        pm.register(watch)
        try:
            run = _execute(sim, platform, at, end, progress)
        finally:
            pm.unregister(watch)
    run.rules, run.presses = rules, watch.answers
    run.lives, run.keys = follow(run)
    return run


def _execute(sim: Simulation, platform: str, at: Sequence[int], end: bool,
             progress: Callable[[], Any] | None) -> Run:
    snapshots: list[Snapshot] = []

    def advance(until: int | None) -> None:
        if progress is None:
            sim.run(until)
            return
        with progress() as show:
            sim.run(until, progress=show)

    try:
        for time in sorted(set(at)):
            advance(time)
            if not snapshots or snapshots[-1].time != sim.kernel.now:
                snapshots.append(guarded(sim.kernel, lambda: snapshot(sim)))
        advance(None)
        sim.finish()
        sim.kernel.settle()
        if end and (not snapshots or snapshots[-1].time != sim.kernel.now):
            snapshots.append(guarded(sim.kernel, lambda: snapshot(sim)))
        run = Run(platform, sim, guarded(sim.kernel, lambda: build_report(sim)), snapshots)
    except OsmodelError as error:  # PluginError included: named by plugin, hook, time, pid
        raise RunFailed(f"{error} [running on {platform}]") from None
    return run


def peak_time(run: Run) -> int | None:
    """The first time the most scenario processes existed at once (the fullest picture)."""
    best, when = 0, None
    events = run.sim.recorder.events
    alive: set[int] = set()  # a pid names one record at a time, so pids identify lives here
    for i, event in enumerate(events):
        if event.kind == "create" and event.info.get("cause") != "boot" and event.pid is not None:
            alive.add(event.pid)
        elif event.kind == "release" and event.pid is not None:
            alive.discard(event.pid)
        if (i + 1 == len(events) or events[i + 1].time != event.time) and len(alive) > best:
            best, when = len(alive), event.time
    return when


# ----------------------------------------------------------------------- who is who


@define(eq=False)
class Life:
    """One process of one run, followed through the trace from creation to release."""

    index: int
    pid: int
    created: int
    cause: str
    creator: Life | None
    creator_pid: int | None
    entry: dict[str, Any] = field(factory=dict)
    exit_seq: int | None = None
    exit_time: int | None = None
    released: int | None = None
    #: (time, new parent pid, new parent's name) for each re-parenting.
    reparents: list[tuple[int, int | None, str | None]] = field(factory=list)
    #: Times a key reached this process (its delivery was not ignored).
    keyed: list[int] = field(factory=list)
    key: Any = ()
    transparent: bool = False
    subject: str = ""

    @property
    def name(self) -> str:
        return str(self.entry.get("name", "?"))


@frozen
class KeyPress:
    """A key from the timeline and whom it reached, as the platform answered
    (None: the platform did not say)."""

    key: str
    time: int
    reached: tuple[Life, ...] | None


def follow(run: Run) -> tuple[list[Life], list[KeyPress]]:
    """Every process's life, read from the trace, and every key press.

    Pids are reused (Windows), so a life is the span from a ``create`` event
    to the ``release`` of that pid.  A key reached the processes the platform
    named in its answer (`Run.presses`), each the life its pid had when the
    key arrived.
    """
    lives: list[Life] = []
    current: dict[int, Life] = {}
    keys: list[KeyPress] = []
    presses = iter(run.presses)
    press = next(presses, None)

    def reach(answer: Answer) -> None:
        reached = None
        if answer.pids is not None:
            reached = tuple(life for life in map(current.get, answer.pids) if life is not None)
            for life in reached:
                life.keyed.append(answer.time)
        keys.append(KeyPress(answer.key, answer.time, reached))

    for index, event in enumerate(run.sim.recorder.events):
        while press is not None and press.index <= index:
            reach(press)
            press = next(presses, None)
        pid = event.pid
        if pid is None:
            continue
        info = event.info
        if event.kind == "create":
            creator_pid = info.get("creator")
            life = Life(len(lives), pid, event.time, str(info.get("cause", "")),
                        current.get(creator_pid) if creator_pid is not None else None,
                        creator_pid)
            lives.append(life)
            current[pid] = life
            continue
        life_or_none = current.get(pid)
        if life_or_none is None:
            continue
        life = life_or_none
        if event.kind == "exit":
            life.exit_seq, life.exit_time = event.seq, event.time
        elif event.kind == "release":
            life.released = event.time
            del current[pid]
        elif event.kind == "reparent":
            new = info.get("new")
            life.reparents.append((event.time, new if isinstance(new, int) else None,
                                   str(info["to"]) if info.get("to") is not None else None))
    while press is not None:
        reach(press)
        press = next(presses, None)
    _attach_entries(run, lives)
    return lives, keys


def _attach_entries(run: Run, lives: list[Life]) -> None:
    """Give each life its report entry: same pid and creation time, in creation order."""
    pending: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for entry in run.report["processes"]:
        pending.setdefault((entry["pid"], entry["times"]["created"]), []).append(entry)
    for life in lives:
        queue = pending.get((life.pid, life.created))
        if queue:
            life.entry = queue.pop(0)


def match(runs: Sequence[Run], programs: Collection[str] | None = None) -> list[str]:
    """Name the scenario's processes the same way on every platform; the subjects, in order.

    A process is known by its program, by who created it (another scenario
    process, or the user or batch system) and by its rank among such
    siblings, so the k-th ``worker`` that ``job`` spawned is one subject
    whatever its pid on each platform.  Boot processes are the platform's
    own and are never matched; nor is a process that runs none of the
    scenario's ``programs`` (a shell's helper fork, say): it is transparent,
    and what it creates counts as created by its own creator.
    """
    order: list[tuple[Any, ...]] = []
    known: set[tuple[Any, ...]] = set()
    for run in runs:
        seen: dict[tuple[Any, ...], int] = {}
        for life in run.lives:
            if life.cause == "boot":
                continue
            parent = life.creator
            parent_key: Any = parent.key if parent is not None and parent.key else life.cause
            if programs is not None and life.name not in programs:
                life.key, life.transparent = parent_key, True
                continue
            base = (parent_key, life.name)
            rank = seen.get(base, 0)
            seen[base] = rank + 1
            life.key = (*base, rank)
            if life.key not in known:
                known.add(life.key)
                order.append(life.key)
    by_name: dict[str, list[tuple[Any, ...]]] = {}
    for key in order:
        by_name.setdefault(key[1], []).append(key)
    labels = {}
    for name, keys in by_name.items():
        for i, key in enumerate(keys, 1):
            labels[key] = name if len(keys) == 1 else f"{name}#{i}"
    for run in runs:
        for life in run.lives:
            if life.key and not life.transparent:
                life.subject = labels[life.key]
    return [labels[key] for key in order]


def subjects_of(run: Run) -> dict[str, Life]:
    """The run's matched processes by subject (after ``match``)."""
    return {life.subject: life for life in run.lives if life.subject}


# ------------------------------------------------------------------------- the rules


@frozen
class Rule:
    """A kind of difference: its title and how a line about one subject begins.

    What each platform's rule is, with its source, the platform states
    itself (``osmodel_compare_rules``), built-in or not.
    """

    title: str
    lead: str


#: The kinds of difference compare finds (`hooks.KINDS`, in that order).
RULES: dict[str, Rule] = {
    "presence": Rule("process creation", "{s}:"),
    "orphan": Rule("orphan adoption", "orphan {s}:"),
    "memory": Rule("memory isolation: copy-on-write copy vs separate spaces", "{s}:"),
    "forced_kill": Rule("forced kill end status", "{s} killed:"),
    "fatal_fault": Rule("fatal fault end status", "{s} fatal fault:"),
    "ctrl_c_reach": Rule("Ctrl-C reach: process group vs console", "{s} reached"),
    "ctrl_c_end": Rule("Ctrl-C end status", "{s} after the key:"),
    "exit_width": Rule("exit code width: 8 bits vs 32 bits", "exit code of {s}:"),
    "end": Rule("the four ways to end", "end of {s}:"),
}


def rule_text(kind: str, runs: Sequence[Run]) -> str:
    """The rule's title and, for each compared platform that states one, its source."""
    parts = [f"{run.platform}: {run.rules[kind]}" for run in runs if run.rules.get(kind)]
    return RULES[kind].title + (f" ({'; '.join(parts)})" if parts else "")


# ----------------------------------------------------------------------- differences


@frozen
class Difference:
    """One thing that came out differently, per platform, and the rule that says why."""

    kind: str
    subject: str
    values: Mapping[str, str | None]
    rule: str
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "subject": self.subject, "values": dict(self.values),
                "rule": self.rule, "text": self.text}


def end_text(entry: Mapping[str, Any]) -> str:
    """How a process ended, in its platform's terms: kind, code, signal, reason."""
    exit_ = entry.get("exit")
    if not exit_:
        return f"still {entry.get('state', 'running')}"
    text = f"{exit_['kind']} {exit_['code']}"
    if exit_.get("signal") is not None:
        text += f" signal {exit_['signal']}"
    reason = exit_.get("reason")
    if reason and reason not in ("exit", "ExitProcess"):
        text += f" ({reason})"
    return text


def _end_tuple(life: Life) -> tuple[Any, ...] | None:
    exit_ = life.entry.get("exit")
    return None if not exit_ else (exit_["kind"], exit_["code"], exit_.get("signal"))


def _orphan_value(life: Life) -> str:
    """What became of a process whose creator ended first, read from its trace and report."""
    creator = life.creator
    if creator is None or creator.exit_seq is None or (
            life.exit_seq is not None and life.exit_seq < creator.exit_seq):
        return "not orphaned: its creator outlived it"
    adopted = [r for r in life.reparents if r[0] >= (creator.exit_time or 0)]
    if adopted:
        _, pid, name = adopted[0]
        return f"adopted by {name} (pid {pid})" if name else f"adopted by pid {pid}"
    parent = life.entry.get("parent")
    if parent is not None and parent != life.creator_pid:
        return f"adopted by pid {parent}"
    if life.exit_time is None or life.exit_time > (creator.exit_time or 0):
        return "keeps running with no parent"
    return "left with no parent"


def _memory_value(report: Mapping[str, Any]) -> str:
    """How spaces were made: shared copy-on-write at creation, or each its own."""
    memory = report["summary"]["memory"]
    shares, copied = memory["cow_shares"], memory["pages_copied"]
    head = (f"{shares} copy-on-write shares" if shares
            else "no copy-on-write share (each process its own space)")
    return f"{head}, {memory['cow_faults']} faults, {copied} pages copied"


def _classify_end(lives: Mapping[str, Life]) -> str:
    """Which rule explains why one process ended differently across platforms.

    Codes that agree in their low 8 bits are the exit width; a process a key
    reached on some platform owes its end to the key; then a fatal fault, then
    a kill from another process or the operator.
    """
    ends = [life.entry.get("exit") for life in lives.values()]
    kinds = {e["kind"] for e in ends if e}
    codes = [e["code"] for e in ends if e]
    if all(ends) and kinds <= {"normal", "error"} and all(isinstance(c, int) for c in codes) \
            and len({c % 256 for c in codes}) == 1:
        return "exit_width"
    if any(life.keyed for life in lives.values()):
        return "ctrl_c_end"
    if "fatal" in kinds:
        return "fatal_fault"
    if "killed" in kinds:
        return "forced_kill"
    return "end"


def differences(runs: Sequence[Run], subjects: Sequence[str]) -> list[Difference]:
    """What came out differently across the runs, derived from their events and reports,
    each with the rules the runs' platforms state (`Run.rules`)."""
    found: list[Difference] = []

    def add(kind: str, subject: str, values: Mapping[str, str | None]) -> None:
        groups: dict[str | None, list[str]] = {}
        for platform, value in values.items():
            groups.setdefault(value, []).append(platform)
        said = "; ".join(f"{'absent' if value is None else value} on {' and '.join(ps)}"
                         for value, ps in groups.items())
        text = f"{RULES[kind].lead.format(s=subject)} {said}"
        found.append(Difference(kind, subject, dict(values), rule_text(kind, runs), text))

    per_run = [subjects_of(run) for run in runs]
    rank = {subject: i for i, subject in enumerate(subjects)}
    for subject in subjects:
        present = {run.platform: lives[subject] for run, lives in zip(runs, per_run, strict=True)
                   if subject in lives}
        if len(present) < len(runs):
            add("presence", subject, {
                run.platform: (f"created as pid {lives[subject].pid}" if subject in lives
                               else None) for run, lives in zip(runs, per_run, strict=True)})
            if len(present) < 2:
                continue
        orphan = {p: _orphan_value(life) for p, life in present.items()}
        if len(set(orphan.values())) > 1:
            add("orphan", subject, orphan)
        if len({_end_tuple(life) for life in present.values()}) > 1:
            kind = _classify_end(present)
            ends = {p: (f"reads {life.entry['exit']['code']}" if kind == "exit_width"
                        else f"pid {life.pid} {end_text(life.entry)}")
                    for p, life in present.items()}
            add(kind, subject, ends)
    memory = {run.platform: _memory_value(run.report) for run in runs}
    if len(set(memory.values())) > 1:
        add("memory", "address spaces", memory)
    for index in range(max((len(run.keys) for run in runs), default=0)):
        reach: dict[str, str | None] = {}
        subject = ""
        for run in runs:
            if index >= len(run.keys):
                reach[run.platform] = None
                continue
            press = run.keys[index]
            subject = f"{press.key} at {press.time}"
            if press.reached is None:
                reach[run.platform] = "not said by the platform"
                continue
            reached = sorted({life.subject for life in press.reached if life.subject},
                             key=rank.__getitem__)
            reach[run.platform] = ", ".join(reached) if reached else "no process"
        if len(set(reach.values())) > 1:
            add("ctrl_c_reach", subject, reach)
    return found


# ------------------------------------------------------------------------ rendering


def side_by_side(blocks: Sequence[Sequence[str]], gap: str = "  |  ") -> list[str]:
    """Blocks of lines as columns, each as wide as its widest line (no terminal width)."""
    widths = [max((len(line) for line in block), default=0) for block in blocks]
    height = max((len(block) for block in blocks), default=0)
    rows = []
    for i in range(height):
        cells = [(block[i] if i < len(block) else "").ljust(width)
                 for block, width in zip(blocks, widths, strict=True)]
        rows.append(gap.join(cells).rstrip())
    return rows


def by_life(intervals: Iterable[Interval], lives: Sequence[Life],
            pid_of: Callable[[Interval], int]) -> dict[int, list[Interval]]:
    """Intervals by life index: the life with that pid most recently created before each.

    Pids are reused (Windows), so a pid alone does not say whose interval it is.
    """
    by_pid: dict[int, list[Life]] = {}
    for life in lives:  # in order of creation, so each list is sorted by ``created``
        by_pid.setdefault(life.pid, []).append(life)
    starts = {pid: [life.created for life in same] for pid, same in by_pid.items()}
    out: dict[int, list[Interval]] = {}
    for interval in intervals:
        pid = pid_of(interval)
        at = bisect_right(starts.get(pid, ()), interval.start)
        if at:
            out.setdefault(by_pid[pid][at - 1].index, []).append(interval)
    return out


def state_rows(run: Run) -> dict[int, list[Interval]]:
    """Each life's state intervals, by life index."""
    return by_life(state_intervals(run.sim.recorder.events, run.sim.kernel.now), run.lives,
                   lambda interval: interval.who)


def lives_timeline(run: Run, width: int) -> list[str]:
    """The terminal state timeline with one row per process, in order of creation.

    A reused pid (Windows) gets a row for each process that had it.
    """
    clock = run.sim.kernel.now
    step = max(1, -(-clock // width))
    labels = [f"{life.pid} {life.name}" for life in run.lives]
    label = max([len(text) for text in labels] or [4])
    rows = state_rows(run)
    lines = [f"{'':<{label}}  {axis(clock, width)}"]
    for life, text in zip(run.lives, labels, strict=True):
        cells = row_cells(rows.get(life.index, []), clock, width) if clock else ""
        lines.append(f"{text:<{label}}  {cells}".rstrip())
    legend = "  ".join(f"{c} {s}" for s, c in SYMBOLS.items() if s != "terminated")
    lines.append(f"one column = {step} tick{'s' if step > 1 else ''}; {legend}")
    return lines


def compare_text(runs: Sequence[Run], subjects: Sequence[str], found: Sequence[Difference],
                 scenario: Scenario, width: int = 40, fit: int | None = None) -> str:
    """The comparison as plain text with fixed columns (the same bytes on every terminal):
    ``width`` columns of timeline; the platforms' drawings side by side when they fit in
    ``fit`` columns (None: always), else one under the other."""
    names = [run.platform for run in runs]
    title = scenario.title or scenario.source or "scenario"
    lines = [f"osmodel compare: {title} on {', '.join(names)}"]
    if scenario.description:
        lines.append(scenario.description.strip())
    per_run = [subjects_of(run) for run in runs]
    lines += ["", "== how each process ended, as its platform reports it (pid: end)"]
    rows = []
    for subject in subjects:
        row = [subject]
        for lives in per_run:
            life = lives.get(subject)
            row.append("-" if life is None else f"{life.pid}: {end_text(life.entry)}")
        rows.append(row)
    lines += table(["PROCESS", *[n.upper() for n in names]], rows) if rows else \
        ["(the scenario created no process)"]
    lines += ["", "== memory"]
    metrics = (("processes created", "processes_created"),)
    memory_rows = [[label, *[str(run.report["summary"][key]) for run in runs]]
                   for label, key in metrics]
    for label, key in (("copy-on-write shares", "cow_shares"),
                       ("copy-on-write faults", "cow_faults"),
                       ("pages copied", "pages_copied"), ("pages zero-filled", "zero_fills"),
                       ("frames in use at the peak", "frames_peak")):
        memory_rows.append([label, *[str(run.report["summary"]["memory"][key])
                                     for run in runs]])
    lines += table(["", *[n.upper() for n in names]], memory_rows)
    lines += ["", "== structure"]
    blocks = []
    for run in runs:
        shot = run.snapshots[0] if run.snapshots else None
        head = f"{run.platform} at time {shot.time if shot else run.sim.kernel.now}"
        body = list(shot.structure) if shot else []
        blocks.append([head, *(body or ["(the platform draws no structure)"])])
    beside = side_by_side(blocks)
    if fit is None or max(map(len, beside), default=0) <= fit:
        lines += beside
    else:
        for n, block in enumerate(blocks):
            lines += [*([""] if n else []), *block]
    clock = max(run.sim.kernel.now for run in runs)
    step = max(1, -(-clock // width))
    legend = "  ".join(f"{c} {s}" for s, c in SYMBOLS.items() if s != "terminated")
    lines += ["", f"== timeline (one column = {step} tick{'s' if step > 1 else ''}; {legend})"]
    label_width = max([len(s) for s in subjects] or [4])
    intervals = [state_rows(run) for run in runs]
    chart = [[f"{run.platform} (clock {run.sim.kernel.now})", axis(clock, width)]
             for run in runs]
    for subject in subjects:
        for column, lives, states in zip(chart, per_run, intervals, strict=True):
            life = lives.get(subject)
            column.append("" if life is None or not clock
                          else row_cells(states.get(life.index, []), clock, width))
    labels = ["", "", *subjects]
    lines += [f"{lab:<{label_width}}  {row}".rstrip()
              for lab, row in zip(labels, side_by_side(chart, gap="  "), strict=False)]
    lines += ["", "== differences, and the rule behind each"]
    if not found:
        lines.append("no differences: every process ended the same way on every platform")
    for diff in found:
        lines += [*wrap("- ", diff.text, fit), *wrap("  rule: ", diff.rule, fit, indent="  ")]
    return "\n".join(lines)


def compare_json(runs: Sequence[Run], subjects: Sequence[str],
                 found: Sequence[Difference], scenario: Scenario) -> dict[str, Any]:
    """Both (all) runs' reports, who is who, and the differences: documented in docs/views.md."""
    per_run = [subjects_of(run) for run in runs]
    return {
        "schema": SCHEMA_VERSION,
        "scenario": scenario.title or scenario.source,
        "platforms": [run.platform for run in runs],
        "subjects": [{"subject": s, "pids": {run.platform: (lives[s].pid if s in lives else None)
                                             for run, lives in zip(runs, per_run, strict=True)}}
                     for s in subjects],
        "structure": {run.platform: [{"time": shot.time, "lines": list(shot.structure)}
                                     for shot in run.snapshots] for run in runs},
        "runs": {run.platform: run.report for run in runs},
        "differences": [d.as_dict() for d in found],
    }


"""A mutation fuzzer over scenarios and programs, shared by tests/test_fuzz.py and long campaigns.

Mutants start from the valid scenarios in the repository (the platforms' demos,
tests/data, the docs' examples) and are changed the way a hostile or careless
user changes a file: lines deleted, duplicated or swapped, numbers made 0, -1
or huge, strings replaced, keys dropped or added, the TOML broken, values
nested thousands deep, instructions and operands spliced in from the
instruction tables of every platform.  `exercise` loads a mutant and, if it
loads, runs it under tight limits and draws every view of the run; the only
exceptions allowed out are the project's own errors (kernel/errors.py), and
a run must end.

The choices a mutation makes come from a `Chooser`, so the same mutator is
driven by Hypothesis in the test suite (which shrinks what it finds) and by a
seeded `random.Random` in a long campaign run as a script::

    .venv/bin/python tests/fuzzing.py --seconds 600 --findings FINDINGS.md --out DIR

A campaign records each distinct crash (exception type and the innermost
osmodel frame) once, minimised line by line, with the command that replays it.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Protocol, TypeVar

import attrs
from attrs import frozen

REPO = Path(__file__).resolve().parent.parent
PLATFORMS = ("unix", "windows", "bare")

#: Limits every fuzzed run gets (lower than the scenario's own), so a run ends in well under a
#: second; the fuzzer looks for crashes, not for runaways (the corpus bounds those).
FUZZ_TIME = 3_000
FUZZ_PROCESSES = 48
#: Wall-clock seconds after which a fuzzed load and run counts as hung.
HANG_SECONDS = 10.0
#: Address space a fuzzed run may add to the process, so a runaway allocation ends in
#: MemoryError (a finding) instead of exhausting the machine.
MEMORY_HEADROOM = 3 << 30


class Chooser(Protocol):
    """Where a mutation's choices come from."""

    def below(self, n: int) -> int:
        """A number from 0 to n - 1; 0 should be the simplest choice."""


@frozen
class RandomChooser:
    rng: random.Random

    def below(self, n: int) -> int:
        return self.rng.randrange(n)


class FirstChoice:
    """Always the simplest choice: a mutant run as it is, with no overrides."""

    def below(self, n: int) -> int:
        return 0


T = TypeVar("T")


def pick(chooser: Chooser, items: Sequence[T]) -> T:
    return items[chooser.below(len(items))]


# ------------------------------------------------------------------------------ seeds


@frozen
class Seed:
    name: str
    text: str


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)


def _wrap(program: str, platform: str) -> str:
    """A scenario that runs ``program`` as ``main`` (with a ``child`` to spawn) on ``platform``."""
    return (f'[scenario]\nplatform = "{platform}"\n\n[programs.main]\ncode = \'\'\'\n{program}'
            "'''\n\n[programs.child]\ncode = '''\n    cpu 2\n    exit 3\n'''\n\n"
            '[[timeline]]\nat = 0\nuser = "main"\n')


def _candidate_seeds() -> Iterator[Seed]:
    for path in sorted((REPO / "platforms").glob("*/demo.toml")):
        yield Seed(str(path.relative_to(REPO)), path.read_text())
    for path in sorted((REPO / "plugins" / "gallery" / "scenarios").glob("*.toml")):
        yield Seed(str(path.relative_to(REPO)), path.read_text())
    for doc in sorted((REPO / "docs").glob("*.md")):
        text = doc.read_text()
        for number, block in enumerate(_blocks(text, "toml")):
            yield Seed(f"docs/{doc.name} toml {number + 1}", block)
        for number, block in enumerate(_blocks(text, "asm")):
            for platform in PLATFORMS:
                yield Seed(f"docs/{doc.name} asm {number + 1} on {platform}",
                           _wrap(block, platform))


@cache
def seeds() -> tuple[Seed, ...]:
    """The candidate seeds that load and boot as they are: valid starting points."""
    from osmodel.kernel.errors import OsmodelError
    from osmodel.kernel.manager import make_plugin_manager
    from osmodel.kernel.scenario import loads_scenario
    from osmodel.kernel.simulation import simulate

    found = []
    for seed in _candidate_seeds():
        try:
            scenario = loads_scenario(seed.text, source=seed.name)
            with simulate(scenario, platform=scenario.platform or "unix",
                          pm=make_plugin_manager(autoload=False), run=False):
                pass
        except OsmodelError:
            continue
        found.append(seed)
    return tuple(found)


# ------------------------------------------------------------------------------ pools

NUMBERS = (0, 1, -1, 2, 3, 7, 8, 16, 255, 1024, 1025, 4096, 65536, 100_000_000,
           2**31 - 1, 2**31, 2**32, 10**9, 10**12, 2**40, 2**63 - 1, 2**63, 2**64, -(2**63),
           -(10**12), 99999999999999999999999)
STRINGS = ("", "main", "child", "x", "rr", "mlfq", "cfs", "lottery", "stride", "priority",
           "sjf", "fifo", "stcf", "nosuch", "unix", "windows", "bare", "SIGTERM", "SIGKILL",
           "SIGINT", "SIGFOO", "sigterm", "ctrl-c", "CTRL-Z", "ctrl-x", "shared", "per-cpu",
           "-", ".", "..", "/", "/dev/null", "/dev/zero", "/etc/passwd", "/proc/self/status",
           "nonexistent.osm", "prog.osm", "latin1.osm", "a.b", "é", "\\u0000", "x" * 200,
           "%s{}\\n")
KEYS = ("cpus", "frames", "page_words", "switch_cost", "io_issue_cost", "io_done_cost",
        "scheduler", "processes", "time", "user_processes", "code", "file", "pages", "at",
        "user", "batch", "key", "kill", "background", "args", "signal", "priority", "nice",
        "tickets", "length", "title", "platform", "seed", "name", "quantum", "levels")
HEADERS = ("[machine]", "[machine.limits]", "[[timeline]]", "[programs.extra]", "[files]",
           "[scenario]", "[programs]", "[[programs]]", "[machine.scheduler]", "[timeline]")
SYNTAX = ("[", "]", "{", "}", '"', "'", "=", ",", ".", "#", "\\", "\n", '"""', "'''", "\t",
          "\x00", "\ufeff")
REGISTERS = ("r0", "r1", "r2", "r15", "r16", "R3")
MEMORY = ("x", "x+2", "x-1", "[x]", "[r1]", "[r1+4]", "[r1-4]", "[0x100]", "[0]", "[-1]",
          "buf+1000000", "[r0+9223372036854775807]")
BOGUS_OPS = ("wiat", "data", "pages", "fork.exit", "CreateProcess")


@cache
def platform_tables() -> tuple[dict[str, str], tuple[str, ...], dict[str, tuple[str, ...]]]:
    """Every operation (name -> operand signature), every platform constant, scheduler options."""
    from osmodel.kernel.boot import platforms, schedulers
    from osmodel.kernel.isa import CORE_OPS
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.machine import Machine
    from osmodel.kernel.manager import make_plugin_manager

    pm = make_plugin_manager(autoload=False)
    ops = {spec.name: spec.operands for spec in CORE_OPS}
    constants: set[str] = set()
    for cls in platforms(pm).values():
        instance = cls(Kernel(Machine(), pm=pm, programs={}, seed=0))
        ops.update({name: spec.operands for name, spec in instance.syscalls().items()})
        constants.update(instance.constants())
    options = {name: tuple(getattr(factory, "options", {}) or ())
               for name, factory in schedulers(pm).items()}
    return ops, tuple(sorted(constants)), options


def toml_string(chooser: Chooser) -> str:
    """A TOML basic string from the pool (``\\u0000`` in the pool stays an escape)."""
    return json.dumps(pick(chooser, STRINGS)).replace("\\\\u", "\\u")


def toml_value(chooser: Chooser) -> str:
    """A TOML value of any type, numbers and strings from the pools."""
    kind = chooser.below(7)
    if kind == 0:
        return str(pick(chooser, NUMBERS))
    if kind == 1:
        return toml_string(chooser)
    if kind == 2:
        return pick(chooser, ("true", "false"))
    if kind == 3:
        return "[" + ", ".join(str(pick(chooser, NUMBERS)) for _ in range(chooser.below(4))) + "]"
    if kind == 4:
        return "{ name = " + json.dumps(pick(chooser, STRINGS)) + " }"
    if kind == 5:
        return pick(chooser, ("1.5", "inf", "nan", "-0.0", "1979-05-27", "07:32:00"))
    return nested(chooser)


def nested(chooser: Chooser) -> str:
    depth = pick(chooser, (2, 50, 500, 3000))
    if chooser.below(2):
        return "{a = " * depth + "1" + "}" * depth
    return "[" * depth + "1" + "]" * depth


def operand(chooser: Chooser, kind: str, labels: Sequence[str], programs: Sequence[str]) -> str:
    """An operand of signature letter ``kind``; sometimes deliberately of another kind."""
    _, constants, _ = platform_tables()
    if chooser.below(4) == 0:
        kind = pick(chooser, "vrlpsmch")
    if kind == "r":
        return pick(chooser, REGISTERS)
    if kind == "l":
        return pick(chooser, (*labels, "nowhere")) if labels else "nowhere"
    if kind == "p":
        return pick(chooser, (*programs, '"child"', "nosuch", '"main"'))
    if kind == "s":
        return toml_string(chooser)
    if kind == "m":
        return pick(chooser, MEMORY)
    if kind in "ch":
        choice = chooser.below(3)
        if choice == 0:
            return pick(chooser, constants)
        if choice == 1:
            return f"{pick(chooser, constants)}|{pick(chooser, NUMBERS)}"
        return pick(chooser, (*labels, "SIG_IGN", "nowhere")) if labels else "SIG_IGN"
    choice = chooser.below(3)
    if choice == 0:
        return str(pick(chooser, NUMBERS))
    if choice == 1:
        return pick(chooser, REGISTERS[:4])
    return pick(chooser, constants)


def instruction(chooser: Chooser, labels: Sequence[str], programs: Sequence[str]) -> str:
    """An instruction line built from the operation tables (or a directive, or a bogus op)."""
    ops, _, _ = platform_tables()
    names = sorted(ops)
    kind = chooser.below(8)
    if kind == 0:
        return f"    data buf[{pick(chooser, NUMBERS)}]"
    if kind == 1:
        return f"    pages {pick(chooser, NUMBERS)}"
    if kind == 2:
        return f"    {pick(chooser, BOGUS_OPS)} r1"
    name = pick(chooser, names)
    signature = [part.rstrip("?") for part in ops[name].split(",") if part]
    count = len(signature) + pick(chooser, (0, 0, 0, -1, 1))
    kinds = [signature[i] if i < len(signature) else "v" for i in range(max(count, 0))]
    parts = [operand(chooser, k.lstrip("*") or "v", labels, programs) for k in kinds]
    line = f"    {name} {', '.join(parts)}".rstrip()
    results = chooser.below(3)
    if results:
        line += " -> " + ", ".join(pick(chooser, REGISTERS) for _ in range(results))
    if chooser.below(4) == 0:
        line = f"{pick(chooser, (*labels, 'again'))}: {line.strip()}"
    return line


# ---------------------------------------------------------------------------- mutator

_NUMBER = re.compile(r"(?<![\w.])-?(?:0x[0-9a-fA-F]+|0b[01]+|\d+)(?![\w.])")
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')
_CODE_START = re.compile(r"^\s*code\s*=\s*(\"\"\"|''')")
_LABEL = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_.]*):", re.M)
_PROGRAM = re.compile(r"^\[programs\.\"?([A-Za-z0-9_.-]+)\"?\]", re.M)
_KEY_LINE = re.compile(r"^\s*[A-Za-z_\"'][^=\n]*=")


def code_lines(lines: Sequence[str]) -> list[int]:
    """Indices of the lines inside ``code = \"\"\"...\"\"\"`` strings."""
    inside: list[int] = []
    closing: str | None = None
    for index, line in enumerate(lines):
        if closing is not None:
            if closing in line:
                closing = None
            else:
                inside.append(index)
            continue
        found = _CODE_START.match(line)
        if found and line.count(found.group(1)) == 1:
            closing = found.group(1)
    return inside


def _replace_match(chooser: Chooser, text: str, pattern: re.Pattern[str],
                   make: Callable[[], str]) -> str:
    matches = list(pattern.finditer(text))
    if not matches:
        return text
    found = pick(chooser, matches)
    return text[: found.start()] + make() + text[found.end():]


def _line_ops(chooser: Chooser, lines: list[str], text: str, donors: Sequence[Seed]) -> None:
    """Delete, duplicate, swap or move a line, inside a program more often than not."""
    inside = code_lines(lines)
    candidates = inside if inside and chooser.below(3) else range(len(lines))
    at = pick(chooser, candidates)
    kind = chooser.below(4)
    if kind == 0:
        del lines[at]
    elif kind == 1:
        lines.insert(at, lines[at])
    else:
        other = pick(chooser, candidates)
        if kind == 2:
            lines[at], lines[other] = lines[other], lines[at]
        else:
            lines.insert(other, lines.pop(at))


def _number(chooser: Chooser, lines: list[str], text: str, donors: Sequence[Seed]) -> str:
    return _replace_match(chooser, text, _NUMBER, lambda: str(pick(chooser, NUMBERS)))


def _string(chooser: Chooser, lines: list[str], text: str, donors: Sequence[Seed]) -> str:
    return _replace_match(chooser, text, _STRING,
                          lambda: toml_string(chooser))


def _drop_key(chooser: Chooser, lines: list[str], text: str, donors: Sequence[Seed]) -> None:
    keyed = [i for i, line in enumerate(lines) if _KEY_LINE.match(line)]
    if keyed:
        del lines[pick(chooser, keyed)]


def _add_key(chooser: Chooser, lines: list[str], text: str, donors: Sequence[Seed]) -> None:
    at = chooser.below(len(lines) + 1)
    lines.insert(at, f"{pick(chooser, KEYS)} = {toml_value(chooser)}")
    if chooser.below(3) == 0:
        lines.insert(at, pick(chooser, HEADERS))


def _break_toml(chooser: Chooser, lines: list[str], text: str, donors: Sequence[Seed]) -> str:
    """A stray character, or the text cut short."""
    offset = chooser.below(len(text) + 1)
    if chooser.below(3) == 0:
        return text[:offset]
    return text[:offset] + pick(chooser, SYNTAX) + text[offset:]


def _instruction(chooser: Chooser, lines: list[str], text: str, donors: Sequence[Seed]) -> None:
    """Splice one to three generated instructions into a program, or replace one."""
    inside = code_lines(lines)
    if not inside:
        return
    where = pick(chooser, inside)
    labels, programs = _LABEL.findall(text), _PROGRAM.findall(text)
    new = [instruction(chooser, labels, programs) for _ in range(pick(chooser, (1, 1, 2, 3)))]
    if chooser.below(2):
        lines[where:where] = new
    else:
        lines[where:where + 1] = new


def _operand(chooser: Chooser, lines: list[str], text: str, donors: Sequence[Seed]) -> None:
    """Replace one operand of an instruction by another of any kind."""
    inside = [i for i in code_lines(lines) if "," in lines[i] or " " in lines[i].strip()]
    if not inside:
        return
    where = pick(chooser, inside)
    body = lines[where].partition(";")[0]
    words = re.split(r"(\s*,\s*|\s+->\s+|\s+)", body.strip())
    if len(words) < 3:
        return
    slot = 2 * (1 + chooser.below((len(words) - 1) // 2))
    kind = pick(chooser, "vrlpsmch")
    words[slot] = operand(chooser, kind, _LABEL.findall(text), _PROGRAM.findall(text))
    lines[where] = "    " + "".join(words)


def _code_to_file(chooser: Chooser, lines: list[str], text: str, donors: Sequence[Seed]) -> None:
    starts = [i for i, line in enumerate(lines) if _CODE_START.match(line)]
    if not starts:
        return
    start = pick(chooser, starts)
    found = _CODE_START.match(lines[start])
    assert found is not None
    quote = found.group(1)
    end = next((i for i in range(start + 1, len(lines)) if quote in lines[i]), start)
    if lines[start].count(quote) > 1:
        end = start
    lines[start:end + 1] = [f"file = {json.dumps(pick(chooser, STRINGS))}"]


def _nest(chooser: Chooser, lines: list[str], text: str, donors: Sequence[Seed]) -> None:
    keyed = [i for i, line in enumerate(lines) if _KEY_LINE.match(line)]
    if keyed:
        target = pick(chooser, keyed)
        lines[target] = lines[target].split("=", 1)[0] + "= " + nested(chooser)


def _scheduler(chooser: Chooser, lines: list[str], text: str, donors: Sequence[Seed]) -> None:
    _, _, options = platform_tables()
    name = pick(chooser, sorted(options))
    known = (*options[name], "quantum", "bogus")
    value = f"{{ name = {json.dumps(name)}, {pick(chooser, known)} = {toml_value(chooser)} }}"
    for index, line in enumerate(lines):
        if line.startswith("scheduler"):
            lines[index] = f"scheduler = {value}"
            return
    lines[0:0] = ["[machine]", f"scheduler = {value}"]


def _donor_line(chooser: Chooser, lines: list[str], text: str, donors: Sequence[Seed]) -> None:
    donor = pick(chooser, donors).text.split("\n")
    lines.insert(chooser.below(len(lines) + 1), pick(chooser, donor))


Mutation = Callable[[Chooser, list[str], str, Sequence[Seed]], "str | None"]
#: The mutations, the simplest first (Hypothesis shrinks towards it); the ones that keep a
#: scenario loadable more often appear several times.
MUTATIONS: tuple[Mutation, ...] = (
    _line_ops, _number, _string, _instruction, _operand, _number, _instruction, _drop_key,
    _add_key, _scheduler, _operand, _string, _break_toml, _code_to_file, _nest, _donor_line,
)


def mutate_once(chooser: Chooser, text: str, donors: Sequence[Seed]) -> str:
    lines = text.split("\n")
    changed = pick(chooser, MUTATIONS)(chooser, lines, text, donors)
    return changed if isinstance(changed, str) else "\n".join(lines)


def mutate(chooser: Chooser, seed: Seed, donors: Sequence[Seed]) -> str:
    """One to four mutations of ``seed`` (usually one)."""
    text = seed.text
    for _ in range(pick(chooser, (1, 1, 1, 2, 3, 4))):
        text = mutate_once(chooser, text, donors)
    return text


# --------------------------------------------------------------------------- exercise


class Hung(BaseException):
    """Raised by the watchdog inside a run that takes too long (not an Exception, so no
    ``except Exception`` on the way can swallow it)."""


class Crash(AssertionError):
    """A fuzzed input made osmodel fail in a way no user input may."""


@contextlib.contextmanager
def watchdog(seconds: float) -> Iterator[None]:
    """Raise `Hung` in the main thread after ``seconds`` of wall time, and again every
    second after that (an alarm that lands in a gc callback or a ``__del__`` is ignored)."""

    def alarm(signum: int, frame: object) -> None:
        raise Hung(f"no end after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _vm_size() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@contextlib.contextmanager
def memory_cap(headroom: int = MEMORY_HEADROOM) -> Iterator[None]:
    """Cap this process's address space at what it uses now plus ``headroom`` (Linux only),
    so a runaway allocation raises MemoryError instead of exhausting the machine."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = _vm_size() + headroom
    except (ImportError, OSError, ValueError):
        yield
        return
    for bound in (soft, hard):
        if bound != resource.RLIM_INFINITY:
            cap = min(cap, bound)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@cache
def program_dir() -> Path:
    """A directory of program files that ``file =`` mutants may name."""
    folder = Path(tempfile.mkdtemp(prefix="osmodel-fuzz-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    (folder / "prog.osm").write_text("    cpu 2\n    exit 0\n")
    (folder / "latin1.osm").write_bytes(b"    print \"caf\xe9\"\n")
    (folder / "empty.osm").write_text("")
    return folder


def tight(machine: object) -> object:
    """The machine with the fuzzer's limits where they are lower than its own."""
    from osmodel.kernel.machine import Limits, Machine

    assert isinstance(machine, Machine)
    limits = machine.limits

    def lower(value: int | None, cap: int) -> int:
        return cap if value is None else min(value, cap)

    return attrs.evolve(machine, limits=Limits(
        processes=lower(limits.processes, FUZZ_PROCESSES), time=lower(limits.time, FUZZ_TIME),
        user_processes=limits.user_processes))


@frozen
class Options:
    """How a mutant is run: the command line's overrides (None: not given), and compare."""

    platform: str | None = None
    cpus: int | None = None
    scheduler: str | None = None
    quantum: int | None = None
    until: int | None = None
    compare: bool = False

    def argv(self) -> list[str]:
        """The ``osmodel run`` options that give the same run."""
        args = []
        for name in ("platform", "cpus", "scheduler", "quantum", "until"):
            value = getattr(self, name)
            if value is not None:
                args += [f"--{name}", str(value)]
        return args


def draw_options(chooser: Chooser) -> Options:
    """Usually none; sometimes another platform, an override, or the compare path too."""
    platform = pick(chooser, (None, None, None, *PLATFORMS))
    which = pick(chooser, (0, 0, 0, 1, 2, 3, 4, 5))
    return Options(
        platform=platform,
        cpus=pick(chooser, (0, 2, 1024, 99999999999999999999999)) if which == 1 else None,
        scheduler=pick(chooser, ("fifo", "mlfq", "cfs", "lottery", "nosuch"))
        if which == 2 else None,
        quantum=pick(chooser, (0, -1, 1, 10**12)) if which == 3 else None,
        until=pick(chooser, (-1, 0, 7, 10**12)) if which == 4 else None,
        compare=which == 5)


def exercise(text: str, options: Options = Options()) -> str:
    """Load ``text`` and, if it loads, run it under tight limits and draw every view.

    Returns how it ended ("refused: ..." or "ran on ..."); raises `Crash` for any
    exception that is not one of the project's errors, for a built-in plugin's
    failure (no third-party plugin is loaded, so a PluginError is a crash in disguise),
    and for a run that does not end.
    """
    from osmodel.kernel.errors import OsmodelError, PluginError

    try:
        with watchdog(HANG_SECONDS):
            return _exercise(text, options)
    except PluginError as error:
        raise Crash(f"a built-in plugin failed: {error}") from error
    except OsmodelError as error:
        return f"refused: {error}"
    except Hung as error:
        raise Crash(f"hung: {error}") from error
    except Exception as error:
        raise Crash(f"{type(error).__name__}: {error}"[:500]) from error


def _exercise(text: str, options: Options) -> str:
    from osmodel.kernel.manager import make_plugin_manager
    from osmodel.kernel.report import build_report
    from osmodel.kernel.scenario import loads_scenario
    from osmodel.kernel.simulation import machine_for, simulate
    from osmodel.plugins.commands import jsonl, render_text
    from osmodel.plugins.views.commands import live_report_processes, timeline_text, tree_text
    from osmodel.plugins.views.dot import process_graph
    from osmodel.plugins.views.perfetto import chrome_trace

    scenario = loads_scenario(text, source="mutant.toml", base_dir=program_dir())
    platform = options.platform or scenario.platform or "unix"
    machine = tight(machine_for(scenario, cpus=options.cpus, scheduler=options.scheduler,
                                quantum=options.quantum))
    until = options.until
    pm = make_plugin_manager(autoload=False)
    with simulate(scenario, platform=platform, pm=pm, machine=machine, run=False) as sim:
        sim.run(until)
        sim.finish()
        sim.kernel.settle()
        report = build_report(sim)
        json.dumps(report)
        render_text(sim, report)
        timeline_text(sim, 60)
        tree_text(sim)
        process_graph(live_report_processes(sim), sim.platform)
        processes = [(p.pid, p.acct.created, p.name) for p in sim.processes()]
        json.dumps(chrome_trace(sim.recorder.events, processes, sim.kernel.machine.cpus,
                                sim.kernel.now, sim.platform))
        for _ in jsonl(sim.recorder.events):
            pass
    if options.compare:
        _compare(attrs.evolve(scenario, machine=machine), pm)
    return f"ran on {platform}"


def _compare(scenario: object, pm: object) -> None:
    """The compare command's and the HTML report's path, on two platforms."""
    from osmodel.plugins.views.compare import (
        RunFailed,
        compare_text,
        differences,
        execute,
        match,
    )
    from osmodel.plugins.views.html import html_report

    try:
        runs = [execute(scenario, name, pm, end=True) for name in ("unix", "windows")]  # type: ignore[arg-type]
    except RunFailed:
        return
    subjects = match(runs, scenario.programs)  # type: ignore[attr-defined]
    found = differences(runs, subjects)
    compare_text(runs, subjects, found, scenario, 40)  # type: ignore[arg-type]
    html_report(runs, subjects, found, "fuzz", "")


# --------------------------------------------------------------------------- campaign


def signature(crash: Crash) -> str:
    """What tells one bug from another: the exception's type and innermost osmodel frame."""
    cause = crash.__cause__ or crash
    inner = cause.__cause__ if cause.__cause__ is not None else cause
    frames = [frame for frame, _ in traceback.walk_tb(inner.__traceback__)]
    ours = [frame for frame in frames if frame.f_globals.get("__name__", "").startswith("osmodel.")]
    if not ours:
        return f"{type(inner).__name__} at ?"
    if isinstance(inner, Hung):  # wherever the loop was interrupted: name the caller chain
        return "Hung in " + " < ".join(f.f_code.co_name for f in reversed(ours[-3:]))
    frame = ours[-1]
    return f"{type(inner).__name__} at {frame.f_globals['__name__']}:{frame.f_code.co_name}:" \
           f"{frame.f_lineno}"


def crash_of(text: str, options: Options) -> Crash | None:
    try:
        exercise(text, options)
    except Crash as crash:
        return crash
    return None


def minimise(text: str, wanted: str, options: Options, budget: int = 400) -> str:
    """Delete lines while the same crash remains (a hang gets fewer, shorter tries)."""
    global HANG_SECONDS
    if wanted.startswith("Hung"):
        budget, saved, HANG_SECONDS = 40, HANG_SECONDS, 3.0
        try:
            return _minimise(text, wanted, options, budget)
        finally:
            HANG_SECONDS = saved
    return _minimise(text, wanted, options, budget)


def _minimise(text: str, wanted: str, options: Options, budget: int) -> str:
    lines = text.split("\n")
    tries = 0

    def same(candidate: list[str]) -> bool:
        nonlocal tries
        tries += 1
        crash = crash_of("\n".join(candidate), options)
        return crash is not None and signature(crash) == wanted

    chunk = max(1, len(lines) // 2)
    while chunk >= 1 and tries < budget:
        index = 0
        while index < len(lines) and tries < budget:
            candidate = lines[:index] + lines[index + chunk:]
            if candidate and same(candidate):
                lines = candidate
            else:
                index += chunk
        chunk //= 2
    return "\n".join(lines)


def campaign(seconds: float, findings: Path, out: Path, rng_seed: int) -> None:
    rng = random.Random(rng_seed)
    chooser = RandomChooser(rng)
    pool = seeds()
    seen: set[str] = set()
    if findings.exists():
        seen.update(re.findall(r"^signature: (.*)$", findings.read_text(), flags=re.M))
    out.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + seconds
    runs = 0
    with memory_cap():
        while time.monotonic() < deadline:
            seed = pick(chooser, pool)
            text = mutate(chooser, seed, pool)
            options = draw_options(chooser)
            runs += 1
            try:
                exercise(text, options)
            except Crash as crash:
                found = signature(crash)
                if found in seen:
                    continue
                seen.add(found)
                small = minimise(text, found, options)
                _record(findings, out, found, crash, small, seed, options)
    print(f"{runs} mutants, {len(seen)} distinct crashes known", file=sys.stderr)


def _record(findings: Path, out: Path, found: str, crash: Crash, text: str, seed: Seed,
            options: Options) -> None:
    name = re.sub(r"[^A-Za-z0-9]+", "_", found).strip("_")[:80]
    case = out / f"{name}.toml"
    case.write_text(text)
    inner = crash.__cause__ or crash
    tail = "".join(traceback.format_exception(inner)[-3:]).strip()
    with findings.open("a") as handle:
        handle.write(f"\n## {found}\n\nsignature: {found}\n\n- symptom: {str(crash)[:300]}\n"
                     f"- from seed: {seed.name}\n- options: {options}\n"
                     f"- reproduce: `osmodel run {case} {' '.join(options.argv())}` "
                     f"(fuzzer limits: time {FUZZ_TIME}, processes {FUZZ_PROCESSES})\n\n"
                     f"```toml\n{text}\n```\n\n```text\n{tail[-1500:]}\n```\n")
    print(f"new crash: {found}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--findings", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    campaign(args.seconds, args.findings, args.out, args.seed)


if __name__ == "__main__":
    main()

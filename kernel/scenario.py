"""Scenarios: one TOML file describes the machine, the programs, the files and a timeline.

A scenario is user input, so every mistake in it is a `SourceError` that points
at the exact line and column to fix.  tomllib reports positions only for
syntax errors; for everything else `osmodel.kernel.tomlpos.Locator` scans the text
once and records where each key, value and table header is (that module also
guards tomllib against what it must not see), and `_Reader` checks the parsed
values against the format (docs/scenario.md) while asking the locator where
to point.  Program code embedded in the file is parsed with its own position
in the file, so assembler errors point into the TOML file too.

Loading is all or nothing: `load_scenario` either returns a complete, checked
`Scenario` or raises before building anything.

Every size and count is bounded (the ``MAX_`` constants here and in
`osmodel.kernel.machine`), and checked where it is read, so a file that passes
cannot exhaust the host: the text is bounded before it is parsed, nesting and
over-long numbers are refused before tomllib recurses or converts, and a
program file is read only if it is a regular file of bounded size.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NoReturn

import attrs
from attrs import field, frozen

from .asm import parse
from .errors import Location, SourceError
from .machine import (
    MAX_CPUS,
    MAX_FRAMES,
    MAX_MEMORY_WORDS,
    MAX_PAGE_WORDS,
    MAX_TICKS,
    Limits,
    Machine,
)
from .memory import initialised_frames
from .program import REGISTERS, Program
from .tomlpos import (
    BARE_KEY,
    MAX_DIGITS,
    MAX_NESTING,
    KeyPath,
    Locator,
    line_column,
    toml_error_position,
    unsafe_toml,
)

__all__ = [
    "EVENT_KINDS",
    "INT64_MAX",
    "INT64_MIN",
    "KEYS",
    "MAX_DIGITS",
    "MAX_FILES",
    "MAX_FILE_WORDS",
    "MAX_NESTING",
    "MAX_PROGRAMS",
    "MAX_PROGRAM_BYTES",
    "MAX_SCENARIO_BYTES",
    "MAX_TICKETS",
    "MAX_TIMELINE",
    "Scenario",
    "TimelineEvent",
    "load_scenario",
    "loads_scenario",
    "unsafe_toml",
]

#: The kinds of timeline events, in the order the format lists them.
EVENT_KINDS = ("user", "batch", "key", "kill")

#: Keys a ``[[timeline]]`` entry may use for ``key = ...``.
KEYS = ("ctrl-c", "ctrl-break", "ctrl-z")

#: The largest scenario, in bytes: tomllib and the assembler read about 0.2 MB a second.
MAX_SCENARIO_BYTES = 1 << 20
#: What the program files of one scenario may come to, one or all together, in bytes.
MAX_PROGRAM_BYTES = 1 << 20
#: The most programs, initial files, words in one file and timeline entries.
MAX_PROGRAMS = 1000
MAX_FILES = 1000
MAX_FILE_WORDS = 100_000
MAX_TIMELINE = 10_000
#: The most tickets a job may hold (lottery, stride).
MAX_TICKETS = 1_000_000

#: TOML integers are 64-bit; tomllib reads bigger ones, which are refused here.
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1

_NOWHERE = Location(None, 1, 1)
_PROGRAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")

_TOP_KEYS = ("scenario", "machine", "programs", "files", "timeline")
_SCENARIO_KEYS = ("title", "description", "platform", "seed")
_MACHINE_KEYS = (
    "cpus",
    "frames",
    "page_words",
    "switch_cost",
    "io_issue_cost",
    "io_done_cost",
    "scheduler",
    "limits",
)
_LIMIT_KEYS = tuple(attrs.fields_dict(Limits))
_PROGRAM_KEYS = ("code", "file", "pages")
#: Scheduling attributes a ``user`` or ``batch`` entry may give the process it starts.
LAUNCH_KEYS = ("priority", "nice", "tickets", "length", "cpus")
#: The values the numeric ones take.
LAUNCH_RANGES: dict[str, tuple[int, int]] = {
    "priority": (-1000, 1000), "nice": (-20, 19), "tickets": (1, MAX_TICKETS),
    "length": (0, MAX_TICKS)}
_EVENT_KEYS = ("at", *EVENT_KINDS, "background", "args", "signal", *LAUNCH_KEYS)



@frozen
class TimelineEvent:
    """Something that happens from outside the machine at a given time.

    ``kind`` says which fields matter: ``user`` (a command typed at a terminal:
    program, background, args), ``batch`` (a job submitted: program, args),
    ``key`` (an interrupt key: key) or ``kill`` (an operator kills a process:
    target, signal).  The platform decides what each means.
    """

    time: int
    kind: str
    program: str | None = None
    background: bool = False
    args: tuple[int, ...] = ()
    key: str | None = None
    target: int | str | None = None
    signal: str | None = None
    #: Scheduling attributes for the process a user or batch event starts, as
    #: PCB field names (``priority``, ``nice``, ``tickets``, ``expected``, ``affinity``).
    launch: tuple[tuple[str, Any], ...] = ()
    location: Location = field(eq=False, default=_NOWHERE)


def _by_time(events: Iterable[TimelineEvent]) -> tuple[TimelineEvent, ...]:
    """Events sorted by time; equal times keep their order (sorted() is stable)."""
    return tuple(sorted(events, key=lambda event: event.time))


@frozen
class Scenario:
    """Everything one run needs besides the platform and plugins.

    ``timeline`` is always sorted by time (stable), however it was built, so
    the simulation can schedule it in order and equal times keep file order.
    """

    machine: Machine
    programs: Mapping[str, Program]
    timeline: tuple[TimelineEvent, ...] = field(converter=_by_time)
    files: Mapping[str, tuple[int, ...]] = field(factory=dict)
    platform: str | None = None
    seed: int | None = None
    title: str = ""
    description: str = ""
    source: str | None = None
    #: Where values that are checked only at boot were written, for the errors boot
    #: raises: "platform", "scheduler" (the name), "scheduler_options" (the table) and
    #: "scheduler_options.KEY" (each option's value); only what the file gives.
    locations: Mapping[str, Location] = field(eq=False, factory=dict)


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read a scenario file; program files it names are relative to its directory.

    At most `MAX_SCENARIO_BYTES` are read, whatever the path is (a pipe, a device).
    """
    source = os.fspath(path)
    try:
        with open(source, "rb") as file:
            data = file.read(MAX_SCENARIO_BYTES + 1)
    except OSError as error:
        raise SourceError(
            f"cannot read scenario: {error.strerror or error}", Location(source, 1, 1)
        ) from None
    if len(data) > MAX_SCENARIO_BYTES:
        _too_large(source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise SourceError(
            "the scenario is not UTF-8 text", Location(source, line, column), "UTF-8 text"
        ) from None
    return loads_scenario(text, source=source, base_dir=Path(source).parent)


def loads_scenario(
    text: str, *, source: str = "<string>", base_dir: Path | None = None
) -> Scenario:
    """Read a scenario from text; ``source`` names it in errors, ``base_dir`` anchors ``file =``.

    Without ``base_dir`` program files are looked up in the current directory.
    """
    if len(text) > MAX_SCENARIO_BYTES:
        _too_large(source)
    hazard = unsafe_toml(text)
    if hazard is not None:
        offset, message, expected = hazard
        raise SourceError(message, Location(source, *line_column(text, offset)), expected)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message, line, column = toml_error_position(error, text)
        raise SourceError(f"invalid TOML: {message}", Location(source, line, column)) from None
    reader = _Reader(text, source, base_dir if base_dir is not None else Path())
    return reader.scenario(document)


def _too_large(source: str) -> NoReturn:
    raise SourceError(f"the scenario is larger than {_number(MAX_SCENARIO_BYTES)} bytes",
                      Location(source, 1, 1), f"at most {_number(MAX_SCENARIO_BYTES)} bytes")


# -- checking the values ------------------------------------------------------------------


def _is_int(value: object) -> bool:
    """True for TOML integers; bool is an int subclass in Python but not a number here."""
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: int) -> str:
    """A bound as messages write it: 1024, 1,048,576, 2^63 - 1."""
    if value == INT64_MAX:
        return "2^63 - 1"
    if value == INT64_MIN:
        return "-2^63"
    return f"{value:,}" if abs(value) >= 10_000 else str(value)


def _show(value: object) -> str:
    """A value as the user wrote it, roughly, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 40 else f'"{value[:37]}..."'
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return f"a date/time ({value})"


def _label(table: KeyPath) -> str:
    """How messages name a table: ``[machine.limits]``, ``timeline entry 3``."""
    if not table:
        return "at the top level"
    if table[0] == "timeline" and len(table) > 1 and isinstance(table[1], int):
        return f"in timeline entry {table[1] + 1}"
    parts = [
        part if BARE_KEY.fullmatch(part) else f'"{part}"' for part in (str(item) for item in table)
    ]
    return f"in [{'.'.join(parts)}]"


# -- program files ------------------------------------------------------------------------


class _Refused(Exception):
    """A program file that is not a regular file: what it is."""


class _TooLarge(Exception):
    """A program file with more bytes than may be read."""


_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
)
# Opening a FIFO for reading waits for a writer, and a terminal could become ours.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def _check_regular(info: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise _Refused(next((name for test, name in _FILE_KINDS if test(info.st_mode)),
                            "a special file"))
    if info.st_size > limit:
        raise _TooLarge


def _read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, of at most ``limit`` bytes (else _Refused
    or _TooLarge).

    A special file is refused before it is opened (opening a device can act on
    it); then the file is opened once, the open file checked (fstat) and at most
    ``limit + 1`` bytes read, so what was checked is what is read, whatever
    replaces the path meanwhile.
    """
    _check_regular(os.stat(path), limit)
    with os.fdopen(os.open(path, _OPEN_FLAGS), "rb") as file:
        _check_regular(os.fstat(file.fileno()), limit)
        data = file.read(limit + 1)
    if len(data) > limit:  # it grew after fstat
        raise _TooLarge
    return data


_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")
_LONG_WORD = re.compile(r"\S{41,}")


def _clipped(message: str) -> str:
    """``message`` with each quoted part and each word cut to 40 characters.

    A program file's errors quote the offending token; when the file is not a
    program (``file = "/etc/passwd"``) the token could be most of a line of it.
    """
    message = _QUOTED.sub(
        lambda found: found.group() if len(found.group()) <= 42
        else found.group()[:38] + "..." + found.group()[-1], message)
    return _LONG_WORD.sub(lambda found: found.group()[:37] + "...", message)


class _Reader:
    """Checks a parsed document and builds the Scenario; every complaint has a location."""

    def __init__(self, text: str, source: str, base_dir: Path) -> None:
        self.source = source
        self.base_dir = base_dir
        self.where = Locator(text)
        self.locations: dict[str, Location] = {}
        self.program_file_bytes = 0

    # -- locations and errors -------------------------------------------------------------

    def _location(self, offset: int | None) -> Location | None:
        if offset is None:
            return None
        line, column = self.where.position(offset)
        return Location(self.source, line, column)

    def value_at(self, path: KeyPath) -> Location:
        """Where the value at ``path`` is written, or the nearest enclosing place that is."""
        while path:
            for found in (self.where.values, self.where.headers, self.where.keys):
                location = self._location(found.get(path))
                if location is not None:
                    return location
            path = path[:-1]
        return Location(self.source, 1, 1)

    def key_at(self, path: KeyPath) -> Location:
        """Where the key of ``path`` is written (for unknown keys)."""
        return self._location(self.where.keys.get(path)) or self.value_at(path)

    def table_at(self, path: KeyPath) -> Location:
        """Where a table starts: its header, or its inline value (for missing keys)."""
        return self._location(self.where.headers.get(path)) or self.value_at(path)

    def fail(self, message: str, location: Location, expected: str | None = None) -> NoReturn:
        raise SourceError(message, location, expected)

    def bad_value(self, path: KeyPath, value: object, expected: str) -> NoReturn:
        self.fail(
            f"invalid value {_show(value)} for {path[-1]!r} {_label(path[:-1])}",
            self.value_at(path),
            expected,
        )

    # -- shapes ---------------------------------------------------------------------------

    def table(self, path: KeyPath, value: object) -> dict[str, Any]:
        if not isinstance(value, dict):
            if isinstance(path[-1], int):
                what = _label(path).removeprefix("in ")
            else:
                what = f"{path[-1]!r} {_label(path[:-1])}"
            self.fail(
                f"{what} must be a table, not {_show(value)}",
                self.value_at(path),
                "a table",
            )
        return value

    def known_keys(self, path: KeyPath, table: Mapping[str, Any], known: tuple[str, ...]) -> None:
        """Reject keys the format does not have, suggesting the closest known one."""
        for key in table:
            if key not in known:
                message = f"unknown key {key!r} {_label(path)}"
                close = difflib.get_close_matches(key, known, n=1)
                if close:
                    message += f"; did you mean {close[0]!r}?"
                self.fail(message, self.key_at((*path, key)), "one of " + ", ".join(known))

    def integer(self, path: KeyPath, value: object, low: int, high: int) -> int:
        expected = f"an integer from {_number(low)} to {_number(high)}"
        if not _is_int(value):
            self.bad_value(path, value, expected)
        assert isinstance(value, int)
        if not low <= value <= high:
            self.bad_value(path, value, expected)
        return value

    def string(self, path: KeyPath, value: object, *, empty: bool = False) -> str:
        if not isinstance(value, str) or (not empty and not value):
            self.bad_value(path, value, "a string" if empty else "a non-empty string")
        return value

    # -- sections -------------------------------------------------------------------------

    def scenario(self, document: dict[str, Any]) -> Scenario:
        self.known_keys((), document, _TOP_KEYS)
        head = self.table(("scenario",), document.get("scenario", {}))
        self.known_keys(("scenario",), head, _SCENARIO_KEYS)
        title = self.string(("scenario", "title"), head.get("title", ""), empty=True)
        description = self.string(
            ("scenario", "description"), head.get("description", ""), empty=True
        )
        platform = head.get("platform")
        if platform is not None:
            platform = self.string(("scenario", "platform"), platform)
            self.locations["platform"] = self.value_at(("scenario", "platform"))
        seed = head.get("seed")
        if seed is not None:
            seed = self.integer(("scenario", "seed"), seed, INT64_MIN, INT64_MAX)
        machine = self.machine(document.get("machine", {}))
        programs = self.programs(document.get("programs"), machine)
        files = self.files(document.get("files", {}))
        timeline = self.timeline(document.get("timeline", []), programs, machine.cpus)
        return Scenario(
            machine,
            programs,
            timeline,
            files,
            platform=platform,
            seed=seed,
            title=title,
            description=description,
            source=self.source,
            locations=self.locations,
        )

    def machine(self, value: object) -> Machine:
        path: KeyPath = ("machine",)
        table = self.table(path, value)
        self.known_keys(path, table, _MACHINE_KEYS)
        defaults = Machine()
        numbers: dict[str, int] = {}
        for key, low, high in (
            ("cpus", 1, MAX_CPUS),
            ("frames", 1, MAX_FRAMES),
            ("page_words", 1, MAX_PAGE_WORDS),
            ("switch_cost", 0, MAX_TICKS),
            ("io_issue_cost", 0, MAX_TICKS),
            ("io_done_cost", 0, MAX_TICKS),
        ):
            if key in table:
                numbers[key] = self.integer((*path, key), table[key], low, high)
        words = numbers.get("page_words", defaults.page_words)
        if words & (words - 1):
            self.bad_value((*path, "page_words"), words, "a power of two (1, 2, 4, 8, ...)")
        frames = numbers.get("frames", defaults.frames)
        if frames * words > MAX_MEMORY_WORDS:
            key = "frames" if "frames" in table else "page_words"
            self.fail(
                f"{_number(frames)} frames of {_number(words)} words are more memory than a "
                f"machine may have ({_number(MAX_MEMORY_WORDS)} words)",
                self.value_at((*path, key)),
                f"frames * page_words <= {_number(MAX_MEMORY_WORDS)}",
            )
        scheduler, options = (self.scheduler(table["scheduler"]) if "scheduler" in table
                              else (defaults.scheduler, {}))
        limits = self.limits(table.get("limits", {}))
        return attrs.evolve(
            defaults, scheduler=scheduler, scheduler_options=options, limits=limits, **numbers
        )

    def scheduler(self, value: object) -> tuple[str, dict[str, Any]]:
        """A scheduler name, or a table with ``name`` whose other keys are its options."""
        path: KeyPath = ("machine", "scheduler")
        if isinstance(value, str):
            name = self.string(path, value)
            self.locations["scheduler"] = self.value_at(path)
            return name, {}
        if not isinstance(value, dict):
            self.bad_value(path, value, 'a scheduler name, or a table { name = "rr", ... }')
        if "name" not in value:
            self.fail(
                "scheduler table has no 'name'",
                self.table_at(path),
                'a scheduler name: { name = "rr", ... }',
            )
        name = self.string((*path, "name"), value["name"])
        self.locations["scheduler"] = self.value_at((*path, "name"))
        self.locations["scheduler_options"] = self.table_at(path)
        options: dict[str, Any] = {}
        for key, option in value.items():
            if key == "name":
                continue
            # Flat values only: policies read scalars and lists of them, and a table or
            # an array of arrays could nest (dotted keys) deeper than anything may recurse.
            items = option if isinstance(option, list) else [option]
            if not all(isinstance(item, int | float | str) for item in items):
                self.bad_value((*path, key), option,
                               "an integer, number, boolean, string or array of those")
            options[key] = option
            self.locations[f"scheduler_options.{key}"] = self.value_at((*path, key))
        return name, options

    def limits(self, value: object) -> Limits:
        path: KeyPath = ("machine", "limits")
        table = self.table(path, value)
        self.known_keys(path, table, _LIMIT_KEYS)
        bounds: dict[str, int | None] = {}
        for key, bound in table.items():
            if bound is False:
                bounds[key] = None
            elif not _is_int(bound) or not 1 <= bound <= INT64_MAX:
                self.bad_value((*path, key), bound,
                               f"an integer from 1 to {_number(INT64_MAX)}, or false for no limit")
            else:
                bounds[key] = bound
            self.locations[f"limits.{key}"] = self.value_at((*path, key))
        return Limits(**bounds)

    def programs(self, value: object, machine: Machine) -> dict[str, Program]:
        path: KeyPath = ("programs",)
        if value is None:
            self.fail(
                "the scenario has no programs",
                Location(self.source, 1, 1),
                "at least one [programs.NAME] table",
            )
        table = self.table(path, value)
        if not table:
            self.fail(
                "the scenario has no programs",
                self.table_at(path),
                "at least one [programs.NAME] table",
            )
        if len(table) > MAX_PROGRAMS:
            self.fail(
                f"the scenario has {_number(len(table))} programs, more than "
                f"{_number(MAX_PROGRAMS)}",
                self.key_at((*path, list(table)[MAX_PROGRAMS])),
                f"at most {_number(MAX_PROGRAMS)} programs",
            )
        return {name: self.program(name, entry, machine) for name, entry in table.items()}

    def program(self, name: str, value: object, machine: Machine) -> Program:
        path: KeyPath = ("programs", name)
        if not _PROGRAM_NAME.fullmatch(name):
            self.fail(
                f"invalid program name {name!r}",
                self.key_at(path),
                "a name of letters, digits, '_', '.' and '-' that starts with a letter or '_'",
            )
        table = self.table(path, value)
        self.known_keys(path, table, _PROGRAM_KEYS)
        if "code" in table and "file" in table:
            self.fail(
                f"program {name!r} has both 'code' and 'file'",
                self.key_at((*path, "file")),
                "either code = ... or file = ..., not both",
            )
        if "code" in table:
            code = self.string((*path, "code"), table["code"], empty=True)
            line, column = self.where.content_start((*path, "code")) or (1, 1)
            program = parse(code, name, file=self.source, line=line, column=column)
        elif "file" in table:
            program = self.program_file(name, self.string((*path, "file"), table["file"]))
        else:
            self.fail(
                f"program {name!r} has no 'code' or 'file'",
                self.table_at(path),
                'code = """...""" or file = "NAME.osm"',
            )
        if "pages" in table:
            pages = self.integer((*path, "pages"), table["pages"], 1, MAX_FRAMES)
            program = attrs.evolve(program, pages=pages)
        needed = initialised_frames(program.data, machine.page_words)
        if needed > machine.frames:
            self.fail(
                f"program {name!r} needs {_number(needed)} frames for its initialised data, "
                f"and the machine has {_number(machine.frames)}",
                self.table_at(path),
                f"frames >= {needed} in [machine], or less initialised data",
            )
        return program

    def program_file(self, name: str, relative: str) -> Program:
        """Parse a program file; its errors point into that file, read errors at ``file =``.

        The file may be anywhere (a shared ``../programs`` folder), so it may be no
        program at all: it must be a regular file of bounded size, and an error in
        it quotes no more than the start of the offending token.
        """
        path = self.base_dir / relative
        where = self.value_at(("programs", name, "file"))
        left = MAX_PROGRAM_BYTES - self.program_file_bytes
        try:
            data = _read_regular(path, left)
        except FileNotFoundError:
            self.fail(
                f"program file not found: {path}", where, f"a file relative to {self.base_dir}/"
            )
        except _Refused as refused:
            self.fail(f"program file {path} is {refused}, not a regular file", where,
                      "a regular file")
        except _TooLarge:
            self.fail(
                f"program file {path} has more than {_number(left)} bytes"
                + ("" if left == MAX_PROGRAM_BYTES else ", what is left for it"),
                where,
                f"program files of at most {_number(MAX_PROGRAM_BYTES)} bytes, one or all "
                "together",
            )
        except OSError as error:
            self.fail(f"cannot read program file {path}: {error.strerror or error}", where)
        except ValueError:  # a NUL in the name
            self.fail(f"cannot read program file {str(path)!r}: the name has a NUL character",
                      where, "a file name")
        self.program_file_bytes += len(data)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.fail(f"program file {path} is not UTF-8 text", where, "UTF-8 text")
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # as text-mode reading does
        try:
            return parse(text, name, file=str(path))
        except SourceError as error:
            expected = _clipped(error.expected) if error.expected else None
            raise SourceError(_clipped(error.message), error.location, expected) from None

    def files(self, value: object) -> dict[str, tuple[int, ...]]:
        path: KeyPath = ("files",)
        table = self.table(path, value)
        if len(table) > MAX_FILES:
            self.fail(
                f"[files] has {_number(len(table))} files, more than {_number(MAX_FILES)}",
                self.key_at((*path, list(table)[MAX_FILES])),
                f"at most {_number(MAX_FILES)} files",
            )
        files: dict[str, tuple[int, ...]] = {}
        for name, words in table.items():
            if not name:
                self.fail("a file name is empty", self.key_at((*path, name)), "a file name")
            files[name] = self.integers((*path, name), words, "an array of integers",
                                        most=MAX_FILE_WORDS)
        return files

    def integers(self, path: KeyPath, value: object, expected: str, *, most: int,
                 low: int = INT64_MIN, high: int = INT64_MAX) -> tuple[int, ...]:
        """An array of at most ``most`` integers from ``low`` to ``high``."""
        if not isinstance(value, list):
            self.bad_value(path, value, expected)
        if len(value) > most:
            self.bad_value(path, value, f"{expected} (at most {_number(most)} of them)")
        for index, item in enumerate(value):
            if not _is_int(item) or not low <= item <= high:
                self.fail(
                    f"invalid value {_show(item)} in {path[-1]!r} {_label(path[:-1])}",
                    self.value_at((*path, index)),
                    f"an integer from {_number(low)} to {_number(high)}",
                )
        return tuple(value)

    def timeline(self, value: object, programs: Mapping[str, Program],
                 cpus: int) -> tuple[TimelineEvent, ...]:
        if not isinstance(value, list):
            self.bad_value(("timeline",), value, "[[timeline]] tables")
        if len(value) > MAX_TIMELINE:
            self.fail(
                f"the timeline has {_number(len(value))} entries, more than "
                f"{_number(MAX_TIMELINE)}",
                self.table_at(("timeline", MAX_TIMELINE)),
                f"at most {_number(MAX_TIMELINE)} timeline entries",
            )
        return _by_time(self.event(index, entry, programs, cpus)
                        for index, entry in enumerate(value))

    def launch(self, path: KeyPath, table: Mapping[str, Any],
               cpus: int) -> tuple[tuple[str, Any], ...]:
        """The scheduling attributes of a user or batch entry, as PCB fields."""
        found: list[tuple[str, Any]] = []
        for key, (low, high) in LAUNCH_RANGES.items():
            if key in table:
                field_name = "expected" if key == "length" else key
                found.append((field_name, self.integer((*path, key), table[key], low, high)))
        if "cpus" in table:
            allowed = self.integers((*path, "cpus"), table["cpus"], "an array of CPU numbers",
                                    most=MAX_CPUS)
            for index, cpu in enumerate(allowed):
                if not 0 <= cpu < cpus:
                    self.fail(f"no CPU {cpu} in 'cpus' {_label(path)} (the machine has {cpus})",
                              self.value_at((*path, "cpus", index)),
                              f"a CPU number from 0 to {cpus - 1}")
            if not allowed:
                self.bad_value((*path, "cpus"), table["cpus"], "at least one CPU number")
            found.append(("affinity", frozenset(allowed)))
        return tuple(found)

    def event(self, index: int, value: object, programs: Mapping[str, Program],
              cpus: int = 1) -> TimelineEvent:
        path: KeyPath = ("timeline", index)
        table = self.table(path, value)
        self.known_keys(path, table, _EVENT_KEYS)
        kinds = [kind for kind in EVENT_KINDS if kind in table]
        if not kinds:
            self.fail(
                f"timeline entry {index + 1} says nothing happens",
                self.table_at(path),
                "one of " + ", ".join(f"{kind} = ..." for kind in EVENT_KINDS),
            )
        if len(kinds) > 1:
            self.fail(
                f"timeline entry {index + 1} has both {kinds[0]!r} and {kinds[1]!r}",
                self.key_at((*path, kinds[1])),
                "exactly one of " + ", ".join(EVENT_KINDS),
            )
        kind = kinds[0]
        for key, allowed in (
            ("background", ("user",)),
            ("args", ("user", "batch")),
            ("signal", ("kill",)),
            *((key, ("user", "batch")) for key in LAUNCH_KEYS),
        ):
            if key in table and kind not in allowed:
                self.fail(
                    f"{key!r} does not go with {kind!r} in timeline entry {index + 1}",
                    self.key_at((*path, key)),
                    f"{key!r} only with " + " or ".join(allowed),
                )
        if "at" not in table:
            self.fail(
                f"timeline entry {index + 1} has no time",
                self.table_at(path),
                "at = TIME (an integer >= 0)",
            )
        time = self.integer((*path, "at"), table["at"], 0, MAX_TICKS)
        event = TimelineEvent(time, kind, location=self.table_at(path))
        if kind in ("user", "batch"):
            program = self.string((*path, kind), table[kind])
            if program not in programs:
                known = ", ".join(sorted(programs))
                close = difflib.get_close_matches(program, list(programs), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.fail(
                    f"unknown program {program!r} (the programs are: {known}){hint}",
                    self.value_at((*path, kind)),
                    f"one of {known}",
                )
            background = table.get("background", False)
            if not isinstance(background, bool):
                self.bad_value((*path, "background"), background, "true or false")
            args = self.integers((*path, "args"), table.get("args", []), "an array of integers",
                                 most=REGISTERS)
            return attrs.evolve(event, program=program, background=background, args=args,
                                launch=self.launch(path, table, cpus))
        if kind == "key":
            key = self.string((*path, "key"), table["key"]).lower()
            if key not in KEYS:
                self.bad_value((*path, "key"), table["key"], "one of " + ", ".join(KEYS))
            return attrs.evolve(event, key=key)
        target = table["kill"]
        if isinstance(target, str):
            if not target:
                self.fail(
                    f"kill in timeline entry {index + 1} names no process",
                    self.value_at((*path, "kill")),
                    "a process id or a program name",
                )
        elif not _is_int(target) or not 0 <= target <= INT64_MAX:
            self.bad_value((*path, "kill"), target,
                           f"a process id (an integer from 0 to {_number(INT64_MAX)}) or a name")
        signal = table.get("signal")
        if signal is not None:
            signal = self.string((*path, "signal"), signal)
        return attrs.evolve(event, target=target, signal=signal)

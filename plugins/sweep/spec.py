"""Reading a sweep specification: seeds, a grid of run options, a workload.

A spec is user input like a scenario, so every mistake is a `SourceError` at
the line and column to fix, found by the same means (`osmodel.kernel.tomlpos`):
the text is guarded before tomllib sees it and located after, and a bad
value is quoted as the scenario loader quotes it.  Values are
checked here only for their shape and bounds; whether a policy takes an
option is the policy's to say, and `osmodel.plugins.sweep.checks` asks it
before anything runs.
"""

from __future__ import annotations

import difflib
import itertools
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

from attrs import frozen

from osmodel.kernel.errors import Location, SourceError
from osmodel.kernel.machine import MAX_CPUS, MAX_TICKS
from osmodel.kernel.scenario import INT64_MAX, INT64_MIN, MAX_SCENARIO_BYTES, _is_int, _show
from osmodel.kernel.tomlpos import KeyPath, Locator, line_column, toml_error_position, unsafe_toml

#: The most runs one sweep may have: every row is kept in memory until it is written.
MAX_RUNS = 1_000_000
#: The most values one grid key (or one policy's option) may list.
MAX_VALUES = 10_000
#: The most jobs a generated workload may have (``osmodel schedule --count``).
MAX_JOBS = 100_000
#: The longest generated job (``osmodel schedule --max-length``).
MAX_DEMAND = 100_000_000
#: The longest I/O of a ``processes`` program (the tick-by-tick table's bound).
MAX_IO_LENGTH = 1_000_000

_TOP_KEYS = ("sweep", "grid", "workload")
_SWEEP_KEYS = ("seeds",)
_GRID_KEYS = ("policy", "cpus", "quantum", "switch_cost", "platform", "options")
_GENERATED_KEYS = ("count", "max_length", "max_arrival", "processes", "io_length")
_WORKLOAD_KEYS = (*_GENERATED_KEYS, "scenario")
_RANGE = re.compile(r"\s*([+-]?[0-9]{1,19})\s*(?:-\s*([+-]?[0-9]{1,19})\s*)?")
_OPTION_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")

OptionValue = int | float | str | bool | tuple[int | float | str | bool, ...]


@frozen
class Generated:
    """The workload ``osmodel schedule --seed N`` draws: ``count`` jobs of at most
    ``max_length`` ticks arriving by ``max_arrival``, or the ``processes`` X:Y programs."""

    count: int | None = None
    max_length: int | None = None
    max_arrival: int | None = None
    processes: tuple[str, ...] = ()
    io_length: int | None = None


@frozen
class ScenarioFile:
    """A scenario file run once per cell and seed (its path as the spec wrote it, and
    resolved against the spec's folder)."""

    written: str
    path: Path


Workload = Generated | ScenarioFile


@frozen
class Cell:
    """One point of the grid: what a run changes from the workload's own setting (None:
    not in the grid), and the values the output's cell columns show."""

    policy: str | None
    options: tuple[tuple[str, OptionValue], ...]
    cpus: int | None
    switch_cost: int | None
    platform: str | None
    labels: tuple[str, ...]
    #: Where each option and name was written, for the checks made before the run.
    places: tuple[tuple[str, Location], ...] = ()

    def place(self, what: str) -> Location | None:
        return dict(self.places).get(what)


@frozen
class Spec:
    """A checked spec: the grid's cells in order, the seeds in order, the workload."""

    source: str
    seeds: tuple[int, ...]
    columns: tuple[str, ...]
    cells: tuple[Cell, ...]
    workload: Workload
    location: Location  # the [workload] table, for workload errors found by drawing one

    @property
    def runs(self) -> int:
        return len(self.cells) * len(self.seeds)


def label(value: OptionValue) -> str:
    """A value as the output's cell columns write it: 3, rr, true, 1;2;4."""
    if isinstance(value, tuple):
        return ";".join(label(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def load_spec(path: str | os.PathLike[str], *, policies: Sequence[str],
              platforms: Sequence[str]) -> Spec:
    """Read and check a spec file; ``policies`` and ``platforms`` are the installed names."""
    source = os.fspath(path)
    try:
        with open(source, "rb") as file:
            data = file.read(MAX_SCENARIO_BYTES + 1)
    except OSError as error:
        raise SourceError(f"cannot read the sweep spec: {error.strerror or error}",
                          Location(source, 1, 1)) from None
    if len(data) > MAX_SCENARIO_BYTES:
        raise SourceError(f"the sweep spec is larger than {MAX_SCENARIO_BYTES:,} bytes",
                          Location(source, 1, 1))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise SourceError("the sweep spec is not UTF-8 text", Location(source, line, column),
                          "UTF-8 text") from None
    return loads_spec(text, source=source, base_dir=Path(source).parent, policies=policies,
                      platforms=platforms)


def loads_spec(text: str, *, source: str = "<string>", base_dir: Path | None = None,
               policies: Sequence[str] = (), platforms: Sequence[str] = ()) -> Spec:
    hazard = unsafe_toml(text)
    if hazard is not None:
        offset, message, expected = hazard
        raise SourceError(message, Location(source, *line_column(text, offset)), expected)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message, line, column = toml_error_position(error, text)
        raise SourceError(f"invalid TOML: {message}", Location(source, line, column)) from None
    reader = _Reader(text, source, base_dir or Path(), policies, platforms)
    return reader.spec(document)


class _Reader:
    """Checks a parsed spec; every complaint points at the value (or key) at fault."""

    def __init__(self, text: str, source: str, base_dir: Path, policies: Sequence[str],
                 platforms: Sequence[str]) -> None:
        self.source = source
        self.base_dir = base_dir
        self.where = Locator(text)
        self.policies = tuple(policies)
        self.platforms = tuple(platforms)

    # -- places and complaints ------------------------------------------------------------

    def at(self, path: KeyPath) -> Location:
        """Where the value at ``path`` is written, or the nearest enclosing place."""
        while path:
            for found in (self.where.values, self.where.headers, self.where.keys):
                offset = found.get(path)
                if offset is not None:
                    return Location(self.source, *self.where.position(offset))
            path = path[:-1]
        return Location(self.source, 1, 1)

    def key_at(self, path: KeyPath) -> Location:
        offset = self.where.keys.get(path)
        return Location(self.source, *self.where.position(offset)) if offset is not None \
            else self.at(path)

    def fail(self, message: str, location: Location, expected: str | None = None) -> NoReturn:
        raise SourceError(message, location, expected)

    def bad(self, path: KeyPath, value: object, expected: str) -> NoReturn:
        where = ".".join(str(part) for part in path if isinstance(part, str))
        self.fail(f"invalid value {_show(value)} for {where}", self.at(path), expected)

    def table(self, path: KeyPath, value: object, known: tuple[str, ...] | None) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.bad(path, value, "a table")
        if known is not None:
            for key in value:
                if key not in known:
                    close = difflib.get_close_matches(key, known, n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    name = f"[{'.'.join(map(str, path))}]" if path else "the top level"
                    self.fail(f"unknown key {key!r} in {name}{hint}",
                              self.key_at((*path, key)), "one of " + ", ".join(known))
        return value

    def integer(self, path: KeyPath, value: object, low: int, high: int) -> int:
        if not _is_int(value) or not low <= value <= high:  # type: ignore[operator]
            self.bad(path, value, f"an integer from {low:,} to {high:,}")
        assert isinstance(value, int)
        return value

    def values(self, path: KeyPath, value: object) -> list[tuple[KeyPath, Any]]:
        """A grid key's values: an array, or one value standing for an array of one."""
        items = value if isinstance(value, list) else [value]
        if not items:
            self.fail(f"{'.'.join(map(str, path))} lists no values", self.at(path),
                      "at least one value")
        if len(items) > MAX_VALUES:
            self.fail(f"{'.'.join(map(str, path))} lists {len(items):,} values",
                      self.at(path), f"at most {MAX_VALUES:,}")
        paths = [(*path, index) for index in range(len(items))] if isinstance(value, list) \
            else [path]
        return list(zip(paths, items, strict=True))

    # -- the sections ---------------------------------------------------------------------

    def spec(self, document: dict[str, Any]) -> Spec:
        self.table((), document, _TOP_KEYS)
        if "sweep" not in document:
            self.fail("the spec has no [sweep] table", Location(self.source, 1, 1),
                      '[sweep] with seeds = "0-99" or a list of seeds')
        sweep = self.table(("sweep",), document["sweep"], _SWEEP_KEYS)
        if "seeds" not in sweep:
            self.fail("[sweep] has no seeds", self.at(("sweep",)),
                      'seeds = "0-99" or a list of seeds')
        seeds = self.seeds(sweep["seeds"])
        workload_table = self.table(("workload",), document.get("workload", {}), _WORKLOAD_KEYS)
        workload = self.workload(workload_table)
        grid = self.table(("grid",), document.get("grid", {}), _GRID_KEYS)
        columns, cells = self.grid(grid, workload)
        if len(cells) * len(seeds) > MAX_RUNS:
            self.fail(f"{len(cells):,} cells x {len(seeds):,} seeds are "
                      f"{len(cells) * len(seeds):,} runs", self.at(("grid",)),
                      f"at most {MAX_RUNS:,} runs")
        return Spec(self.source, seeds, columns, cells, workload, self.at(("workload",)))

    def seeds(self, value: object) -> tuple[int, ...]:
        path: KeyPath = ("sweep", "seeds")
        expected = 'a range "FIRST-LAST" ("0-99"; several: "0-9,50-59") or an array of integers'
        found: list[int] = []
        if isinstance(value, str):
            for part in value.split(","):
                match = _RANGE.fullmatch(part)
                if match is None:
                    self.bad(path, value, expected)
                first = int(match.group(1))
                last = int(match.group(2)) if match.group(2) is not None else first
                if not INT64_MIN <= first <= last <= INT64_MAX:
                    self.bad(path, value, "a range FIRST-LAST of 64-bit integers, FIRST <= LAST")
                if last - first + 1 + len(found) > MAX_RUNS:
                    self.fail(f"more than {MAX_RUNS:,} seeds", self.at(path),
                              f"at most {MAX_RUNS:,} runs in all")
                found += range(first, last + 1)
        elif isinstance(value, list):
            if len(value) > MAX_RUNS:
                self.fail(f"more than {MAX_RUNS:,} seeds", self.at(path),
                          f"at most {MAX_RUNS:,} runs in all")
            found = [self.integer((*path, index), item, INT64_MIN, INT64_MAX)
                     for index, item in enumerate(value)]
        else:
            self.bad(path, value, expected)
        if not found:
            self.fail("no seeds", self.at(path), expected)
        seen: set[int] = set()
        for index, seed in enumerate(found):
            if seed in seen:
                where = (*path, index) if isinstance(value, list) else path
                self.fail(f"seed {seed} is given twice", self.at(where), "each seed once")
            seen.add(seed)
        return tuple(sorted(found))

    def workload(self, table: Mapping[str, Any]) -> Workload:
        path: KeyPath = ("workload",)
        if "scenario" in table:
            others = [key for key in table if key != "scenario"]
            if others:
                self.fail(f"{others[0]!r} draws a workload, and scenario = names one: give "
                          "one of them", self.key_at((*path, others[0])),
                          "scenario alone, or the keys of a drawn workload")
            written = table["scenario"]
            if not isinstance(written, str) or not written:
                self.bad((*path, "scenario"), written, "the path of a scenario file")
            return ScenarioFile(written, self.base_dir / written)
        numbers: dict[str, int] = {}
        for key, low, high in (("count", 1, MAX_JOBS), ("max_length", 1, MAX_DEMAND),
                               ("max_arrival", 0, MAX_TICKS), ("io_length", 1, MAX_IO_LENGTH)):
            if key in table:
                numbers[key] = self.integer((*path, key), table[key], low, high)
        processes: list[str] = []
        if "processes" in table:
            value = table["processes"]
            if not isinstance(value, list) or not value or len(value) > MAX_JOBS:
                self.bad((*path, "processes"), value,
                         f'an array of 1 to {MAX_JOBS:,} programs ("10:50", "c4,i5,c2")')
            for index, item in enumerate(value):
                if not isinstance(item, str) or not item.strip():
                    self.bad((*path, "processes", index), item,
                             'a program: "X:Y" (X instructions, Y% computing) or "c4,i5,c2"')
                processes.append(item)
            for key in ("count", "max_length", "max_arrival"):
                if key in table:
                    self.fail(f"{key} draws CPU-bound jobs, and processes lists programs: "
                              "give one of them", self.key_at((*path, key)))
        elif "io_length" in table:
            self.fail("io_length is the length of a bare 'i' in processes",
                      self.key_at((*path, "io_length")))
        return Generated(numbers.get("count"), numbers.get("max_length"),
                         numbers.get("max_arrival"), tuple(processes), numbers.get("io_length"))

    def option(self, path: KeyPath, value: object) -> OptionValue:
        """A policy option's value, as a scenario may give it: a scalar or an array of them."""
        if isinstance(value, list):
            if not all(isinstance(item, int | float | str) for item in value):
                self.bad(path, value, "an integer, number, boolean, string or array of those")
            return tuple(value)
        if not isinstance(value, int | float | str):
            self.bad(path, value, "an integer, number, boolean, string or array of those")
        return value

    def grid(self, grid: Mapping[str, Any],
             workload: Workload) -> tuple[tuple[str, ...], tuple[Cell, ...]]:
        """The cells, first key slowest, in the order the grid writes its keys."""
        scenario = isinstance(workload, ScenarioFile)
        axes: list[list[dict[str, Any]]] = []
        columns: list[str] = []
        by_grid: set[str] = set()  # options the grid sets for every policy
        for key, value in grid.items():
            path: KeyPath = ("grid", key)
            if key == "options":
                for name, choices in self.table(path, value, None).items():
                    if not _OPTION_KEY.fullmatch(name):
                        self.fail(f"option name {name!r} is not a name",
                                  self.key_at((*path, name)))
                    by_grid.add(name)
                    columns.append(f"options.{name}")
                    axes.append([self.setting(name, where, item)
                                 for where, item in self.values((*path, name), choices)])
                continue
            if key == "platform" and not scenario:
                self.fail("the drawn workload runs on the bare platform; platform is for "
                          'a scenario = "FILE" workload', self.key_at(path))
            if key == "quantum":
                by_grid.add("quantum")
            axis = [choice for where, item in self.values(path, value)
                    for choice in self.choices(key, where, item)]
            if key == "policy" and any(len(choice["labels"]) > 1 for choice in axis):
                columns += ["policy", "policy_options"]
                for choice in axis:
                    choice["labels"] = (choice["labels"][0], choice["labels"][1]
                                        if len(choice["labels"]) > 1 else "")
            else:
                columns.append(key)
            axes.append(axis)
        for axis in axes:
            for choice in axis:
                for name, _ in choice.get("own", ()):
                    if name in by_grid:
                        self.fail(f"option {name!r} is given by the policy and by the grid",
                                  dict(choice["places"])[name], "one of them")
        cells = []
        for combo in itertools.product(*axes):
            merged: dict[str, Any] = {"options": (), "places": (), "labels": ()}
            for choice in combo:
                for field, value in choice.items():
                    if field in merged:
                        merged[field] = (*merged[field], *value)
                    elif field != "own":
                        merged[field] = value
            cells.append(Cell(merged.get("policy"), merged["options"], merged.get("cpus"),
                              merged.get("switch_cost"), merged.get("platform"),
                              merged["labels"], merged["places"]))
        return tuple(columns), tuple(cells)

    def setting(self, name: str, path: KeyPath, value: object) -> dict[str, Any]:
        option = self.option(path, value)
        return {"options": ((name, option),), "places": ((name, self.at(path)),),
                "labels": (label(option),)}

    def choices(self, key: str, path: KeyPath, value: object) -> list[dict[str, Any]]:
        """What one value of a grid key sets, as cell fields (a policy table: one for each
        combination of its options)."""
        if key == "cpus":
            cpus = self.integer(path, value, 1, MAX_CPUS)
            return [{"cpus": cpus, "labels": (str(cpus),)}]
        if key == "switch_cost":
            cost = self.integer(path, value, 0, MAX_TICKS)
            return [{"switch_cost": cost, "labels": (str(cost),)}]
        if key == "quantum":
            quantum = self.integer(path, value, 1, MAX_TICKS)
            return [{"options": (("quantum", quantum),), "labels": (str(quantum),),
                     "places": (("quantum", self.at(path)),)}]
        if key == "platform":
            name = self.name(path, value, self.platforms, "platform")
            return [{"platform": name, "labels": (name,),
                     "places": (("platform", self.at(path)),)}]
        if isinstance(value, str):
            name = self.name(path, value, self.policies, "policy")
            return [{"policy": name, "labels": (name,), "places": (("policy", self.at(path)),)}]
        if not isinstance(value, dict):
            self.bad(path, value, 'a policy name, or a table { name = "rr", quantum = [1, 2] }')
        if "name" not in value:
            self.fail("the policy table has no name", self.at(path),
                      'a policy name: { name = "rr", ... }')
        name = self.name((*path, "name"), value["name"], self.policies, "policy")
        own = []
        for option, items in value.items():
            if option == "name":
                continue
            if not _OPTION_KEY.fullmatch(option):
                self.fail(f"option name {option!r} is not a name",
                          self.key_at((*path, option)))
            own.append([self.setting(option, where, item)
                        for where, item in self.values((*path, option), items)])
        out = []
        for combo in itertools.product(*own):
            options = tuple(pair for setting in combo for pair in setting["options"])
            out.append({"policy": name, "options": options, "own": options,
                        "places": (("policy", self.at((*path, "name"))),
                                   *(pair for setting in combo for pair in setting["places"])),
                        "labels": (name, " ".join(f"{k}={label(v)}" for k, v in options))})
        return out

    def name(self, path: KeyPath, value: object, known: tuple[str, ...], kind: str) -> str:
        if not isinstance(value, str) or not value:
            self.bad(path, value, f"a {kind} name")
        if known and value not in known:
            self.fail(f"unknown {kind} {value!r}", self.at(path),
                      f"one of {', '.join(sorted(known))}")
        return value

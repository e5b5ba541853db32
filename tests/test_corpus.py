"""The malformed-input corpus: every bad scenario, command line, runaway and output case of
issue 16 (and more from the docs and the fuzzer) goes through the real command line.

Each case is one small file under tests/corpus/ (format in tests/corpus/README.md): a
scenario or program with a header of ``# key: value`` comments saying how to run it
and what must happen.  Command-line and output cases that need no file of their own
are rows of tests/corpus/command-line.toml.  The assertions are about structure,
never wording (the wording is the fixes' to choose):

- bad input exits with status 2, prints nothing on stdout, names the place
  (``FILE:LINE:COL:`` of the offending token for scenario errors, the option
  for command-line errors) and writes nothing to an output path;
- no case prints a traceback or a Python exception class name, or lets an
  exception escape ``main``; every output is bounded in size;
- a runaway under the default limits ends by itself with a message naming a
  limit, with its peak memory bounded.

Cases run in-process through ``osmodel.kernel.cli.main``; a case marked
``isolate`` (one that may hang or exhaust memory) runs in a subprocess with an
address-space cap and a wall-time cap.  Those caps and the in-process watchdog
are safety nets that stop a broken case, not the thing tested.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import fuzzing
import pytest
from attrs import field, frozen
from typer.testing import CliRunner

from osmodel.kernel.cli import main
from osmodel.kernel.manager import DISABLE_AUTOLOAD_ENV

CORPUS = Path(__file__).resolve().parent / "corpus"
COMMAND_LINE = CORPUS / "command-line.toml"
#: A valid scenario that command-line cases run ({valid} in their arguments).
VALID = CORPUS / "valid.toml"
CASE_SUFFIXES = (".toml", ".osm", ".py")

#: Bounds every case's output must keep (bytes).
ERROR_OUTPUT = 4_096
RUN_OUTPUT = 16 << 20
#: Peak resident memory of an isolated case (a runaway under the default limits).
PEAK_MEMORY = 512 << 20
#: Copy-on-write shares one successful fork may make (its data and stack pages).
SHARES_PER_FORK = 16
#: Isolated cases run this many subprocesses at a time.
ISOLATED_AT_ONCE = 3
#: Safety nets only: a case that needs them has failed already.
WALL_SECONDS = 60.0
ADDRESS_SPACE = 4 << 30

_EXCEPTION_NAMES = sorted(
    {name for name, value in vars(builtins).items()
     if isinstance(value, type) and issubclass(value, BaseException)}
    | {"TOMLDecodeError", "OsmodelError", "SourceError", "ConfigError", "PluginError",
       "LimitExceeded", "ProcessLimit"})
EXCEPTION_NAME = re.compile(r"\b(" + "|".join(_EXCEPTION_NAMES) + r")\b")
CRASH_MARKS = ("Traceback (most recent call last)", "Exception ignored")


# ------------------------------------------------------------------------------ cases


@frozen
class Case:
    """One corpus case: how to run it and what must happen."""

    name: str
    expect: str
    args: tuple[str, ...]
    path: Path | None = None
    platform: str | None = None
    isolate: bool = False
    setup: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    env: Mapping[str, str] = field(factory=dict)
    what: str = ""

    @property
    def id(self) -> str:
        return f"{self.name}[{self.platform}]" if self.platform else self.name


_HEADER = re.compile(
    r"^[#;]\s*(case|args|expect|platforms|isolate|setup|absent|allow|env):\s*(.*)$")


def header(text: str) -> dict[str, list[str]]:
    """The ``# key: value`` lines at the top of a case (``;`` comments in programs)."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if match is None:
            if line.strip() and not line.lstrip().startswith(("#", ";")):
                break
            continue
        found.setdefault(match.group(1), []).append(match.group(2).strip())
    return found


def file_cases() -> Iterator[Case]:
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix not in CASE_SUFFIXES or "programs" in path.relative_to(CORPUS).parts:
            continue
        if path in (VALID, COMMAND_LINE):
            continue
        keys = header(path.read_text(encoding="utf-8", errors="replace"))
        name = str(path.relative_to(CORPUS).with_suffix(""))
        if "expect" not in keys or "case" not in keys:
            raise ValueError(f"{path}: a case needs '# case:' and '# expect:' lines")
        args = tuple(keys.get("args", ["run {case}"])[0].split())
        platforms = keys.get("platforms", [""])[0].split() or [None]
        env = dict(item.split("=", 1) for item in keys.get("env", []))
        for platform in platforms:
            yield Case(name, keys["expect"][0], args, path=path, platform=platform,
                       isolate=bool(keys.get("isolate")), setup=tuple(keys.get("setup", [])),
                       absent=tuple(keys.get("absent", [])), allow=tuple(keys.get("allow", [])),
                       env=env, what=keys["case"][0])


def table_cases() -> Iterator[Case]:
    rows: list[dict[str, Any]] = tomllib.loads(COMMAND_LINE.read_text())["case"]
    for row in rows:
        platforms = row.get("platforms") or [None]
        for platform in platforms:
            yield Case(row["name"], row["expect"], tuple(row["args"]), platform=platform,
                       isolate=row.get("isolate", False), setup=tuple(row.get("setup", [])),
                       absent=tuple(row.get("absent", [])), allow=tuple(row.get("allow", [])),
                       env=row.get("env", {}), what=row["case"])


CASES = [*file_cases(), *table_cases()]


# ---------------------------------------------------------------------------- running


@frozen
class Outcome:
    code: int | None
    stdout: str
    stderr: str
    escaped: str | None = None
    timed_out: bool = False
    peak_memory: int | None = None

    def describe(self) -> str:
        parts = [f"exit status {self.code}"]
        if self.escaped:
            parts.append(f"escaped: {self.escaped}")
        if self.timed_out:
            parts.append(f"killed after {WALL_SECONDS} s (safety net)")
        if self.peak_memory is not None:
            parts.append(f"peak memory {self.peak_memory >> 20} MB")
        return "; ".join(parts) + f"\n--- stdout ---\n{self.stdout[:1500]}\n" \
                                  f"--- stderr ---\n{self.stderr[-2500:]}"


def in_process(argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> Outcome:
    """``main(argv)`` with captured streams; an exception escaping it is recorded."""
    runner = CliRunner()
    escaped = None
    code: int | None = 0
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        with runner.isolation(env={DISABLE_AUTOLOAD_ENV: "1", **env}) as (out, err, _), \
                fuzzing.watchdog(WALL_SECONDS):
            try:
                main(list(argv))
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
            except (Exception, fuzzing.Hung) as error:
                code, escaped = None, f"{type(error).__name__}: {error}"[:500]
            stdout, stderr = out.getvalue(), err.getvalue()
    finally:
        os.chdir(previous)
    return Outcome(code, stdout.decode(errors="replace"), stderr.decode(errors="replace"),
                   escaped)


PEAK_ENV = "OSMODEL_CORPUS_PEAK"
#: The console command in a fresh interpreter: it caps its own address space first
#: (preexec_fn is unsafe beside threads) and leaves its peak resident memory in the file
#: PEAK_ENV names (VmHWM, which exec resets, unlike the ru_maxrss a parent sees).
_ENTRY = f"""\
import atexit, os, resource, sys

resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE}))


def peak():
    path = os.environ.get({PEAK_ENV!r})
    if path:
        with open("/proc/self/status") as status:
            kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
        with open(path, "w") as out:
            out.write(kb)


atexit.register(peak)
from osmodel.kernel.cli import main
main(sys.argv[1:])
"""


def in_subprocess(argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> Outcome:
    """The command in a fresh interpreter, capped in address space and wall time, with its
    peak resident memory."""
    peak = cwd / ".peak-memory"
    environment = {**os.environ, DISABLE_AUTOLOAD_ENV: "1", PEAK_ENV: str(peak), **env}
    process = subprocess.Popen(
        [sys.executable, "-c", _ENTRY, *argv], cwd=cwd, env=environment,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        os.killpg(process.pid, signal.SIGKILL)

    timer = threading.Timer(WALL_SECONDS, kill)
    timer.start()
    streams: dict[str, bytes] = {}

    def drain(name: str, stream: Any) -> None:
        with stream:
            streams[name] = stream.read(RUN_OUTPUT + 1)

    readers = [threading.Thread(target=drain, args=item)
               for item in (("out", process.stdout), ("err", process.stderr))]
    for reader in readers:
        reader.start()
    process.wait()
    timer.cancel()
    for reader in readers:
        reader.join()
    measured = int(peak.read_text()) * 1024 if peak.exists() else None
    return Outcome(None if killed.is_set() else process.returncode,
                   streams["out"].decode(errors="replace"), streams["err"].decode(errors="replace"),
                   timed_out=killed.is_set(), peak_memory=measured)


# ------------------------------------------------------------------------------ setup


def prepare(case: Case, tmp: Path) -> dict[str, str]:
    """Copy the case into ``tmp``/case and tests/corpus/programs into ``tmp``/programs (so
    ``file = "../programs/NAME"`` finds it); make what ``setup`` asks for.

    Returns the placeholders for the arguments.
    """
    places = {"dir": str(tmp), "out": str(tmp / "out" / "result.txt"),
              "valid": str(tmp / "valid.toml")}
    (tmp / "out").mkdir()
    shutil.copy(VALID, tmp / "valid.toml")
    if case.path is not None:
        folder = tmp / "case"
        folder.mkdir()
        shutil.copytree(CORPUS / "programs", tmp / "programs")
        target = folder / case.path.name
        shutil.copy(case.path, target)
        places["case"] = str(target)
    for step in case.setup:
        make(step.format(**places), tmp)
    return places


def make(step: str, tmp: Path) -> None:
    """One setup step: ``fifo PATH``, ``sparse PATH BYTES``, ``symlink PATH TARGET``,
    ``hardlink PATH TARGET``, ``file PATH MODE``, ``device PATH`` (a null device node)."""
    kind, path, *rest = step.split()
    where = Path(path) if os.path.isabs(path) else tmp / path
    where.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(where)
    elif kind == "sparse":
        with open(where, "wb") as handle:
            handle.truncate(int(rest[0]))
    elif kind == "symlink":
        where.symlink_to(rest[0])
    elif kind == "hardlink":
        os.link(rest[0], where)
    elif kind == "file":
        where.write_text("old content\n")
        where.chmod(int(rest[0], 8))
    elif kind == "device":
        if os.geteuid() != 0:
            pytest.skip("making a device node needs root")
        os.mknod(where, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    else:
        raise ValueError(f"unknown setup step {step!r}")


def command(case: Case, places: Mapping[str, str]) -> list[str]:
    argv = [arg.format(**places) for arg in case.args]
    if case.platform is not None:
        argv += ["--platform", case.platform]
    if case.expect.startswith("ends") and "--format" not in argv:
        argv += ["--format", "json"]
    return argv


# ----------------------------------------------------------------------------- checks


def check_clean(case: Case, result: Outcome) -> None:
    """What every case must keep: no escaped exception, no traceback, bounded output."""
    text = result.stdout + result.stderr
    assert result.escaped is None, "an exception escaped main"
    assert not result.timed_out, "the safety net had to kill the run"
    for mark in CRASH_MARKS:
        assert mark not in text, f"the output has {mark!r}"
    names = {m.group(1) for m in EXCEPTION_NAME.finditer(text)} - set(case.allow)
    assert not names, f"the output names Python exceptions: {sorted(names)}"
    for secret in case.absent:
        assert secret not in text, f"the output quotes {secret!r}"
    assert len(result.stdout) <= RUN_OUTPUT and len(result.stderr) <= RUN_OUTPUT


def check_error(case: Case, result: Outcome, places: Mapping[str, str], where: str) -> None:
    """Exit 2, nothing on stdout, a short message with the place; nothing written."""
    assert result.code == 2, "bad input must exit with status 2"
    assert result.stdout == "", "a failed command prints nothing on stdout"
    assert len(result.stderr) <= ERROR_OUTPUT, "the error is longer than a few lines"
    out = Path(places["out"])
    assert not out.exists(), f"{out} was written although the command failed"
    assert sorted(p.name for p in out.parent.iterdir()) == [], "files were left in the output dir"
    if where:
        check_location(case, result.stderr, places, where)


def check_location(case: Case, stderr: str, places: Mapping[str, str], where: str) -> None:
    """``where`` is ``LINE:COL``, ``LINE``, ``FILE:LINE:COL``, ``*`` or alternatives with ``|``."""
    pattern = []
    for option in where.split("|"):
        parts = option.strip().split(":")
        if parts == ["*"]:
            pattern.append(r"[^\n]+?:\d+:\d+")
            continue
        if len(parts) == 3 or not parts[0].isdigit():
            file_part, *position = parts
            joined = os.path.join(os.path.dirname(places.get("case", "")), file_part)
            files = {joined, os.path.normpath(joined), os.path.realpath(joined)}
        else:
            files, position = {places["case"]}, parts
        column = position[1] if len(position) > 1 and position[1] != "*" else r"\d+"
        names = "|".join(re.escape(file) for file in sorted(files))
        pattern.append(f"(?:{names}):{position[0]}:{column}")
    expected = re.compile(r"^osmodel: error: (?:" + "|".join(pattern) + r"):", re.M)
    assert expected.search(stderr), f"the error does not point at {where} in {case.path}"


def check_usage(result: Outcome, places: Mapping[str, str], names: Sequence[str]) -> None:
    """Exit 2 and a message that names the option (any of ``names``)."""
    assert result.code == 2, "a bad command line must exit with status 2"
    assert result.stdout == "", "a refused command line prints nothing on stdout"
    assert len(result.stderr) <= ERROR_OUTPUT, "the error is longer than a few lines"
    assert any(name in result.stderr for name in names), f"the error does not name {names}"
    out = Path(places["out"])
    assert not out.exists(), f"{out} was written although the command failed"


def check_ok(result: Outcome) -> None:
    assert result.code == 0, "the command should succeed"
    assert "error" not in result.stderr


def check_ends(result: Outcome, program: str, kind: str) -> None:
    """Exit 0 and every process of ``program`` ended the ``kind`` way (JSON report)."""
    check_ok(result)
    report = json.loads(result.stdout)
    ends = [p["exit"]["kind"] if p["exit"] else None for p in report["processes"]
            if p["program"] == program]
    assert ends and all(end == kind for end in ends), f"{program} ended {ends}, not {kind}"


def check_limit(result: Outcome) -> None:
    """A runaway ends by itself, says which limit stopped it, and stays in bounds."""
    assert result.code in (0, 2), "a runaway stopped by a limit is a clean end, not a crash"
    assert re.search(r"limit", result.stdout + result.stderr, re.I), "no message names a limit"
    if result.peak_memory is not None:
        assert result.peak_memory <= PEAK_MEMORY, "the run's memory is not bounded"


def check_written(places: Mapping[str, str], spec: str) -> None:
    """``written PATH KIND``: the output went through PATH, which is still a KIND."""
    _, path, kind = spec.split()
    target = Path(path.format(**places))
    mode = target.lstat().st_mode
    if kind == "symlink":
        assert stat.S_ISLNK(mode), f"{target} is no longer a symlink"
        assert target.resolve().stat().st_size > 0, "nothing was written through the link"
    elif kind == "fifo":
        assert stat.S_ISFIFO(mode), f"{target} is no longer a FIFO"
    elif kind == "device":
        assert stat.S_ISCHR(mode), f"{target} is no longer a device node"
    elif kind == "hardlink":
        assert target.stat().st_nlink == 2, f"{target} lost its hard link"
        assert "old content" not in target.read_text(), "the file was not written"
    elif kind.startswith("mode"):
        assert stat.S_IMODE(mode) == int(kind[4:], 8), f"{target} changed mode"
        assert "old content" not in target.read_text(), "the file was not written"
    else:
        raise ValueError(f"unknown kind {kind!r}")


def check(case: Case, result: Outcome, places: Mapping[str, str]) -> None:
    check_clean(case, result)
    expect = case.expect.format(**places)
    kind, _, rest = expect.partition(" ")
    if kind == "error":
        check_error(case, result, places, rest.strip())
    elif kind in ("ok-or-error", "ok-or-usage"):  # a bound is optional: a clean run, or
        if result.code == 0:                          # the error it would give
            check_ok(result)
        elif kind == "ok-or-error":
            check_error(case, result, places, rest.strip())
        else:
            check_usage(result, places, rest.split())
    elif kind == "usage":
        check_usage(result, places, rest.split())
    elif kind == "ok":
        check_ok(result)
    elif kind == "ends":
        program, end = rest.split()
        check_ends(result, program, end)
    elif kind == "limit":
        check_limit(result)
    elif kind == "written":
        check_ok(result)
        check_written(places, expect)
    elif kind == "shares":
        check_limit(result)
        summary = json.loads(result.stdout)["summary"]
        created, shares = summary["processes_created"], summary["memory"]["cow_shares"]
        assert shares <= SHARES_PER_FORK * created, f"{shares} shares for {created} processes"
    elif kind == "jsonl":
        check_ok(result)
        assert result.stdout and all(json.loads(line) for line in result.stdout.splitlines())
        assert not (Path(places["dir"]) / "-").exists(), "'-' was taken for a file name"
    elif kind == "bounded":
        check_ok(result)
        size = Path(places["out"]).stat().st_size
        assert size <= int(rest), f"the output file has {size} bytes"
    else:
        raise ValueError(f"{case.id}: unknown expectation {case.expect!r}")


def reading(path: Path) -> threading.Thread:
    """A reader for a FIFO the command will write to, so the write does not block."""

    def drain() -> None:
        with open(path, "rb") as fifo:
            while fifo.read(1 << 16):
                pass

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    return thread


def isolated(case: Case) -> bool:
    return case.isolate or os.environ.get("OSMODEL_CORPUS_ISOLATE") == "all"


Started = tuple["Future[Outcome]", dict[str, str], list[str]]


@pytest.fixture(scope="session")
def started(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Started]]:
    """The isolated cases selected for this session, started at once a few at a time, so
    their subprocesses run while the in-process cases do."""
    selected = [item.callspec.params["case"] for item in request.session.items
                if hasattr(item, "callspec") and "case" in item.callspec.params]
    pool = ThreadPoolExecutor(max_workers=ISOLATED_AT_ONCE)
    runs: dict[str, Started] = {}
    for case in selected:
        if isolated(case):
            tmp = tmp_path_factory.mktemp(re.sub(r"\W+", "_", case.id)[:50])
            places = prepare(case, tmp)
            argv = command(case, places)
            runs[case.id] = (pool.submit(in_subprocess, argv, case.env, tmp), places, argv)
    yield runs
    pool.shutdown(wait=True)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case: Case, tmp_path: Path, started: dict[str, Started]) -> None:
    if isolated(case):
        future, places, argv = started[case.id]
        result = future.result()
    else:
        places = prepare(case, tmp_path)
        argv = command(case, places)
        if case.expect.startswith("written") and case.expect.endswith(" fifo"):
            reading(Path(case.expect.split()[1].format(**places)))
        result = in_process(argv, case.env, tmp_path)
    try:
        check(case, result, places)
    except (AssertionError, ValueError, KeyError) as failure:
        raise AssertionError(f"{case.id}: {case.what}\n$ osmodel {' '.join(argv)}\n"
                             f"{failure}\n{result.describe()}") from None


# ------------------------------------------- cases that need a choreography of their own


def fake_distribution(root: Path, name: str) -> None:
    """An installed distribution with an ``osmodel`` entry point, as pip would leave it."""
    (root / f"{name}.py").write_text("")
    info = root / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[osmodel]\n{name} = {name}\n")


@pytest.mark.parametrize(("value", "loaded"), [("0", True), ("1", False)])
def test_autoload_is_off_only_when_the_variable_says_so(
        value: str, loaded: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 16: OSMODEL_DISABLE_PLUGIN_AUTOLOAD=0 also disables autoload."""
    fake_distribution(tmp_path, "osmcorpus_autoload")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "osmcorpus_autoload", raising=False)
    result = in_process(["plugins"], {DISABLE_AUTOLOAD_ENV: value}, tmp_path)
    assert result.code == 0, result.describe()
    assert ("osmcorpus_autoload: entry point" in result.stdout) is loaded, result.describe()


#: A run with many events, so writing its trace takes long enough to be interrupted.
LONG_EXPORT = """\
[scenario]
platform = "unix"

[machine]
scheduler = { name = "rr", quantum = 1 }

[machine.limits]
time = 400000

[programs.spin]
code = '''
loop: jmp loop
'''

[[timeline]]
at = 0
user = "spin"

[[timeline]]
at = 0
user = "spin"
"""


def _written_temp(folder: Path, target: str) -> bool:
    """Whether a file other than ``target`` in ``folder`` has something written in it."""
    with os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(FileNotFoundError):
                if entry.name != target and entry.stat().st_size > 0:
                    return True
    return False


def interrupted_export(tmp_path: Path, signum: int) -> list[str]:
    """Start a long export, send ``signum`` once its temporary file exists; the files left
    beside the target afterwards (the target's own name excluded)."""
    scenario = tmp_path / "long.toml"
    scenario.write_text(LONG_EXPORT)
    out = tmp_path / "out"
    target = out / "events.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-c", _ENTRY, "export", str(scenario), "--to", "jsonl", "-o",
         str(target)], env={**os.environ, DISABLE_AUTOLOAD_ENV: "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # The check before the run creates a temporary file and removes it at once: wait for
        # one that has lines in it, so the signal lands mid-write and not before the run.
        while process.poll() is None and not _written_temp(out, target.name):
            threading.Event().wait(0.002)
        assert process.poll() is None, "the export ended before it could be interrupted"
        process.send_signal(signum)
        process.wait(timeout=WALL_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return sorted(p for p in os.listdir(out) if p != target.name)


def test_sigterm_mid_write_cleans_up_like_sigint(tmp_path: Path) -> None:
    """Issue 16: SIGTERM mid-write leaves hidden .NAME.XXXXXXXX temp files beside the target."""
    (tmp_path / "out").mkdir()
    assert interrupted_export(tmp_path, signal.SIGTERM) == []
    assert not (tmp_path / "out" / "events.jsonl").exists(), "a half-written target"


def test_a_later_run_removes_the_temporary_file_of_a_killed_one(tmp_path: Path) -> None:
    """Issue 16: SIGKILL mid-write leaves a temp file (up to 116 MB); a later run removes
    stale temp files of its own making once the process that made them is gone."""
    (tmp_path / "out").mkdir()
    left = interrupted_export(tmp_path, signal.SIGKILL)
    assert left, "SIGKILL left nothing behind: nothing to clean up"
    target = tmp_path / "out" / "events.jsonl"
    result = in_process(["export", str(VALID), "--to", "jsonl", "-o", str(target)], {},
                        tmp_path)
    assert result.code == 0, result.describe()
    assert sorted(p.name for p in target.parent.iterdir()) == ["events.jsonl"]


# ------------------------------------------ the checks themselves: they must catch these


def synthetic(tmp: Path, expect: str, code: int | None, stdout: str = "", stderr: str = "",
              escaped: str | None = None) -> tuple[Case, Outcome, dict[str, str]]:
    """A case file /c/case.toml that gave this outcome."""
    (tmp / "out").mkdir()
    case = Case("synthetic", expect, ("run", "{case}"), path=Path("/c/case.toml"))
    places = {"case": "/c/case.toml", "out": str(tmp / "out" / "result.txt"), "dir": str(tmp)}
    return case, Outcome(code, stdout, stderr, escaped), places


@pytest.mark.parametrize(("expect", "code", "stdout", "stderr", "escaped"), [
    ("error 3:5", 2, "", "osmodel: error: /c/case.toml:3:6: unexpected x\n", None),
    ("error 3:5", 2, "", "osmodel: error: unexpected x\n", None),
    ("error 3:5", 1, "", "osmodel: error: /c/case.toml:3:5: x\n", None),
    ("error 3:5", 2, "half a report", "osmodel: error: /c/case.toml:3:5: x\n", None),
    ("error 3:5", 2, "", "osmodel: error: /c/case.toml:3:5: IndexError: x\n", None),
    ("error 3:5", 2, "", "Traceback (most recent call last):\n  ...\n", None),
    ("error 3:5", None, "", "", "IndexError: tuple index out of range"),
    ("usage --until", 0, "a whole run", "", None),
    ("usage --until", 2, "", "osmodel: error: bad value\n", None),
    ("ok", 2, "", "osmodel: error: x\n", None),
    ("limit", 0, "ran and ended", "", None),
    ("limit", 1, "", "limit\n", None),
])
def test_the_checks_catch_what_they_are_for(expect: str, code: int | None, stdout: str,
                                            stderr: str, escaped: str | None,
                                            tmp_path: Path) -> None:
    case, outcome, places = synthetic(tmp_path, expect, code, stdout, stderr, escaped)
    with pytest.raises(AssertionError):
        check(case, outcome, places)


@pytest.mark.parametrize(("expect", "code", "stdout", "stderr"), [
    ("error 3:5", 2, "", "osmodel: error: /c/case.toml:3:5: unexpected x (expected y)\n"),
    ("error 3:5 | 4:1", 2, "", "osmodel: error: /c/case.toml:4:1: x\n"),
    ("error 3", 2, "", "osmodel: error: /c/case.toml:3:17: x\n"),
    ("error ../p/a.osm:2:*", 2, "", "osmodel: error: /p/a.osm:2:9: x\n"),
    ("error *", 2, "", "osmodel: error: /etc/passwd:1:8: unexpected number 0\n"),
    ("usage --until", 2, "", "Error: Invalid value for '--until': -1 is not >= 0\n"),
    ("limit", 0, "stopped: time limit of 1000000 ticks reached\n", ""),
])
def test_the_checks_pass_what_is_right(expect: str, code: int, stdout: str, stderr: str,
                                       tmp_path: Path) -> None:
    case, outcome, places = synthetic(tmp_path, expect, code, stdout, stderr)
    check(case, outcome, places)

"""Output files (``run --trace``, ``export -o``, ``report -o``): a target that cannot be
written is a one-line error naming the option and the path, and whatever is at a target
(a symlink, a FIFO, a device, a hard-linked or private file) is never damaged.

Signals and broken pipes are tested on real child processes; everything that could
block (a FIFO, a child waiting to be killed) has a timeout.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_cli import SCENARIO, osmodel

from osmodel.plugins.output import TEMP_NAME, OutputError, remove_stale_temps, write_output

ROOT = os.geteuid() == 0
CLI = [sys.executable, "-c", "from osmodel.kernel.cli import main; main()"]
TESTS = Path(__file__).resolve().parent
TIMEOUT = 60

#: Each output option, as ``(option, the command line writing TARGET)``.
COMMANDS: dict[str, tuple[str, Callable[[Path, str], list[str]]]] = {
    "run --trace": ("--trace", lambda s, target: ["run", str(s), "--trace", target]),
    "export -o": ("-o", lambda s, target: ["export", str(s), "--to", "jsonl", "-o", target]),
    "report -o": ("-o", lambda s, target: ["report", "toy", str(s), "-o", target]),
}


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "family.toml"
    path.write_text(SCENARIO)
    return path


def export(scenario: Path, target: Path | str) -> tuple[int, str, str]:
    result = osmodel("export", str(scenario), "--to", "jsonl", "-o", str(target))
    return result.code, result.stdout, result.stderr


def expected_jsonl(scenario: Path, tmp_path: Path) -> str:
    plain = tmp_path / "plain" / "expected.jsonl"
    plain.parent.mkdir()
    assert export(scenario, plain)[0] == 0
    return plain.read_text()


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def temps(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if TEMP_NAME.fullmatch(p.name))


# ------------------------------------------------------- a target that cannot be written


def bad_targets(tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    """(case, target, what the error says) for targets every user can try."""
    (tmp_path / "dir").mkdir()
    (tmp_path / "file.txt").write_text("a file\n")
    yield "a directory", str(tmp_path / "dir"), "it is a directory"
    yield "the root", "/", "it is a directory"
    yield "an empty name", "", "the file name is empty"
    yield "a missing directory", str(tmp_path / "no" / "x"), "does not exist"
    yield "under a file", str(tmp_path / "file.txt" / "x"), "Not a directory"
    if Path("/proc/version").is_file():  # regular, but /proc makes no new files
        yield "/proc/version", "/proc/version", "cannot create a file in /proc"
    if Path("/sys/kernel").is_dir():  # sysfs refuses new files even to root
        yield "in /sys", "/sys/osmodel-test.jsonl", "cannot create a file in /sys"


@pytest.mark.parametrize("command", COMMANDS)
def test_a_target_that_cannot_be_written_is_named_and_nothing_is_written(
        command: str, scenario: Path, tmp_path: Path) -> None:
    option, argv = COMMANDS[command]
    for case, target, says in bad_targets(tmp_path):
        before = listing(tmp_path)
        result = osmodel(*argv(scenario, target))
        assert (result.code, result.stdout) == (2, ""), (case, result.stderr)
        assert result.stderr.startswith(f"osmodel: error: {option}: "), case
        assert says in result.stderr and target in result.stderr, (case, result.stderr)
        assert len(result.stderr.splitlines()) == 1, case  # one line, no traceback
        assert listing(tmp_path) == before, case
    assert not Path("/sys/osmodel-test.jsonl").exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_a_socket_is_refused(command: str, scenario: Path, tmp_path: Path) -> None:
    option, argv = COMMANDS[command]
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        result = osmodel(*argv(scenario, str(path)))
    assert result.code == 2
    assert f"{option}: cannot write {path}: it is a socket" in result.stderr
    assert stat.S_ISSOCK(path.stat().st_mode)


@pytest.mark.skipif(ROOT, reason="root writes into a mode 555 directory; the /sys case of "
                    "test_a_target_that_cannot_be_written_... covers a refusing directory")
@pytest.mark.parametrize("command", COMMANDS)
def test_a_read_only_directory_is_an_error(command: str, scenario: Path,
                                           tmp_path: Path) -> None:
    option, argv = COMMANDS[command]
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "old.jsonl").write_text("old\n")
    locked.chmod(0o555)
    try:
        for target in (locked / "new.jsonl", locked / "old.jsonl"):
            result = osmodel(*argv(scenario, str(target)))
            assert result.code == 2 and f"{option}: cannot write {target}" in result.stderr
            assert "Permission denied" in result.stderr
        assert listing(locked) == ["old.jsonl"]
        assert (locked / "old.jsonl").read_text() == "old\n"
    finally:
        locked.chmod(0o755)


# ------------------------------------------------------------ regular files, links


def test_a_symlink_stays_a_link_to_the_file_it_names(scenario: Path, tmp_path: Path) -> None:
    expected = expected_jsonl(scenario, tmp_path)
    real_dir, link_dir = tmp_path / "real", tmp_path / "links"
    real_dir.mkdir()
    link_dir.mkdir()
    real = real_dir / "trace.jsonl"
    real.write_text("old\n")
    link = link_dir / "trace.jsonl"
    link.symlink_to(real)
    assert export(scenario, link)[0] == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == expected
    # dangling: the file the link names is made, the link stays
    dangling = link_dir / "later.jsonl"
    dangling.symlink_to(real_dir / "later.jsonl")
    assert export(scenario, dangling)[0] == 0
    assert dangling.is_symlink() and (real_dir / "later.jsonl").read_text() == expected
    assert listing(real_dir) == ["later.jsonl", "trace.jsonl"]  # no temporary file left
    assert listing(link_dir) == ["later.jsonl", "trace.jsonl"]


def test_an_existing_file_keeps_its_mode(scenario: Path, tmp_path: Path) -> None:
    private = tmp_path / "private.jsonl"
    private.write_text("old\n")
    private.chmod(0o600)
    shared = tmp_path / "shared.jsonl"
    shared.write_text("old\n")
    shared.chmod(0o664)
    for target, mode in ((private, 0o600), (shared, 0o664)):
        assert export(scenario, target)[0] == 0
        assert target.read_text() != "old\n"
        assert stat.S_IMODE(target.stat().st_mode) == mode


@pytest.mark.skipif(not ROOT, reason="only root can give the old file another owner")
def test_an_existing_file_keeps_its_owner(scenario: Path, tmp_path: Path) -> None:
    target = tmp_path / "theirs.jsonl"
    target.write_text("old\n")
    os.chown(target, 65534, 65534)
    assert export(scenario, target)[0] == 0
    st = target.stat()
    assert (st.st_uid, st.st_gid) == (65534, 65534)
    assert target.read_text() != "old\n"


def test_a_hard_linked_file_is_refused_and_left_as_it_was(scenario: Path,
                                                          tmp_path: Path) -> None:
    first = tmp_path / "a.jsonl"
    first.write_text("old\n")
    second = tmp_path / "b.jsonl"
    os.link(first, second)
    code, stdout, stderr = export(scenario, first)
    assert (code, stdout) == (2, "")
    assert f"-o: cannot write {first}: it has 2 hard links" in stderr
    assert first.read_text() == second.read_text() == "old\n"
    assert first.stat().st_nlink == 2 and first.samefile(second)


# ------------------------------------------------------- FIFOs, devices, streams


def test_a_fifo_is_written_through_not_replaced(scenario: Path, tmp_path: Path) -> None:
    expected = expected_jsonl(scenario, tmp_path)
    fifo = tmp_path / "events.fifo"
    os.mkfifo(fifo)
    # Our own read and (idle) write ends: the writer's open() cannot block, and the
    # reader sees the end only when the idle end is closed after the command.
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    idle = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    received = bytearray()

    def drain() -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if select.select([reader], [], [], 0.2)[0]:
                chunk = os.read(reader, 65536)
                if not chunk:
                    return
                received.extend(chunk)

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    try:
        code, _, stderr = export(scenario, fifo)
    finally:
        os.close(idle)
        thread.join(TIMEOUT)
        os.close(reader)
    assert code == 0, stderr
    assert not thread.is_alive()
    assert received.decode() == expected
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert listing(tmp_path) == ["events.fifo", "family.toml", "plain"]


def device(tmp_path: Path, name: str, minor: int) -> Path:
    """A copy of /dev/null (minor 3) or /dev/full (7) in tmp_path when root may make
    one, so a writer that replaced devices would not damage the machine's; else the
    real one, which nobody else can replace."""
    if not ROOT:
        return Path("/dev") / name
    path = tmp_path / name
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    return path


@pytest.mark.parametrize("command", COMMANDS)
def test_a_character_device_is_written_not_replaced(command: str, scenario: Path,
                                                    tmp_path: Path) -> None:
    _, argv = COMMANDS[command]
    null = device(tmp_path, "null", 3)
    result = osmodel(*argv(scenario, str(null)))
    assert result.code == 0, result.stderr
    assert stat.S_ISCHR(null.lstat().st_mode) and null.stat().st_rdev == os.makedev(1, 3)
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("command", COMMANDS)
def test_a_full_device_is_a_clear_error(command: str, scenario: Path, tmp_path: Path) -> None:
    option, argv = COMMANDS[command]
    full = device(tmp_path, "full", 7)
    result = osmodel(*argv(scenario, str(full)))
    assert result.code == 2
    assert f"{option}: cannot write {full}: No space left on device" in result.stderr
    assert stat.S_ISCHR(full.lstat().st_mode) and full.stat().st_rdev == os.makedev(1, 7)


def test_a_dash_writes_to_standard_output(scenario: Path, tmp_path: Path) -> None:
    expected = expected_jsonl(scenario, tmp_path)
    code, stdout, stderr = export(scenario, "-")
    assert code == 0, stderr
    assert stdout == expected  # and no "wrote -" line in it
    traced = osmodel("run", str(scenario), "--trace", "-", "--no-trace")
    assert traced.code == 0 and traced.stdout.startswith(expected)
    assert "== process table" in traced.stdout[len(expected):]
    page = osmodel("report", "toy", str(scenario), "-o", "-")
    assert page.code == 0 and page.stdout.startswith("<!DOCTYPE html>")
    assert page.stdout.rstrip().endswith("</html>")
    assert listing(tmp_path) == ["family.toml", "plain"]


def unix_loop(tmp_path: Path, ticks: int) -> Path:
    path = tmp_path / "loop.toml"
    path.write_text(f'[scenario]\nplatform = "unix"\n[machine.limits]\ntime = {ticks}\n'
                    '[programs.m]\ncode = "top: jmp top"\n[[timeline]]\nat = 0\nuser = "m"\n')
    return path


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="no /proc/self/fd")
def test_stdout_redirected_to_a_file_is_written_into_that_file(tmp_path: Path) -> None:
    """``--trace /dev/stdout > out`` must not replace ``out`` under the shell's redirection
    (the text report would go to the old, unlinked file).  /dev/stdout is a link to
    /proc/self/fd/1; the test names the latter, since a writer that replaced what it
    was given would, as root, replace the machine's /dev/stdout."""
    scenario = unix_loop(tmp_path, 50)
    out = tmp_path / "out.txt"
    with out.open("w") as handle:
        done = subprocess.run([*CLI, "run", str(scenario), "--trace", "/proc/self/fd/1"],
                              stdout=handle, stderr=subprocess.PIPE, text=True,
                              timeout=TIMEOUT)
        inode = os.fstat(handle.fileno()).st_ino
    assert done.returncode == 0, done.stderr
    assert out.stat().st_ino == inode
    text = out.read_text()
    first = text.splitlines()[0]
    assert json.loads(first)["kind"] == "create"
    assert "== process table" in text and "== summary" in text


def test_a_closed_pipe_is_a_clear_error(tmp_path: Path) -> None:
    scenario = unix_loop(tmp_path, 50)
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read: the first write fails with EPIPE
    try:
        done = subprocess.run([*CLI, "export", str(scenario), "--to", "jsonl", "-o", "-"],
                              stdout=write_end, stderr=subprocess.PIPE, text=True,
                              timeout=TIMEOUT)
    finally:
        os.close(write_end)
    assert done.returncode == 2
    assert done.stderr == "osmodel: error: -o: cannot write -: Broken pipe\n"


# ------------------------------------------------------------ signals mid-write

WRITER = """\
import sys, time
from osmodel.plugins.output import write_output

def lines():
    for _ in range(100_000):  # 6 MB, more than any buffer: the temporary file has them
        yield "x" * 60
    print("ready", flush=True)
    time.sleep(600)
    yield "never"

write_output("--trace", sys.argv[1], lines())
"""


def killed_mid_write(target: Path, signum: int) -> tuple[int, int, list[Path]]:
    """A child writing a large output to ``target`` is sent ``signum`` mid-write: its
    pid, its exit status and the temporary files there just before the signal."""
    with subprocess.Popen([sys.executable, "-c", WRITER, str(target)],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as child:
        try:
            assert child.stdout is not None
            ready, _, _ = select.select([child.stdout], [], [], TIMEOUT)
            assert ready and child.stdout.readline() == "ready\n"
            before = temps(target.parent)
            child.send_signal(signum)
            return child.pid, child.wait(TIMEOUT), before
        finally:
            if child.poll() is None:
                child.kill()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_terminating_signal_mid_write_removes_the_temporary_file(
        signum: int, tmp_path: Path) -> None:
    target = tmp_path / "big.jsonl"
    target.write_text("old\n")
    pid, status, before = killed_mid_write(target, signum)
    [temp] = before
    assert f".osmodel-{pid}-" in temp.name
    assert status == -signum  # ended by the signal, as its parent expects
    assert listing(tmp_path) == ["big.jsonl"]
    assert target.read_text() == "old\n"


def test_after_sigkill_the_next_write_removes_the_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "big.jsonl"
    target.write_text("old\n")
    _, status, before = killed_mid_write(target, signal.SIGKILL)
    assert status == -signal.SIGKILL
    [temp] = before
    assert temps(tmp_path) == [temp] and temp.stat().st_size >= 6_000_000
    write_output("-o", tmp_path / "other.jsonl", ["{}"])
    assert listing(tmp_path) == ["big.jsonl", "other.jsonl"]
    assert target.read_text() == "old\n"


def test_only_a_dead_writers_own_temporary_files_are_removed(tmp_path: Path) -> None:
    with subprocess.Popen([sys.executable, "-c", "pass"]) as dead:
        dead.wait()
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"]) as live:
        try:
            stale = f".t.jsonl.osmodel-{dead.pid}-0123abcd"
            kept = [f".t.jsonl.osmodel-{live.pid}-0123abcd",  # its writer is alive
                    f".t.jsonl.osmodel-{os.getpid()}-0123abcd",  # ours
                    f".t.jsonl.osmodel-{dead.pid}-0123abcd.bak",  # not the exact pattern
                    f"t.jsonl.osmodel-{dead.pid}-0123abcd",
                    f".t.jsonl.osmodel-{dead.pid}-0123ABCD",
                    f".t.jsonl.osmodel-{dead.pid}-0123abc",
                    f".t.jsonl.{dead.pid}.0123abcd",
                    f".locked.osmodel-{dead.pid}-0123abcd"]  # held by a lock below
            for name in [stale, *kept]:
                (tmp_path / name).write_text("partial\n")
            victim = tmp_path / "victim"
            victim.write_text("keep me\n")
            (tmp_path / f".link.osmodel-{dead.pid}-0123abcd").symlink_to(victim)
            (tmp_path / f".dir.osmodel-{dead.pid}-0123abcd").mkdir()
            kept += [f".link.osmodel-{dead.pid}-0123abcd",
                     f".dir.osmodel-{dead.pid}-0123abcd", "victim"]
            with (tmp_path / f".locked.osmodel-{dead.pid}-0123abcd").open() as held:
                fcntl.flock(held, fcntl.LOCK_EX)
                assert remove_stale_temps(tmp_path) == [tmp_path / stale]
        finally:
            live.kill()
    assert listing(tmp_path) == sorted(kept)
    assert victim.read_text() == "keep me\n"


def test_the_signal_handlers_are_restored_and_threads_can_write(tmp_path: Path) -> None:
    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
    write_output("-o", tmp_path / "main.txt", ["one"])
    assert {s: signal.getsignal(s) for s in before} == before
    failures: list[BaseException] = []

    def write() -> None:
        try:
            write_output("-o", tmp_path / "thread.txt", ["two"])
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(TIMEOUT)
    assert failures == []
    assert (tmp_path / "main.txt").read_text() == "one\n"
    assert (tmp_path / "thread.txt").read_text() == "two\n"
    with pytest.raises(OutputError, match=r"^-o: cannot write .*: it is a directory$"):
        write_output("-o", tmp_path, ["x"])


def test_schedule_trace_uses_the_same_writer(tmp_path: Path) -> None:
    """``schedule --trace`` writes through the same writer as every other output."""
    directory = tmp_path / "dir"
    directory.mkdir()
    result = osmodel("schedule", "--jobs", "3,1", "--trace", str(directory))
    assert result.code == 2 and "it is a directory" in result.stderr
    link = tmp_path / "slices.jsonl"
    real = tmp_path / "real.jsonl"
    real.write_text("old\n")
    real.chmod(0o600)
    link.symlink_to(real)
    assert osmodel("schedule", "--jobs", "3,1", "--trace", str(link)).code == 0
    assert link.is_symlink() and stat.S_IMODE(real.stat().st_mode) == 0o600
    assert json.loads(real.read_text().splitlines()[0])["start"] == 0

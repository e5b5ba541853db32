"""Writing an output file (``--trace FILE``, ``-o FILE``) without damaging what is there.

What is at the target decides how it is written:

- nothing, or a regular file (a symlink is followed to the file it names):
  the lines go to a temporary file beside it, renamed over it when complete,
  so a reader never sees half a file and a failed or interrupted write leaves
  the old file as it was.  An existing file keeps its mode and, when this
  process may set them, its owner and group; the link stays a link.
- a regular file with more than one hard link: refused, because a new file
  would break the links and writing in place would not be atomic.
- ``-``, or the file that is already this process's standard output or
  error (``/dev/stdout``, ``/proc/self/fd/1``): written through that stream.
- a FIFO or a character device (``/dev/null``, a terminal): opened and
  written directly, never replaced.
- a directory, a block device, a socket: refused.

Every problem is an ``OutputError`` naming the option and the path, checked
once before the run (``check_output``) and again when writing, since the run
may take a while.  The temporary file is named ``.NAME.osmodel-PID-XXXXXXXX``;
SIGTERM and SIGHUP remove it as SIGINT does, and a later write to the same
directory removes the ones a killed writer (SIGKILL) left, once that process
is gone.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import secrets
import signal
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from enum import Enum
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from attrs import frozen

from osmodel.kernel.errors import OsmodelError

#: ``.NAME.osmodel-PID-XXXXXXXX``: only files named so, by their owner, are ever removed.
TEMP_NAME = re.compile(r"\..+\.osmodel-(?P<pid>[1-9][0-9]{0,9})-[0-9a-f]{8}", re.DOTALL)
#: The target's name is cut to this many characters in the temporary name (NAME_MAX is 255).
TEMP_NAME_KEEP = 200
#: The signals that end a write the way SIGINT (KeyboardInterrupt) does.
TERMINATING = (signal.SIGTERM, signal.SIGHUP)

OutputPath = str | os.PathLike[str]
_Handler = Callable[[int, FrameType | None], Any] | int


class OutputError(OsmodelError):
    """An output file that cannot be written, named with the option that gave it."""

    def __init__(self, option: str, path: OutputPath, reason: str,
                 code: int | None = None) -> None:
        self.option = option
        self.path = os.fspath(path)
        self.reason = reason
        self.errno = code
        where = f"cannot write {self.path}: " if self.path else ""
        super().__init__(f"{option}: {where}{reason}")


class Kind(Enum):
    """How a target is written."""

    file = "file"  # atomically, through a temporary file (the target may not exist yet)
    special = "special"  # a FIFO or a character device, opened and written in place
    stream = "stream"  # this process's standard output or error


@frozen
class Target:
    """Where the lines go: ``path`` is the file to replace (symlinks resolved) or open."""

    kind: Kind
    path: Path
    stream: TextIO | None = None
    existing: os.stat_result | None = None


def check_output(option: str, path: OutputPath) -> Target:
    """Fail now, before a run, if ``path`` cannot be written: a new file is tried by
    creating its temporary file and removing it at once (the only check root obeys)."""
    target = resolve(option, path)
    if target.kind is Kind.file:
        fd, temp = _create_temp(option, path, target.path)
        os.close(fd)
        os.unlink(temp)
    elif target.kind is Kind.special and not os.access(target.path, os.W_OK):
        raise OutputError(option, path, os.strerror(errno.EACCES), errno.EACCES)
    return target


def write_output(option: str, path: OutputPath, lines: Iterable[str]) -> Target:
    """Write ``lines`` (each followed by a newline) to ``path`` as its kind asks."""
    target = resolve(option, path)
    if target.kind is Kind.file:
        _write_atomically(option, path, target, lines)
    elif target.kind is Kind.special:
        try:
            fd = os.open(target.path, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)
        except OSError as error:
            raise _failed(option, path, error) from None
        with _reporting(option, path), open(fd, "w", encoding="utf-8") as handle:
            _write_lines(handle, lines)
    else:
        assert target.stream is not None
        try:
            _write_lines(target.stream, lines)
            target.stream.flush()
        except OSError as error:
            if error.errno == errno.EPIPE:
                _drop_stream(target.stream)
            raise _failed(option, path, error) from None
    return target


def resolve(option: str, path: OutputPath) -> Target:
    """What is at ``path`` and so how to write it; OutputError if it cannot be written."""
    text = os.fspath(path)
    if not text:
        raise OutputError(option, text, "the file name is empty")
    if text == "-":
        return Target(Kind.stream, Path(text), sys.stdout)
    given = Path(text)
    try:
        st = os.stat(given)
    except FileNotFoundError:
        return Target(Kind.file, _new_file(option, given))
    except OSError as error:
        raise _failed(option, path, error) from None
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(option, path, "it is a directory", errno.EISDIR)
    stream = _standard_stream(st)
    if stream is not None:
        return Target(Kind.stream, given, stream)
    if stat.S_ISREG(st.st_mode):
        if st.st_nlink > 1:
            raise OutputError(option, path, f"it has {st.st_nlink} hard links, which a new "
                              "file would break (and writing in place is not atomic): remove "
                              "the other links or write to another file")
        return Target(Kind.file, Path(os.path.realpath(given)), existing=st)
    if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
        return Target(Kind.special, given)
    what = "a block device" if stat.S_ISBLK(st.st_mode) else (
        "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
    raise OutputError(option, path, f"it is {what} (write to a regular file, a FIFO or a "
                      "character device)")


def _new_file(option: str, given: Path) -> Path:
    """Where a file that does not exist yet will be made: through a dangling symlink too."""
    real = Path(os.path.realpath(given))
    try:
        parent = os.stat(real.parent)
    except OSError as error:
        if error.errno == errno.ENOENT:
            raise OutputError(option, given, f"directory {given.parent} does not exist",
                              error.errno) from None
        raise _failed(option, given, error) from None
    if not stat.S_ISDIR(parent.st_mode):
        raise OutputError(option, given, f"{given.parent} is not a directory", errno.ENOTDIR)
    return real


def _standard_stream(st: os.stat_result) -> TextIO | None:
    """sys.stdout or sys.stderr when the target is the very file they write to."""
    for fd, stream in ((1, sys.stdout), (2, sys.stderr)):
        try:
            own = os.fstat(fd)
        except OSError:
            continue
        if (own.st_dev, own.st_ino) == (st.st_dev, st.st_ino):
            return stream
    return None


def _write_lines(handle: TextIO, lines: Iterable[str]) -> None:
    write = handle.write
    for line in lines:
        write(line)
        write("\n")


def _drop_stream(stream: TextIO) -> None:
    """After EPIPE, point the stream's descriptor at /dev/null, so the exit's flush of
    what is still buffered does not print a second error."""
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)


def _failed(option: str, path: OutputPath, error: OSError) -> OutputError:
    return OutputError(option, path, error.strerror or str(error), error.errno)


@contextlib.contextmanager
def _reporting(option: str, path: OutputPath) -> Iterator[None]:
    """OSError inside becomes the OutputError that names the option and the path."""
    try:
        yield
    except OSError as error:
        raise _failed(option, path, error) from None


# ------------------------------------------------------------------ the atomic write


def _write_atomically(option: str, path: OutputPath, target: Target,
                      lines: Iterable[str]) -> None:
    remove_stale_temps(target.path.parent)
    with _terminating_like_sigint():
        fd, temp = _create_temp(option, path, target.path)
        try:
            with _reporting(option, path):
                _copy_metadata(fd, target.existing)
                with open(fd, "w", encoding="utf-8") as handle:
                    _write_lines(handle, lines)
                os.replace(temp, target.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


def _create_temp(option: str, path: OutputPath, real: Path) -> tuple[int, Path]:
    """A new, locked, empty file beside ``real`` whose name carries this process's pid."""
    prefix = f".{real.name[:TEMP_NAME_KEEP]}.osmodel-{os.getpid()}-"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    while True:
        temp = real.with_name(prefix + secrets.token_hex(4))
        try:
            fd = os.open(temp, flags, 0o600)
            break
        except FileExistsError:
            continue
        except OSError as error:
            raise OutputError(option, path, f"cannot create a file in {real.parent}: "
                              f"{error.strerror}", error.errno) from None
    fcntl.flock(fd, fcntl.LOCK_EX)  # held until closed: in use, whatever the pid says
    return fd, temp


def _copy_metadata(fd: int, existing: os.stat_result | None) -> None:
    """The old file's permissions (and owner where allowed); a new file gets what open()
    would give it, 0666 less the umask, rather than the temporary file's 0600."""
    if existing is None:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        return
    if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
        for owner in ((existing.st_uid, existing.st_gid), (-1, existing.st_gid)):
            try:
                os.fchown(fd, *owner)
                break
            except PermissionError:
                continue
    os.fchmod(fd, stat.S_IMODE(existing.st_mode) & 0o777)


class _Terminated(BaseException):
    """SIGTERM or SIGHUP arrived while a temporary file existed."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise _Terminated(signum)


@contextlib.contextmanager
def _terminating_like_sigint() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP unwind like KeyboardInterrupt, so the temporary
    file is removed; then the signal is delivered again to the handler there was before
    (by default it ends the process, which its parent sees as killed by that signal)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; a killed writer is cleaned later
        return
    before: dict[int, _Handler] = {}
    for signum in TERMINATING:
        handler = signal.getsignal(signum)
        if handler is not None and handler is not signal.SIG_IGN:  # None: set outside Python
            before[signum] = handler
            signal.signal(signum, _raise_terminated)
    try:
        yield
    except _Terminated as ended:
        _restore(before)
        signal.raise_signal(ended.signum)
        raise SystemExit(128 + ended.signum) from None  # the old handler returned
    finally:
        _restore(before)


def _restore(handlers: dict[int, _Handler]) -> None:
    for signum, handler in handlers.items():
        signal.signal(signum, handler)


# --------------------------------------------------------------- stale temporary files


def remove_stale_temps(directory: Path) -> list[Path]:
    """Remove the temporary files that writers killed mid-write left in ``directory``.

    Only regular files named ``.NAME.osmodel-PID-XXXXXXXX``, owned by this user,
    whose PID is not a live process and which no process holds locked; never
    anything else.  Returns what was removed.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        found = TEMP_NAME.fullmatch(entry.name)
        if found is None or _alive(int(found["pid"])):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid() \
                and _remove_unlocked(Path(entry.path), st):
            removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    """Whether ``pid`` names a process; when in doubt, yes (its file is then kept)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True
    return True


def _remove_unlocked(path: Path, seen: os.stat_result) -> bool:
    """Remove ``path`` if it is still the file seen and no writer holds its lock (a pid
    can look dead from another pid namespace while its writer is alive)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        now = os.fstat(fd)
        if (now.st_dev, now.st_ino) != (seen.st_dev, seen.st_ino):
            return False
        os.unlink(path)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)

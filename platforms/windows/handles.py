"""Handle tables: looking a handle up with its access check, adding, closing, duplicating.

A handle is an index into one process's table (multiples of four) and means
nothing anywhere else: every call resolves it in the caller's table (or, for
DuplicateHandle, in the source process's).  Each slot carries the access
mask granted when it was made; a call that needs a right the slot lacks
fails with ERROR_ACCESS_DENIED, a value that is not in the table (or names
an object of another type) with ERROR_INVALID_HANDLE.  Rules: Process
Security and Access Rights, DuplicateHandle, CloseHandle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .constants import (
    CURRENT_PROCESS,
    CURRENT_THREAD,
    DUPLICATE_CLOSE_SOURCE,
    DUPLICATE_SAME_ACCESS,
    ERROR_ACCESS_DENIED,
    ERROR_INVALID_HANDLE,
    PROCESS_ALL_ACCESS,
    PROCESS_DUP_HANDLE,
    PROCESS_QUERY_INFORMATION,
    PROCESS_QUERY_LIMITED_INFORMATION,
    THREAD_ALL_ACCESS,
    THREAD_QUERY_INFORMATION,
    THREAD_QUERY_LIMITED_INFORMATION,
    WinError,
    rights_text,
)
from .objects import ProcessObject, ThreadObject, describe, kind_of
from .proc import trace, win

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process


def granted(kind: str, rights: int) -> int:
    """The mask a new handle gets: QUERY_INFORMATION implies QUERY_LIMITED_INFORMATION."""
    if kind == "process" and rights & PROCESS_QUERY_INFORMATION:
        rights |= PROCESS_QUERY_LIMITED_INFORMATION
    if kind == "thread" and rights & THREAD_QUERY_INFORMATION:
        rights |= THREAD_QUERY_LIMITED_INFORMATION
    return rights


def lookup(proc: Process, value: int) -> tuple[Any, int]:
    """The object and rights behind ``value`` in ``proc``'s table (pseudo-handles included)."""
    if value == CURRENT_PROCESS:
        return win(proc).obj, PROCESS_ALL_ACCESS
    if value == CURRENT_THREAD:
        return win(proc).thread, THREAD_ALL_ACCESS
    slot = proc.resources.slots.get(value)
    if slot is None:
        raise WinError(ERROR_INVALID_HANDLE, f"{value} is not a handle in process {proc.pid}")
    return slot.obj, slot.rights


def resolve(proc: Process, value: int, kind: str | tuple[str, ...], need: int = 0) -> Any:
    """The object of type ``kind`` behind ``value``, if the handle grants ``need``."""
    obj, rights = lookup(proc, value)
    found = kind_of(obj)
    kinds = (kind,) if isinstance(kind, str) else kind
    if found not in kinds:
        raise WinError(ERROR_INVALID_HANDLE, f"handle {value} refers to a {found}, "
                       f"not a {' or '.join(kinds)}")
    if rights & need != need:
        missing = need & ~rights
        raise WinError(ERROR_ACCESS_DENIED, f"handle {value} lacks {rights_text(found, missing)}")
    return obj


def process_at(proc: Process, value: int, need: int = 0) -> Process:
    """The process a process handle refers to (checked for ``need``)."""
    obj: ProcessObject = resolve(proc, value, "process", need)
    return obj.proc


def add(proc: Process, obj: Any, rights: int, *, inheritable: bool = False) -> int:
    """A new handle to ``obj`` in ``proc``'s table (the object's count goes up)."""
    return proc.resources.add(obj, rights=granted(kind_of(obj), rights), inheritable=inheritable)


def close(kernel: Kernel, proc: Process, value: int, *, quiet: bool = False) -> None:
    """CloseHandle: the slot goes; the object lives on while other handles (or its
    process, or its views) keep it.  Closing a pseudo-handle does nothing."""
    if value in (CURRENT_PROCESS, CURRENT_THREAD):
        return
    if value not in proc.resources.slots:
        raise WinError(ERROR_INVALID_HANDLE, f"{value} is not a handle in process {proc.pid}")
    obj = proc.resources.slots[value].obj
    if not quiet:
        refs = getattr(obj, "refs", None)
        trace(kernel, "CloseHandle", proc.pid, handle=value, object=describe(obj),
              handles_left=refs - 1 if refs is not None else None)
    proc.resources.close(value)


def duplicate(kernel: Kernel, caller: Process, source_handle: int, value: int,
              target_handle: int, rights: int, options: int) -> tuple[Process, int]:
    """DuplicateHandle: copy ``value`` from the source process's table into the target's.

    Both process handles (in the caller's table) need PROCESS_DUP_HANDLE.  With
    DUPLICATE_SAME_ACCESS the copy has the source's rights; otherwise it may
    have at most those (a simplification: Windows checks the object's security
    instead).  DUPLICATE_CLOSE_SOURCE closes the source handle even when the
    copy fails.  Returns the target and the new value, valid only there.
    """
    source = process_at(caller, source_handle, PROCESS_DUP_HANDLE)
    target = process_at(caller, target_handle, PROCESS_DUP_HANDLE)
    if source.exit is not None:
        raise WinError(ERROR_ACCESS_DENIED, f"process {source.pid} has ended: no handle table")
    obj, have = lookup(source, value)
    try:
        if target.exit is not None:
            raise WinError(ERROR_ACCESS_DENIED, f"process {target.pid} has ended")
        kind = kind_of(obj)
        want = have if options & DUPLICATE_SAME_ACCESS else granted(kind, rights)
        if want & ~have:
            raise WinError(ERROR_ACCESS_DENIED, f"the source handle lacks "
                           f"{rights_text(kind, want & ~have)}")
        new = add(target, obj, want)
    finally:
        if options & DUPLICATE_CLOSE_SOURCE and value not in (CURRENT_PROCESS, CURRENT_THREAD):
            close(kernel, source, value, quiet=True)
    trace(kernel, "DuplicateHandle", caller.pid, source=source.pid, handle=value,
          target=target.pid, new=new, object=describe(obj), rights=rights_text(kind, want),
          closed_source=bool(options & DUPLICATE_CLOSE_SOURCE))
    return target, new


def handle_list(proc: Process) -> list[dict[str, Any]]:
    """The handle table as JSON-ready entries, by value."""
    entries = []
    for value, slot in proc.resources:
        obj = slot.obj
        kind = kind_of(obj)
        entry: dict[str, Any] = {"handle": value, "type": kind, "object": describe(obj),
                                 "rights": rights_text(kind, slot.rights),
                                 "access": f"{slot.rights:#x}",
                                 "inheritable": slot.inheritable}
        if isinstance(obj, ProcessObject | ThreadObject):
            entry["pid"] = obj.proc.pid
        entries.append(entry)
    return entries

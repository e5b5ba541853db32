"""File mapping (section) objects: the only way two processes share memory.

Rules (File Mapping, CreateFileMapping, MapViewOfFile, Memory Protection
Constants): private memory is never shared; sharing is explicit through a
section object, reached by name, by inheritance or by DuplicateHandle, then
mapped with MapViewOfFile.  FILE_MAP_WRITE maps the section itself (every
view sees every write); FILE_MAP_COPY maps a copy-on-write view (the first
write to a page copies it into this view only).  A name lasts while a handle
is open; the memory lasts while a handle or a view refers to it.

Model: sections are backed by the paging file (no disk file), sized in
pages, and a view always maps the whole section.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from osmodel.kernel.memory import MemoryObject

from . import handles
from .constants import (
    ERROR_ALREADY_EXISTS,
    ERROR_FILE_NOT_FOUND,
    ERROR_INVALID_PARAMETER,
    ERROR_SUCCESS,
    FILE_MAP_COPY,
    FILE_MAP_READ,
    FILE_MAP_WRITE,
    SECTION_ALL_ACCESS,
    SECTION_MAP_READ,
    SECTION_MAP_WRITE,
    WinError,
)
from .objects import SectionObject
from .proc import system, trace

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process

VIEW = "view"


def create(kernel: Kernel, proc: Process, name: str, npages: int) -> int:
    """CreateFileMapping: a new section, or a handle to the existing one of that name
    (GetLastError then says ERROR_ALREADY_EXISTS)."""
    sysm = system(kernel)
    existing = sysm.names.get(name) if name else None
    if existing is not None:
        proc.context.error = ERROR_ALREADY_EXISTS
        return handles.add(proc, existing, SECTION_ALL_ACCESS)
    if npages < 1:
        raise WinError(ERROR_INVALID_PARAMETER, f"a section of {npages} pages")
    sysm.sections += 1
    memory = MemoryObject(kernel.pool, name=f"section:{name or sysm.sections}",
                          anonymous=False, refs=1)
    section = SectionObject(name=name, npages=npages, memory=memory, number=sysm.sections,
                            on_zero=lambda s: _last_handle_closed(kernel, s))
    if name:
        sysm.names[name] = section
    proc.context.error = ERROR_SUCCESS
    trace(kernel, "section", proc.pid, created=section.describe(), pages=npages)
    return handles.add(proc, section, SECTION_ALL_ACCESS)


def open_named(kernel: Kernel, proc: Process, name: str) -> int:
    """OpenFileMapping: a handle to the section of that name, if one exists."""
    section = system(kernel).names.get(name)
    if section is None:
        raise WinError(ERROR_FILE_NOT_FOUND, f"no section named {name!r}")
    return handles.add(proc, section, SECTION_ALL_ACCESS)


def map_view(kernel: Kernel, proc: Process, value: int, mode: int) -> int:
    """MapViewOfFile: map the whole section; returns the view's first address."""
    if mode & FILE_MAP_COPY:
        need, shared, writable = SECTION_MAP_READ, False, True
    elif mode & FILE_MAP_WRITE:
        need, shared, writable = SECTION_MAP_WRITE, True, True
    elif mode & FILE_MAP_READ:
        need, shared, writable = SECTION_MAP_READ, True, False
    else:
        raise WinError(ERROR_INVALID_PARAMETER, f"no view access in {mode:#x}")
    section: SectionObject = handles.resolve(proc, value, "section", need)
    space = proc.space
    start = space.free_region(section.npages)
    label = f"{VIEW}:{section.name or section.number}"
    if shared:
        space.map_shared(label, start, section.npages, section.memory, writable=writable)
    else:
        space.map_private(label, start, section.npages, section.memory)
    address = start * kernel.pool.page_words
    trace(kernel, "section", proc.pid, mapped=section.describe(), address=address,
          view="copy-on-write" if not shared else "shared" if writable else "read-only")
    return address


def unmap_view(kernel: Kernel, proc: Process, address: int) -> None:
    """UnmapViewOfFile: the view starting at ``address`` goes."""
    words = kernel.pool.page_words
    segment = proc.space.segment_at(address // words)
    if (segment is None or not segment.name.startswith(VIEW + ":")
            or segment.start * words != address):
        raise WinError(ERROR_INVALID_PARAMETER, f"no view starts at {address}")
    proc.space.unmap(segment)


def _last_handle_closed(kernel: Kernel, section: SectionObject) -> None:
    """The name goes with the last handle; views keep the memory they map."""
    names = system(kernel).names
    if section.name and names.get(section.name) is section:
        del names[section.name]
    section.memory.drop()

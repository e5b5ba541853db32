"""A tiny file system and per-process resource tables.

Files hold words.  Opening one makes an *open file description* (offset,
mode, reference count) that several table slots, in one process or several,
may share: that is how a child's read moves its parent's offset.  A
platform shows table slots as descriptors (UNIX: lowest free number) or
handles (Windows: multiples of four with access rights); the table itself is
the same.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from typing import Any

from attrs import define, field

from .errors import OsmodelError

READ, WRITE = 1, 2
MODES = {"r": READ, "w": WRITE, "rw": READ | WRITE, "a": WRITE}


class ResourceError(OsmodelError):
    """A bad slot or a missing file; the platform reports it as EBADF, ENOENT, 6, 2 ..."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


@define(eq=False)
class File:
    name: str
    words: list[int] = field(factory=list)


@define(eq=False)
class OpenFile:
    """An open file description: shared by every slot that refers to it."""

    file: File
    mode: int
    offset: int = 0
    refs: int = 0
    kind: str = "file"

    def read(self) -> int | None:
        if not self.mode & READ:
            raise ResourceError("mode", f"{self.file.name} is not open for reading")
        if self.offset >= len(self.file.words):
            return None
        value = self.file.words[self.offset]
        self.offset += 1
        return value

    def write(self, value: int) -> None:
        if not self.mode & WRITE:
            raise ResourceError("mode", f"{self.file.name} is not open for writing")
        words = self.file.words
        if self.offset < len(words):
            words[self.offset] = value
        else:
            words.extend([0] * (self.offset - len(words)))
            words.append(value)
        self.offset += 1

    def close(self) -> None:
        self.refs -= 1

    def describe(self) -> str:
        return f"{self.file.name}@{self.offset}"


@define(eq=False)
class FileSystem:
    files: dict[str, File] = field(factory=dict)

    def create(self, name: str, words: list[int] | None = None) -> File:
        file = self.files[name] = File(name, list(words or []))
        return file

    def open(self, name: str, mode: str) -> OpenFile:
        if mode not in MODES:
            raise ResourceError("mode", f"unknown open mode {mode!r} (expected r, w, rw or a)")
        file = self.files.get(name)
        if file is None:
            if mode == "r":
                raise ResourceError("missing", f"no such file: {name}")
            file = self.create(name)
        elif mode == "w":
            file.words.clear()
        description = OpenFile(file, MODES[mode])
        if mode == "a":
            description.offset = len(file.words)
        return description


@define(eq=False)
class Slot:
    """One entry of a resource table: an object, access rights and flags."""

    obj: Any
    rights: int = 0
    inheritable: bool = True
    close_on_exec: bool = False


@define(eq=False)
class ResourceTable:
    """Numbered slots owned by one process (descriptors or handles).

    A new slot takes the lowest free number of ``first``, ``first + step``, ...
    (UNIX descriptors: 0, 1, 2 ...; Windows handles: 4, 8, 12 ...), found
    from a heap of closed numbers and a high-water mark, so a process that
    opens thousands does not pay a scan for each.
    """

    first: int = 0
    step: int = 1
    slots: dict[int, Slot] = field(factory=dict)
    #: The pid of the process whose table this is, for objects that list their holders.
    owner: int | None = None
    #: Numbers below ``_top`` closed since they were used: a heap, stale entries skipped.
    _freed: list[int] = field(factory=list, init=False)
    _top: int = field(default=-1, init=False)

    def _lowest_free(self) -> int:
        slots, freed = self.slots, self._freed
        while freed:
            number = heapq.heappop(freed)
            if number not in slots:
                return number
        if self._top < 0:
            self._top = self.first
        number = self._top
        while number in slots:  # taken explicitly (dup2 to a high number, say)
            number += self.step
        self._top = number + self.step
        return number

    def add(self, obj: Any, *, rights: int = 0, inheritable: bool = True,
            close_on_exec: bool = False, number: int | None = None) -> int:
        if number is None:
            number = self._lowest_free()
        elif number in self.slots:
            self.close(number)
        if hasattr(obj, "refs"):
            obj.refs += 1
            held = getattr(obj, "held", None)
            if held is not None:  # an object that lists who holds it (a Windows object)
                held[self, number] = None
        self.slots[number] = Slot(obj, rights, inheritable, close_on_exec)
        return number

    def get(self, number: int) -> Slot:
        slot = self.slots.get(number)
        if slot is None:
            raise ResourceError("bad", f"{number} is not an open slot")
        return slot

    def close(self, number: int) -> Any:
        slot = self.slots.pop(number, None)
        if slot is None:
            raise ResourceError("bad", f"{number} is not an open slot")
        if number < self._top:
            heapq.heappush(self._freed, number)
        held = getattr(slot.obj, "held", None)
        if held is not None:
            held.pop((self, number), None)
        close = getattr(slot.obj, "close", None)
        if close is not None:
            close()
        return slot.obj

    def close_all(self) -> None:
        if self.slots:
            for number in sorted(self.slots):
                self.close(number)

    def copy(self, keep: Callable[[Slot], bool]) -> ResourceTable:
        """A new table with the same numbers for every slot ``keep`` accepts, sharing objects."""
        child = ResourceTable(self.first, self.step)
        for number, slot in sorted(self.slots.items()):
            if keep(slot):
                child.add(slot.obj, rights=slot.rights, inheritable=slot.inheritable,
                          close_on_exec=slot.close_on_exec, number=number)
        return child

    def __iter__(self) -> Iterator[tuple[int, Slot]]:
        return iter(sorted(self.slots.items()))

    def __len__(self) -> int:
        return len(self.slots)

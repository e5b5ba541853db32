"""Where things are in TOML text: a guard run before tomllib, and a scanner run after it.

tomllib reports positions only for syntax errors, and it recurses and converts
numbers without bounds.  This module is the scenario loader's view of the text
itself, apart from what the values mean: `unsafe_toml` refuses what must not
reach tomllib (deep nesting, huge numbers) in one linear scan;
`toml_error_position` takes tomllib's own position out of its message; and
`Locator` scans text that tomllib accepted once, recording the offset of every
key, value and table header, so that `osmodel.kernel.scenario` can point each
complaint at the exact line and column.
"""

from __future__ import annotations

import contextlib
import re
import tomllib
from bisect import bisect_right
from collections.abc import Callable

__all__ = [
    "BARE_KEY",
    "MAX_DIGITS",
    "MAX_NESTING",
    "KeyPath",
    "Locator",
    "line_column",
    "toml_error_position",
    "unsafe_toml",
]


#: How deep arrays and inline tables may nest (tomllib recurses once or twice a level).
MAX_NESTING = 32
#: The most digits a bare number may have (a 64-bit integer has 19; int() refuses 4300).
MAX_DIGITS = 100

#: A path from the document root: keys, and indexes for array elements.
KeyPath = tuple[str | int, ...]


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1



_STRINGS = {
    '"""': re.compile(r'"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""(?:"{0,2})'),
    "'''": re.compile(r"'''(?:[^']|'(?!''))*'''(?:'{0,2})"),
    '"': re.compile(r'"(?:[^"\\\n]|\\.)*"'),
    "'": re.compile(r"'[^'\n]*'"),
}
_HAZARD = re.compile(r"\"\"\"|'''|[\"'#\[\]{}]|[0-9][0-9_]{" + str(MAX_DIGITS) + ",}")


def unsafe_toml(text: str) -> tuple[int, str, str] | None:
    """What in ``text`` must not reach tomllib, found before it does: the offset, the
    message and what is expected instead; None if nothing.

    tomllib recurses for every array and inline table, so deep nesting ends in
    RecursionError, and it converts any run of digits with int(), which refuses more
    than 4300 (ValueError) and is slow well before.  One linear scan outside strings
    and comments counts brackets and measures numbers.  Text that is not TOML may be
    misread, but only after the point where tomllib will stop with a syntax error.
    """
    depth = 0
    pos = 0
    while (found := _HAZARD.search(text, pos)) is not None:
        token, start = found.group(), found.start()
        pos = found.end()
        if token in _STRINGS:
            string = _STRINGS[token].match(text, start)
            if string is None:  # unterminated: tomllib reports it
                return None
            pos = string.end()
        elif token == "#":
            pos = text.find("\n", start)
            if pos < 0:
                return None
        elif token in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return (start, f"arrays and tables nested more than {MAX_NESTING} deep",
                        f"at most {MAX_NESTING} levels of [ ] and {{ }}")
        elif token in "]}":
            depth = max(depth - 1, 0)
        else:
            return (start, f"a number of more than {MAX_DIGITS} digits",
                    f"a number of at most {MAX_DIGITS} digits")
    return None


def toml_error_position(error: tomllib.TOMLDecodeError, text: str) -> tuple[str, int, int]:
    """The message without its position suffix, and the 1-based line and column.

    Python 3.14 gives ``msg``/``lineno``/``colno``; 3.11 only puts
    "(at line L, column C)" or "(at end of document)" at the end of the message.
    """
    lineno = getattr(error, "lineno", None)
    colno = getattr(error, "colno", None)
    msg = getattr(error, "msg", None)
    if isinstance(lineno, int) and isinstance(colno, int) and isinstance(msg, str):
        return msg, lineno, colno
    message = str(error)
    found = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", message, re.DOTALL)
    if found:
        return found.group(1), int(found.group(2)), int(found.group(3))
    found = re.fullmatch(r"(.*) \(at end of document\)", message, re.DOTALL)
    if found:
        message = found.group(1)
    line, column = line_column(text, len(text))
    return message, line, column


# -- where things are in the text ---------------------------------------------------------


class _ScanStop(Exception):
    """The scanner met something it does not follow; what it found so far stands."""


BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# A number, boolean, date or time; a date-time may have one space before its time.
_SCALAR = re.compile(r"[^\s,\]}#]+(?: [0-9][^\s,\]}#]*)?")


class Locator:
    """Offsets of keys, values and table headers in TOML text, found by one light scan.

    Paths are the keys from the document root, with the index for an element
    of an array (``("timeline", 2, "at")``, ``("programs", "p", "code")``).
    The text has already passed tomllib, so the scan can be simple; if it
    meets something it does not follow it stops, keeps what it found, and
    callers fall back to an enclosing table.  It never raises.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.values: dict[KeyPath, int] = {}
        self.keys: dict[KeyPath, int] = {}
        self.headers: dict[KeyPath, int] = {}
        self._arrays: dict[KeyPath, int] = {}  # array of tables -> index of its last element
        self.pos = 0
        with contextlib.suppress(_ScanStop, IndexError, ValueError, RecursionError):
            self._document()

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    # -- scanning -------------------------------------------------------------------------

    def _char(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _skip(self, *, newlines: bool) -> None:
        """Skip spaces, tabs and comments, and line ends too if ``newlines``."""
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t":
                self.pos += 1
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif newlines and char in "\r\n":
                self.pos += 1
            else:
                return

    def _document(self) -> None:
        table: KeyPath = ()
        text = self.text
        while True:
            self._skip(newlines=True)
            if self.pos >= len(text):
                return
            start = self.pos
            if text.startswith("[[", start):
                self.pos += 2
                table = self._header(start, array=True)
            elif text[start] == "[":
                self.pos += 1
                table = self._header(start, array=False)
            else:
                self._key_value(table)
            self._skip(newlines=False)
            if self._char() not in ("", "\n", "\r"):  # not understood: go on at the next line
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end

    def _header(self, start: int, *, array: bool) -> KeyPath:
        """Read ``[a.b]`` or ``[[a.b]]`` (after the brackets) and return the table's path."""
        parts = self._key()
        resolved: list[str | int] = []
        for number, (name, offset) in enumerate(parts):
            resolved.append(name)
            path = tuple(resolved)
            self.keys.setdefault(path, offset)
            if array and number == len(parts) - 1:
                index = self._arrays.get(path, -1) + 1
                self._arrays[path] = index
                self.headers.setdefault(path, start)
                resolved.append(index)
            elif path in self._arrays:
                resolved.append(self._arrays[path])
        table = tuple(resolved)
        self.headers.setdefault(table, start)
        self._skip(newlines=False)
        closing = "]]" if array else "]"
        if not self.text.startswith(closing, self.pos):
            raise _ScanStop
        self.pos += len(closing)
        return table

    def _key(self) -> list[tuple[str, int]]:
        """A dotted key: each part's name and offset."""
        parts: list[tuple[str, int]] = []
        while True:
            self._skip(newlines=False)
            offset = self.pos
            char = self._char()
            if char in ('"', "'"):
                end = self._string_end(offset)
                name = tomllib.loads("k = " + self.text[offset:end])["k"]
                self.pos = end
            else:
                found = BARE_KEY.match(self.text, offset)
                if not found:
                    raise _ScanStop
                name = found.group()
                self.pos = found.end()
            parts.append((str(name), offset))
            self._skip(newlines=False)
            if self._char() != ".":
                return parts
            self.pos += 1

    def _key_value(self, table: KeyPath) -> None:
        path = table
        for name, offset in self._key():
            path = (*path, name)
            self.keys.setdefault(path, offset)
        self._skip(newlines=False)
        if self._char() != "=":
            raise _ScanStop
        self.pos += 1
        self._skip(newlines=False)
        self._value(path)

    def _value(self, path: KeyPath) -> None:
        start = self.pos
        self.values[path] = start
        char = self._char()
        if char in ('"', "'"):
            self.pos = self._string_end(start)
        elif char == "{":
            self._items("}", lambda _: self._key_value(path))
        elif char == "[":
            self._items("]", lambda index: self._value((*path, index)))
        else:
            found = _SCALAR.match(self.text, start)
            if not found:
                raise _ScanStop
            self.pos = found.end()

    def _items(self, closing: str, item: Callable[[int], None]) -> None:
        """Read the items of an inline table or array (after its opening bracket) up to
        ``closing``; ``item`` reads one, given how many came before it."""
        self.pos += 1
        count = 0
        while True:
            self._skip(newlines=True)
            char = self._char()
            if char == closing:
                self.pos += 1
                return
            if char == ",":
                self.pos += 1
            elif not char:
                raise _ScanStop
            else:
                item(count)
                count += 1

    def _string_end(self, start: int) -> int:
        """The offset just after the string (any of the four kinds) that starts at ``start``."""
        text = self.text
        quote = text[start]
        basic = quote == '"'
        if text.startswith(quote * 3, start):
            index = start + 3
            while index < len(text):
                if basic and text[index] == "\\":
                    index += 2
                elif text.startswith(quote * 3, index):
                    end = index + 3
                    # Up to two more quotes before the delimiter belong to the content.
                    while end < len(text) and text[end] == quote and end - index < 5:
                        end += 1
                    return end
                else:
                    index += 1
            raise _ScanStop
        index = start + 1
        while index < len(text) and text[index] != "\n":
            if basic and text[index] == "\\":
                index += 2
            elif text[index] == quote:
                return index + 1
            else:
                index += 1
        raise _ScanStop

    def content_start(self, path: KeyPath) -> tuple[int, int] | None:
        """Line and column where the content of the string value at ``path`` begins.

        TOML drops a line end right after an opening triple quote, so such
        content starts at column 1 of the next line.
        """
        offset = self.values.get(path)
        if offset is None:
            return None
        text = self.text
        quote = text[offset : offset + 3]
        if quote in ('"""', "'''"):
            offset += 3
            if text.startswith("\n", offset):
                offset += 1
            elif text.startswith("\r\n", offset):
                offset += 2
        else:
            offset += 1
        return self.position(offset)

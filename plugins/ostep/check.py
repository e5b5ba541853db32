"""``osmodel ostep --check FILE``: a student's answers, compared number by number.

The file (layout 1, docs/ostep.md) has one answer a line, ``KEY VALUE``: the
key as the JSON document's ``numbers`` name it (``job 1 turnaround``, a colon
after it allowed), then the value; blank lines and lines starting with ``#``
are skipped, and case and runs of spaces in keys do not matter.  Values that
are numbers compare as numbers (``7`` is ``7.00``), others as words.  A file
that cannot be read, a line without a value or a key given twice is bad
input (exit 2); a wrong, missing or unknown number is a wrong answer (exit 1).
"""

from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation
from typing import Any

from attrs import frozen

from osmodel.kernel.cli import fail

from .document import LAYOUT
from .homework import Homework

#: The most a --check file may hold: a homework has thousands of numbers, not millions.
MAX_BYTES = 16 * 1024 * 1024


@frozen
class Answer:
    """One line of the file: where it is, the key and the value written."""

    line: int
    key: str
    value: str


def normal_key(words: list[str]) -> str:
    return " ".join(word.lower() for word in words).rstrip(":").strip()


def read_or_fail(path: str) -> tuple[Answer, ...]:
    """The answers in ``path`` ('-': stdin); bad input ends the command (exit 2)."""
    shown = "stdin" if path == "-" else path
    try:
        if path == "-":
            raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise fail(f"--check {shown}: cannot read it: {error.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise fail(f"--check {shown}: larger than {MAX_BYTES // (1024 * 1024)} MiB; one answer "
                   "a line is far less")
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise fail(f"--check {shown}: not UTF-8 text (byte {error.start + 1})") from None
    answers: list[Answer] = []
    first: dict[str, int] = {}
    for number, line in enumerate(content.splitlines(), 1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        key = normal_key(words[:-1])
        if not key:
            raise fail(f"{shown}:{number}: {line.strip()[:40]!r} is not KEY VALUE (such as "
                       "'job 0 response 2.00')")
        if key in first:
            raise fail(f"{shown}:{number}: {key!r} is answered twice (first on line "
                       f"{first[key]})")
        first[key] = number
        answers.append(Answer(number, key, words[-1]))
    return tuple(answers)


def same(given: str, expected: str, *, exact: bool = False) -> bool:
    try:
        return Decimal(given) == Decimal(expected)
    except InvalidOperation:
        return given == expected if exact else given.casefold() == expected.casefold()


@frozen
class Result:
    """What the comparison found; ``right`` when every number is there and right."""

    source: str
    count: int
    wrong: tuple[tuple[Answer, str], ...]
    missing: tuple[tuple[str, str], ...]
    unknown: tuple[Answer, ...]

    @property
    def right(self) -> bool:
        return not (self.wrong or self.missing or self.unknown)

    def lines(self, name: str, *, reveal: bool) -> list[str]:
        """One line per mistake, ``FILE:LINE: ...``, then the count; with ``reveal`` (the
        homework's -c) each says the right value too."""
        out = []
        for answer, expected in self.wrong:
            told = f" (the answer is {expected})" if reveal else ""
            out.append(f"{self.source}:{answer.line}: {answer.key}: {answer.value} is "
                       f"wrong{told}")
        for key, expected in self.missing:
            told = f" (the answer is {expected})" if reveal else ""
            out.append(f"{self.source}: {key}: missing{told}")
        for answer in self.unknown:
            out.append(f"{self.source}:{answer.line}: {answer.key}: these answers have no "
                       "such number")
        right = self.count - len(self.wrong) - len(self.missing)
        out.append(f"osmodel ostep {name}: {right} of {self.count} numbers right, "
                   f"{len(self.wrong)} wrong, {len(self.missing)} missing, "
                   f"{len(self.unknown)} unknown")
        return out

    def document(self) -> dict[str, Any]:
        return {
            "layout": LAYOUT, "check": self.source, "numbers": self.count,
            "right": self.right,
            "wrong": [{"line": answer.line, "key": answer.key, "value": answer.value}
                      for answer, _ in self.wrong],
            "missing": [key for key, _ in self.missing],
            "unknown": [{"line": answer.line, "key": answer.key} for answer in self.unknown],
        }


def compare(homework: Homework, given: tuple[Answer, ...], path: str) -> Result:
    expected = {number.key: number.value for number in homework.numbers}
    exact = {number.key for number in homework.numbers if number.exact}
    by_key = {answer.key: answer for answer in given}
    wrong = tuple((answer, expected[answer.key]) for answer in given
                  if answer.key in expected and not same(answer.value, expected[answer.key],
                                                         exact=answer.key in exact))
    missing = tuple((number.key, number.value) for number in homework.numbers
                    if number.key not in by_key)
    unknown = tuple(answer for answer in given if answer.key not in expected)
    return Result("stdin" if path == "-" else path, len(homework.numbers), wrong, missing,
                  unknown)

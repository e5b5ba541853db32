"""The assembler's parser: program text to a `Program`, and a `Program` back to text.

Programs live in ``.osm`` files or are embedded in a scenario (a TOML file), so
`parse` takes the line and column where the text starts and every error points
into the file the user actually edits.  The syntax is line oriented
(docs/language-syntax.md has the full reference)::

    data x = 1, -2, 0x10        ; directives: data NAME = v, ... / data NAME[N] / pages N
    loop: store x, 1            # a label, then an instruction
        spawn "child" -> r1
        wait r1, WNOHANG|WUNTRACED -> r2

`ProgramCollector` holds the checks and rules that do not depend on spelling
(labels, declarations, memory operands, auto-declared variables); the parser
and the Python builder both feed it, so the two front ends give equal Programs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import NamedTuple, NoReturn

from .errors import Location, SourceError
from .program import REGISTERS, WORD_RANGE, Instruction, Mem, Operand, Program

__all__ = [
    "DIRECTIVES",
    "MAX_DATA_WORDS",
    "MAX_INSTRUCTIONS",
    "MAX_PAGES",
    "MAX_STRING",
    "MEMORY_OPERANDS",
    "ProgramCollector",
    "format_operand",
    "format_program",
    "is_name",
    "parse",
    "parse_file",
    "register_number",
]

#: Operand positions that are memory references even when written as a bare
#: name: ``store x, 1`` stores into variable ``x`` rather than naming it.
MEMORY_OPERANDS: Mapping[str, int] = {"load": 0, "store": 0}

#: Words that start a directive instead of an instruction (case-insensitive).
DIRECTIVES = frozenset({"data", "pages"})

REGISTER_RANGE = f"r0..r{REGISTERS - 1}"

# Bounds on what one program may ask for, checked as it is read (docs/limits.md).  No
# teaching program comes near them; together they keep a program's memory in megabytes.
#: Instructions in one program.
MAX_INSTRUCTIONS = 65_536
#: Words of data in one program, all variables together (``data buf[N]`` included).
MAX_DATA_WORDS = 1 << 20
#: The data segment a ``pages`` directive may ask for.
MAX_PAGES = 1 << 20
#: Characters in one string literal.
MAX_STRING = 4096
#: Digits (after a 0x/0b prefix and leading zeros) beyond which a number is refused
#: unconverted (Python refuses to convert more than 4300).  Whether a number fits in a
#: word is the linker's to say, so that the builder and the parser accept the same.
_MAX_DIGITS = 64

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_REGISTER = re.compile(r"[rR][0-9]+")
_NUMBER = re.compile(r"0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+")
# One alternation, tried left to right at each position; "->" before "-".
_TOKEN = re.compile(
    r"(?P<ws>[ \t]+)"
    r"|(?P<comment>[;#])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_.]*)"
    r"|(?P<int>[0-9][A-Za-z0-9_.]*)"
    r'|(?P<str>")'
    r"|(?P<punct>->|[,:\[\]+\-|=])"
)
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}
_UNESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"}


def register_number(text: str, location: Location) -> int | None:
    """The register ``text`` names (``r3``, ``R3`` -> 3), or None if it is not spelled as one.

    A register spelling that is out of range is an error rather than a name, so
    ``r16`` is reported where it is written instead of becoming a variable.
    """
    if not _REGISTER.fullmatch(text):
        return None
    digits = text[1:].lstrip("0") or "0"
    if len(digits) > 2 or int(digits) >= REGISTERS:  # unconverted if long (r followed by 5000 9s)
        raise SourceError(f"no register {_shorten(text)}", location, expected=REGISTER_RANGE)
    return int(digits)


def is_name(text: str) -> bool:
    """True if ``text`` can be written as a name: an identifier that is not a register."""
    return bool(_IDENT.fullmatch(text)) and not _REGISTER.fullmatch(text)


def _check_string(operand: Operand) -> None:
    length = len(str(operand.value))
    if length > MAX_STRING:
        raise SourceError(f"string of {length} characters is too long", operand.location,
                          expected=f"at most {MAX_STRING} characters")


class ProgramCollector:
    """Builds a `Program` piece by piece, with the rules both front ends share.

    The parser and the builder differ only in spelling; duplicate checks, the
    `MEMORY_OPERANDS` rule and auto-declaration live here so that they agree.
    """

    def __init__(self, name: str, location: Location) -> None:
        self.name = name
        self.location = location
        self.instructions: list[Instruction] = []
        self.labels: dict[str, int] = {}
        self.data: dict[str, tuple[int, ...]] = {}
        self.pages = 0
        self._words = 0  # of data, all variables together
        self._label_lines: dict[str, int] = {}
        self._declared_lines: dict[str, int] = {}
        self._pages_line: int | None = None

    def label(self, name: str, location: Location) -> None:
        """Name the next instruction (or the end, if none follows)."""
        first = self._label_lines.get(name)
        if first is not None:
            raise SourceError(f"duplicate label {name!r} (first defined at line {first})", location)
        self._label_lines[name] = location.line
        self.labels[name] = len(self.instructions)

    def declare(self, name: str, values: Sequence[int], location: Location) -> None:
        """Declare a variable; one already auto-declared by a use keeps its place."""
        first = self._declared_lines.get(name)
        if first is not None:
            raise SourceError(
                f"duplicate variable {name!r} (first declared at line {first})", location
            )
        if not values:
            raise SourceError(
                f"variable {name!r} has no words", location, expected="at least one word"
            )
        self.check_words(name, len(values), location)
        self._declared_lines[name] = location.line
        self._words += len(values) - len(self.data.get(name, ()))
        self.data[name] = tuple(values)

    def check_words(self, name: str, count: int, location: Location) -> None:
        """Refuse a variable of ``count`` words that would take the data past MAX_DATA_WORDS
        (called before the words are made: ``data buf[1000000000000]`` must not be)."""
        total = self._words - len(self.data.get(name, ())) + count
        if total > MAX_DATA_WORDS:
            raise SourceError(
                f"variable {name!r} of {count} words makes {total} words of data",
                location,
                expected=f"at most {MAX_DATA_WORDS} words of data in a program",
            )

    def set_pages(self, count: int, location: Location, at: Location | None = None) -> None:
        """Set the data segment size; a program says it at most once.  ``at`` is where the
        count is written, when that is not ``location`` (the directive)."""
        if self._pages_line is not None:
            raise SourceError(
                f"duplicate 'pages' directive (first at line {self._pages_line})", location
            )
        if count < 1:
            raise SourceError(f"{count} pages is too few", at or location,
                              "a page count of at least 1")
        if count > MAX_PAGES:
            raise SourceError(f"{count} pages is too many", at or location,
                              f"at most {MAX_PAGES} pages")
        self._pages_line = location.line
        self.pages = count

    def instruction(
        self,
        op: str,
        operands: Sequence[Operand],
        results: Sequence[Operand],
        location: Location,
    ) -> None:
        """Append an instruction, turning a bare name into memory where `MEMORY_OPERANDS` says."""
        if len(self.instructions) >= MAX_INSTRUCTIONS:
            raise SourceError(
                f"program {self.name!r} has more than {MAX_INSTRUCTIONS} instructions",
                location,
                expected=f"at most {MAX_INSTRUCTIONS} instructions in a program",
            )
        operands = list(operands)
        index = MEMORY_OPERANDS.get(op)
        if index is not None and index < len(operands) and operands[index].kind == "name":
            bare = operands[index]
            operands[index] = Operand("mem", Mem(str(bare.value), 0), bare.location)
        for operand in operands:
            if operand.kind == "str":
                _check_string(operand)
            if operand.kind == "mem":
                assert isinstance(operand.value, Mem)
                base = operand.value.base
                if isinstance(base, str) and base not in self.data:
                    self.check_words(base, 1, operand.location)
                    self.data[base] = (0,)
                    self._words += 1
        self.instructions.append(Instruction(op, tuple(operands), tuple(results), location))

    def build(self) -> Program:
        """The Program so far (copies, so collecting may go on)."""
        return Program(
            self.name,
            tuple(self.instructions),
            dict(self.labels),
            dict(self.data),
            self.pages,
            self.location,
        )


class _Token(NamedTuple):
    """One token of a line.  ``kind`` is name/int/str/eol/error or the punctuation itself."""

    kind: str
    text: str
    start: int  # 0-based index in the line
    number: int = 0  # value of an int token
    string: str = ""  # decoded value of a str token
    message: str = ""  # an error token's complaint ...
    expected: str | None = None  # ... and what it wanted, if it knows better than the parser


def _tokenize(line: str) -> list[_Token]:
    """Split one line into tokens ending with an ``eol`` token.

    A lexical problem becomes an ``error`` token, which no rule accepts, so it
    is reported only when the parser reaches it and knows what it wanted there.
    """
    tokens: list[_Token] = []
    pos = 0
    end = 0  # just after the last token, where "end of line" is reported
    size = len(line)
    while pos < size:
        m = _TOKEN.match(line, pos)
        if m is None:
            tokens.append(
                _Token("error", line[pos], pos, message=f"unexpected character {line[pos]!r}")
            )
            break
        kind = m.lastgroup
        text = m.group()
        if kind == "ws":
            pos = m.end()
            continue
        if kind == "comment":
            break
        if kind == "name":
            tokens.append(_Token("name", text, pos))
        elif kind == "int":
            if not _NUMBER.fullmatch(text):
                tokens.append(
                    _Token(
                        "error",
                        text,
                        pos,
                        message=f"invalid number {text!r}",
                        expected="decimal digits, 0x hex or 0b binary",
                    )
                )
                break
            if _too_long(text):
                tokens.append(
                    _Token("error", text, pos, message=f"number {_shorten(text)} is too large",
                           expected=WORD_RANGE)
                )
                break
            tokens.append(_Token("int", text, pos, number=_number(text)))
        elif kind == "str":
            token = _string(line, pos)
            tokens.append(token)
            if token.kind == "error":
                break
            text = token.text
        else:
            tokens.append(_Token(text, text, pos))
        pos += len(text)
        end = pos
    tokens.append(_Token("eol", "", end))
    return tokens


def _too_long(text: str) -> bool:
    """More digits than any word has: refused unconverted (see _MAX_DIGITS)."""
    digits = text[2:] if text[:2].lower() in ("0x", "0b") else text
    return len(digits.lstrip("0")) > _MAX_DIGITS


def _shorten(text: str) -> str:
    """At most the first 20 characters of a token, for a message."""
    return text if len(text) <= 20 else text[:20] + "..."


def _number(text: str) -> int:
    """The value of a validated number token (``int(text, 0)`` rejects ``007``)."""
    prefix = text[:2].lower()
    if prefix == "0x":
        return int(text[2:], 16)
    if prefix == "0b":
        return int(text[2:], 2)
    return int(text, 10)


def _string(line: str, start: int) -> _Token:
    """The string literal whose opening quote is at ``start``, or an error token."""
    m = _STRING.match(line, start)
    if m is None:
        return _Token(
            "error",
            '"',
            start,
            message="unterminated string",
            expected="a closing '\"' on the same line",
        )
    body = m.group(1)
    if "\\" in body:
        for escape in _ESCAPE.finditer(body):
            if escape.group(1) not in _ESCAPES:
                return _Token(
                    "error",
                    escape.group(),
                    start + 1 + escape.start(),
                    message=f"unknown escape '\\{escape.group(1)}' in string",
                    expected='\\" \\\\ \\n or \\t',
                )
        body = _ESCAPE.sub(lambda e: _ESCAPES[e.group(1)], body)
    return _Token("str", m.group(), start, string=body)


class _Parser:
    """Recursive descent over the tokens of one line at a time."""

    def __init__(self, name: str, file: str | None, line: int, column: int) -> None:
        self.file = file
        self.first_line = line
        self.first_column = column
        self.collector = ProgramCollector(name, Location(file, line, column))
        self.tokens: list[_Token] = []
        self.pos = 0
        self.line = line
        self.shift = column - 1  # added to columns on the current line

    def run(self, text: str) -> Program:
        for index, raw in enumerate(text.split("\n")):
            tokens = _tokenize(raw[:-1] if raw.endswith("\r") else raw)
            if tokens[0].kind == "eol":
                continue
            self.tokens = tokens
            self.pos = 0
            self.line = self.first_line + index
            self.shift = self.first_column - 1 if index == 0 else 0
            self.statement()
        return self.collector.build()

    # -- token helpers -------------------------------------------------------

    def loc(self, token: _Token) -> Location:
        return Location(self.file, self.line, token.start + 1 + self.shift)

    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def fail(self, expected: str) -> NoReturn:
        """Complain about the current token, which is not what ``expected`` says."""
        token = self.peek()
        if token.kind == "error":
            raise SourceError(token.message, self.loc(token), token.expected or expected)
        raise SourceError(f"unexpected {self.describe(token)}", self.loc(token), expected)

    @staticmethod
    def describe(token: _Token) -> str:
        if token.kind == "eol":
            return "end of line"
        if token.kind == "name":
            if _REGISTER.fullmatch(token.text):
                return f"register {token.text}"
            return f"name {token.text!r}"
        if token.kind == "int":
            return f"number {token.text}"
        if token.kind == "str":
            return f"string {token.text}"
        return f"'{token.text}'"

    def expect(self, kind: str, expected: str) -> _Token:
        if self.peek().kind != kind:
            self.fail(expected)
        return self.take()

    def end(self, expected: str) -> None:
        if self.peek().kind != "eol":
            self.fail(expected)

    def register(self, token: _Token) -> int | None:
        return register_number(token.text, self.loc(token)) if token.kind == "name" else None

    def name(self, expected: str) -> _Token:
        """A name token that is not spelled as a register."""
        token = self.peek()
        if token.kind != "name" or _REGISTER.fullmatch(token.text):
            self.fail(expected)
        return self.take()

    def unsigned(self, expected: str) -> int:
        return self.expect("int", expected).number

    def signed(self, expected: str) -> int:
        if self.peek().kind == "-":
            self.pos += 1
            return -self.unsigned("a number after '-'")
        return self.unsigned(expected)

    # -- statements ----------------------------------------------------------

    def statement(self) -> None:
        while self.peek().kind == "name" and self.tokens[self.pos + 1].kind == ":":
            token = self.name("a label name")
            self.collector.label(token.text, self.loc(token))
            self.pos += 1
        token = self.peek()
        if token.kind == "eol":
            return
        if token.kind != "name" or _REGISTER.fullmatch(token.text):
            self.fail("an instruction, label or directive")
        word = token.text.lower()
        if word == "data":
            self.take()
            self.data_directive()
        elif word == "pages":
            self.take()
            count_token = self.peek()
            count = self.unsigned("a page count of at least 1")
            self.end("end of line")
            self.collector.set_pages(count, self.loc(token), self.loc(count_token))
        else:
            self.instruction()

    def data_directive(self) -> None:
        name = self.name("a variable name")
        token = self.peek()
        self.pos += 1
        if token.kind == "=":
            values = [self.signed("an integer")]
            while self.peek().kind == ",":
                self.pos += 1
                values.append(self.signed("an integer"))
            self.end("',' or end of line")
        elif token.kind == "[":
            size_token = self.peek()
            size = self.unsigned("a size of at least 1")
            if size < 1:
                raise SourceError(
                    f"size {size} is too small",
                    self.loc(size_token),
                    expected="a size of at least 1",
                )
            self.expect("]", "']'")
            self.end("end of line")
            self.collector.check_words(name.text, size, self.loc(size_token))
            values = [0] * size
        else:
            self.pos -= 1
            self.fail("'=' or '['")
        self.collector.declare(name.text, values, self.loc(name))

    def instruction(self) -> None:
        op_token = self.take()
        operands: list[Operand] = []
        results: list[Operand] = []
        if self.peek().kind not in ("eol", "->"):
            operands.append(self.operand("an operand, '->' or end of line"))
            while self.peek().kind == ",":
                self.pos += 1
                operands.append(self.operand("an operand"))
        if self.peek().kind == "->":
            self.pos += 1
            results.append(self.result())
            while self.peek().kind == ",":
                self.pos += 1
                results.append(self.result())
            self.end("',' or end of line")
        else:
            self.end("',', '->' or end of line")
        self.collector.instruction(op_token.text.lower(), operands, results, self.loc(op_token))

    def result(self) -> Operand:
        token = self.peek()
        number = self.register(token)
        if number is None:
            self.fail("a register after '->'")
        self.pos += 1
        return Operand("reg", number, self.loc(token))

    # -- operands ------------------------------------------------------------

    def operand(self, expected: str) -> Operand:
        token = self.peek()
        location = self.loc(token)
        if token.kind == "[":
            return self.bracketed()
        if token.kind == "str":
            self.pos += 1
            return Operand("str", token.string, location)
        if token.kind == "name":
            number = self.register(token)
            self.pos += 1
            if number is not None:
                after = self.peek()
                if after.kind in ("+", "-"):
                    raise SourceError(
                        f"an offset from register {token.text} must be in brackets",
                        self.loc(after),
                        expected=f"[{token.text}{after.text}N]",
                    )
                if after.kind == "|":
                    raise SourceError(
                        f"register {token.text} cannot be part of a '|' expression",
                        location,
                        expected="names and numbers joined by '|'",
                    )
                return Operand("reg", number, location)
            if self.peek().kind in ("+", "-"):
                return Operand("mem", Mem(token.text, self.offset()), location)
            atom = Operand("name", token.text, location)
        elif token.kind in ("int", "-"):
            atom = Operand("int", self.signed(expected), location)
        else:
            self.fail(expected)
        if self.peek().kind == "|":
            return self.or_expression(atom)
        return atom

    def offset(self) -> int:
        sign = self.take()
        value = self.unsigned(f"a number after '{sign.text}'")
        return -value if sign.kind == "-" else value

    def or_expression(self, first: Operand) -> Operand:
        atoms = [first]
        while self.peek().kind == "|":
            self.pos += 1
            token = self.peek()
            location = self.loc(token)
            if token.kind in ("int", "-"):
                atoms.append(Operand("int", self.signed("a name or number after '|'"), location))
            else:
                atoms.append(
                    Operand("name", self.name("a name or number after '|'").text, location)
                )
        return Operand("or", tuple(atoms), first.location)

    def bracketed(self) -> Operand:
        location = self.loc(self.take())
        token = self.peek()
        base: str | int | None
        offset = 0
        if token.kind == "name":
            number = self.register(token)
            base = token.text if number is None else number
            self.pos += 1
            if self.peek().kind in ("+", "-"):
                offset = self.offset()
                self.expect("]", "']'")
            else:
                self.expect("]", "'+', '-' or ']'")
        elif token.kind in ("int", "-"):
            base = None
            offset = self.signed("a register, variable or address after '['")
            self.expect("]", "']'")
        else:
            self.fail("a register, variable or address after '['")
        return Operand("mem", Mem(base, offset), location)


def parse(
    text: str, name: str, *, file: str | None = None, line: int = 1, column: int = 1
) -> Program:
    """Parse program text; ``line``/``column`` place its first character inside ``file``.

    Only the first line is shifted by ``column``: in an embedded string the
    later lines start at the file's own column 1.
    """
    return _Parser(name, file, line, column).run(text)


def parse_file(path: str | PathLike[str]) -> Program:
    """Parse an ``.osm`` file; the program is named after the file's stem."""
    source = Path(path)
    return parse(source.read_text(encoding="utf-8"), source.stem, file=str(path))


def format_operand(operand: Operand, *, memory: bool = False) -> str:
    """One operand as source; ``memory`` means the position reads a bare name as memory."""
    kind, value = operand.kind, operand.value
    if kind == "reg":
        return f"r{value}"
    if kind in ("int", "name"):
        return str(value)
    if kind == "str":
        assert isinstance(value, str)
        return '"' + "".join(_UNESCAPES.get(c, c) for c in value) + '"'
    if kind == "or":
        assert isinstance(value, tuple)
        return "|".join(format_operand(atom) for atom in value)
    if kind == "mem":
        assert isinstance(value, Mem)
        base, offset = value.base, value.offset
        if base is None:
            return f"[{offset}]"
        text = f"r{base}" if isinstance(base, int) else base
        if offset:
            text += f"{offset:+d}"
        if isinstance(base, str) and (offset or memory):
            return text
        return f"[{text}]"
    raise ValueError(f"unknown operand kind {kind!r}")


def format_program(program: Program) -> str:
    """The program as source text that `parse` reads back to an equal Program."""
    lines: list[str] = []
    if program.pages:
        lines.append(f"pages {program.pages}")
    for variable, words in program.data.items():
        if len(words) > 1 and not any(words):
            lines.append(f"data {variable}[{len(words)}]")
        else:
            lines.append(f"data {variable} = {', '.join(map(str, words))}")
    if lines and (program.instructions or program.labels):
        lines.append("")
    at: dict[int, list[str]] = {}
    for label, index in program.labels.items():
        if not 0 <= index <= len(program.instructions):
            raise ValueError(f"label {label!r} points outside the program ({index})")
        at.setdefault(index, []).append(label)
    for index, instruction in enumerate(program.instructions):
        lines.extend(f"{label}:" for label in at.get(index, ()))
        memory = MEMORY_OPERANDS.get(instruction.op)
        text = "    " + instruction.op
        if instruction.operands:
            text += " " + ", ".join(
                format_operand(operand, memory=i == memory)
                for i, operand in enumerate(instruction.operands)
            )
        if instruction.results:
            text += " -> " + ", ".join(format_operand(r) for r in instruction.results)
        lines.append(text)
    lines.extend(f"{label}:" for label in at.get(len(program.instructions), ()))
    return "".join(line + "\n" for line in lines)

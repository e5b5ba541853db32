"""Write programs in Python and get the same `Program` the assembler would give.

Tests and plugins often generate programs; string templates would hide
mistakes until the parser runs.  The builder checks each call as it is made
and feeds the assembler's `ProgramCollector`, so ``build()`` equals `parse` of
the corresponding text::

    b = ProgramBuilder("parent")
    b.data("x", 1)                  # data x = 1
    b.label("loop")                 # loop:
    b.store("x", 1)                 # store x, 1
    b.spawn(Str("child"), to="r1")  # spawn "child" -> r1
    b.op("wait", "r1", to="r2")     # for ops that are not Python identifiers
    b.exit(0)
    program = b.build()

Python values map to operands: ``int`` -> int, ``"r0"``..``"r15"`` -> register,
any other ``str`` -> name, `Str` -> string, `Mem` -> memory, a tuple of ints
and names -> ``|`` expression.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from attrs import frozen

from .asm import DIRECTIVES, REGISTER_RANGE, ProgramCollector, is_name, register_number
from .errors import Location, SourceError
from .program import REGISTERS, Mem, Operand, Program

__all__ = ["Mem", "OperandLike", "ProgramBuilder", "Str"]


@frozen
class Str:
    """A string operand: plain ``str`` already means a name or a register."""

    text: str


OperandLike = int | str | Str | Mem | tuple[int | str, ...]
ResultsLike = str | Sequence[str]

_REGISTER_LIKE = re.compile(r"[rR][0-9]+")
_OPERAND_HELP = "an int, 'r0'..'r15', a name, Str('text'), Mem(...) or a tuple for '|'"


class ProgramBuilder:
    """Builds a program call by call; every method returns the builder so calls chain.

    Any attribute not defined here is an instruction: ``b.add("r1", 2, to="r1")``
    is ``add r1, 2 -> r1``.  Use `op` for names that Python cannot spell.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._file = f"<builder:{name}>"
        self._collector = ProgramCollector(name, Location(self._file, 1, 1))

    def _here(self) -> Location:
        """Builder locations are instruction numbers: line N is instruction index N-1."""
        return Location(self._file, len(self._collector.instructions) + 1, 1)

    def label(self, name: str) -> ProgramBuilder:
        """Name the next instruction, like ``name:``."""
        self._check_name(name, "a label name")
        self._collector.label(name, self._here())
        return self

    def data(self, name: str, *values: int, size: int | None = None) -> ProgramBuilder:
        """Declare a variable: ``data("x", 1, 2)`` or ``data("buf", size=4)``."""
        here = self._here()
        self._check_name(name, "a variable name")
        for value in values:
            _check_int(value, "initial value")
        if size is not None:
            _check_int(size, "size")
            if values:
                raise SourceError(
                    f"variable {name!r} has both initial values and a size",
                    here,
                    expected="either values or size=",
                )
            if size < 1:
                raise SourceError(f"size {size} is too small", here, "a size of at least 1")
            self._collector.check_words(name, size, here)  # before the zeros are made
            values = (0,) * size
        self._collector.declare(name, values, here)
        return self

    def pages(self, count: int) -> ProgramBuilder:
        """Set the data segment size in pages, like ``pages N``."""
        _check_int(count, "page count")
        self._collector.set_pages(count, self._here())
        return self

    def op(self, name: str, *operands: OperandLike, to: ResultsLike = ()) -> ProgramBuilder:
        """Append instruction ``name`` with ``operands``; ``to`` names the result registers."""
        here = self._here()
        op = name.lower()
        if not is_name(name) or op in DIRECTIVES:
            raise SourceError(f"{name!r} cannot be an instruction name", here, "an identifier")
        converted = [self._operand(value, here) for value in operands]
        results = [to] if isinstance(to, str) else list(to)
        registers = [self._result(value, here) for value in results]
        self._collector.instruction(op, converted, registers, here)
        return self

    def __getattr__(self, name: str) -> Callable[..., ProgramBuilder]:
        if name.startswith("_"):
            raise AttributeError(name)

        def emit(*operands: OperandLike, to: ResultsLike = ()) -> ProgramBuilder:
            return self.op(name, *operands, to=to)

        emit.__name__ = name
        return emit

    def build(self) -> Program:
        """The program so far; the builder may go on and build again."""
        return self._collector.build()

    # -- conversion ----------------------------------------------------------

    def _check_name(self, name: str, expected: str) -> None:
        if not isinstance(name, str):
            raise TypeError(f"a name must be a str, not {type(name).__name__}")
        if not is_name(name):
            what = "a register" if _REGISTER_LIKE.fullmatch(name) else "not a name"
            raise SourceError(f"{name!r} is {what}", self._here(), expected)

    def _operand(self, value: object, here: Location) -> Operand:
        if isinstance(value, bool):
            raise TypeError(f"a bool is not an operand; use 0 or 1 ({_OPERAND_HELP})")
        if isinstance(value, int):
            return Operand("int", value, here)
        if isinstance(value, str):
            number = register_number(value, here)
            if number is not None:
                return Operand("reg", number, here)
            if not is_name(value):
                raise SourceError(f"{value!r} is not a register or name", here, _OPERAND_HELP)
            return Operand("name", value, here)
        if isinstance(value, Str):
            if not isinstance(value.text, str):
                raise TypeError(f"Str needs a str, not {type(value.text).__name__}")
            return Operand("str", value.text, here)
        if isinstance(value, Mem):
            _check_int(value.offset, "memory offset")
            base = value.base
            if isinstance(base, bool) or not isinstance(base, int | str | None):
                raise TypeError(f"a Mem base is a register number, a name or None, not {base!r}")
            if isinstance(base, int) and not 0 <= base < REGISTERS:
                raise SourceError(f"no register r{base}", here, REGISTER_RANGE)
            if isinstance(base, str) and not is_name(base):
                raise SourceError(f"{base!r} is not a variable name", here, "a variable name")
            return Operand("mem", value, here)
        if isinstance(value, tuple):
            if len(value) < 2:
                raise SourceError(
                    "a '|' expression needs at least two parts", here, "two or more names/numbers"
                )
            atoms = [self._operand(atom, here) for atom in value]
            for atom in atoms:
                if atom.kind not in ("int", "name"):
                    raise SourceError(
                        f"a '|' expression cannot contain a {atom.kind} operand",
                        here,
                        "names and numbers joined by '|'",
                    )
            return Operand("or", tuple(atoms), here)
        raise TypeError(f"cannot use {value!r} as an operand; use {_OPERAND_HELP}")

    def _result(self, value: object, here: Location) -> Operand:
        if not isinstance(value, str):
            raise TypeError(f"a result is a register name like 'r1', not {value!r}")
        number = register_number(value, here)
        if number is None:
            raise SourceError(f"result {value!r} is not a register", here, REGISTER_RANGE)
        return Operand("reg", number, here)


def _check_int(value: object, what: str) -> None:
    """Reject bools and non-ints early: they would print as text the parser cannot read."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {value!r}")

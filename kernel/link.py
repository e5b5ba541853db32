"""Linking: turn a Program into the executable form for one run.

The assembler only knows syntax.  Linking checks each instruction against the
instruction set in force (the core's plus the platform's system calls),
resolves labels, constants and variable addresses, and yields an `Image`:
the code as a tuple of ``(handler, args, results, index)`` entries that the
CPU loop calls directly, plus the program's memory objects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
from attrs import define, frozen

from .errors import Location, SourceError
from .memory import TEXT_PAGE, FramePool, MemoryObject
from .program import WORD_MAX, WORD_MIN, WORD_RANGE, Instruction, Mem, Operand, Program

if TYPE_CHECKING:
    from .kernel import Kernel
    from .process import Process

#: One executable entry: handler, linked operands, result registers, index of the
#: source instruction, and whether it is instant (takes no time).
Code = tuple[tuple["Handler", tuple[Any, ...], tuple[int, ...], int, bool], ...]

#: A handler runs one instruction for ``process`` at the kernel's current time
#: and returns its cost in ticks (0 for one that blocked or ended the process).
#: Linked operands and result registers, as a handler receives them.
Args = tuple[Any, ...]
Res = tuple[int, ...]
Handler = Callable[["Kernel", "Process", Args, Res], int]


@frozen
class Reg:
    """A register operand after linking (values are read at run time)."""

    n: int


@frozen
class Label:
    """A label operand where a constant is also allowed (``h``): tells them apart."""

    pc: int


@frozen
class Choice:
    """What one operand may be written as, where "any constant" is too loose.

    A name there must be one of ``names`` (a signal, a wait option ...), so a
    constant of another kind (``kill pid, WNOHANG``) is refused when the
    program is linked, not misread at run time.  For a string operand the
    strings are the names.  With ``exact``, an integer must also be the value
    of one of the names (a handler operand: a label, SIG_IGN or SIG_DFL).
    """

    what: str
    names: frozenset[str]
    exact: bool = False
    #: What an error says is expected, when the names alone do not say it all.
    expected: str = ""

    def hint(self) -> str:
        """The names for an error message: all of a few, or some of many."""
        if self.expected:
            return self.expected
        shown = sorted(self.names)
        text = ", ".join(shown[:6]) + (" ..." if len(shown) > 6 else "")
        return f"{self.what} ({text})"


@frozen
class OpSpec:
    """One instruction or system call.

    ``operands`` is a signature: one letter per operand, comma separated,
    ``?`` marking optional trailing ones and ``*`` any number of values:
      ``v`` a value: register, integer or constant;  ``r`` a register;
      ``n`` a number of ticks: a register, or an integer or constant of at least 0;
      ``l`` a label;  ``p`` a program name;  ``s`` a string;  ``m`` memory;
      ``c`` a constant (integer, constant name or ``A|B``);
      ``h`` a handler: a label (linked as `Label`) or a constant such as SIG_IGN;
      ``t*`` any number of strings and values (what ``print`` takes).
    Every operand's kind is checked when the program is linked, so a program
    that loads never meets a wrong kind at run time.  ``choices`` narrows
    operands by position (None: any constant).  ``results`` is how many
    result registers it may write.  ``micro``, when given, expands the
    instruction into several handlers run in turn (an ``io`` is issue, wait
    and completion).  ``group`` sorts the reference.
    """

    name: str
    operands: str
    results: int
    handler: Handler
    doc: str
    group: str = "core"
    micro: tuple[Handler, ...] = ()
    min_results: int = 0
    #: Takes no time, so it may still run when a quantum has just ended (``exit``, ``print``).
    instant: bool = False
    choices: tuple[Choice | None, ...] = ()

    def choice(self, index: int) -> Choice | None:
        return self.choices[index] if index < len(self.choices) else None

    @property
    def signature(self) -> str:
        kinds = {
            "v": "value",
            "n": "ticks",
            "r": "reg",
            "l": "label",
            "p": "program",
            "s": "string",
            "m": "memory",
            "c": "constant",
            "h": "label-or-constant",
        }
        parts = [
            "values..." if c.endswith("*") else kinds[c[0]] + ("?" if c.endswith("?") else "")
            for c in self.operands.split(",") if c
        ]
        text = f"{self.name} {', '.join(parts)}".rstrip()
        if self.results:
            text += " -> " + ", ".join(["reg"] * self.results)
        return text


@define(eq=False)
class Image:
    """A linked program: code, variable addresses and its memory objects."""

    program: Program
    code: Code
    addresses: Mapping[str, int]
    text: MemoryObject
    data: MemoryObject
    text_pages: int
    data_page: int
    data_pages: int

    def location(self, pc: int) -> Location | None:
        if 0 <= pc < len(self.code):
            index = self.code[pc][3]
            if 0 <= index < len(self.program.instructions):
                return self.program.instructions[index].location
        return None


def _fall_off(k: Kernel, p: Process, a: tuple[Any, ...], r: tuple[int, ...]) -> int:
    from .process import ExitStatus

    k.exit(p, ExitStatus("normal", 0, reason="end of program"))
    return 0


def _error(message: str, where: Operand | Instruction, expected: str | None = None) -> SourceError:
    return SourceError(message, where.location, expected)


def _word(value: int, location: Location, what: str = "") -> int:
    """``value``, if it fits in a word: so registers and memory only ever hold words."""
    if not WORD_MIN <= value <= WORD_MAX:
        raise SourceError(f"{what}number {value} does not fit in a word", location, WORD_RANGE)
    return value


def _check_data(program: Program) -> None:
    """Every initial word of every variable fits (reported at the program: a `Program`
    keeps no place per value)."""
    for name, words in program.data.items():
        for value in words:
            _word(value, program.location or Location(None, 1, 1),
                  f"variable {name!r} of program {program.name!r}: ")


def _inside(program: Program, label: str, index: int) -> int:
    """A label's instruction index, checked: every jump to a label then stays in the code.

    Only a `Program` made by hand can break this (the assembler and the
    builder place labels themselves); a negative index would count from the end.
    """
    if not 0 <= index <= len(program.instructions):
        raise SourceError(
            f"label {label!r} of program {program.name!r} points outside its code ({index})",
            program.location or Location(None, 1, 1),
            f"an instruction index from 0 to {len(program.instructions)}",
        )
    return index


class Linker:
    """Links programs against one instruction set, constant table and program list."""

    def __init__(
        self,
        ops: Mapping[str, OpSpec],
        constants: Mapping[str, int],
        programs: Mapping[str, Program],
        *,
        platform: str,
        equivalents: Mapping[str, str],
        exit_op: str = "exit",
    ) -> None:
        self.ops = ops
        self.constants = constants
        self.programs = programs
        self.platform = platform
        # instruction names are case-insensitive, so equivalents are looked up in lower case
        self.equivalents = {name.lower(): own for name, own in equivalents.items()}
        self.exit_op = exit_op

    def check(self, program: Program) -> None:
        """Raise SourceError for the first problem in ``program``; link nothing."""
        self._code(program, {name: i for i, name in enumerate(program.data)})

    def link(self, program: Program, pool: FramePool) -> Image:
        words = pool.page_words
        addresses: dict[str, int] = {}
        offset = 0
        for name, initial in program.data.items():
            addresses[name] = offset
            offset += max(1, len(initial))
        needed = -(-offset // words) if offset else 0
        data_pages = max(program.pages, needed, 1)
        text_pages = max(1, -(-len(program.instructions) // words))
        data_page = TEXT_PAGE + text_pages
        base = data_page * words
        absolute = {name: base + off for name, off in addresses.items()}
        code = self._code(program, absolute)
        data = MemoryObject(pool, name=f"image:{program.name}", anonymous=False, refs=1)
        for name, initial in program.data.items():
            for i, value in enumerate(initial):
                if value:
                    page, off = divmod(addresses[name] + i, words)
                    frame = data.pages.get(page)
                    if frame is None:
                        frame = data.pages[page] = pool.allocate()
                    frame[off] = value
        text = MemoryObject(pool, name=f"text:{program.name}", anonymous=False, refs=1)
        return Image(program, code, absolute, text, data, text_pages, data_page, data_pages)

    def _code(self, program: Program, addresses: Mapping[str, int]) -> Code:
        _check_data(program)
        # micro-ops shift instruction indexes: map each instruction to its first entry
        starts: list[int] = []
        position = 0
        specs: list[OpSpec] = []
        for ins in program.instructions:
            spec = self._spec(ins)
            specs.append(spec)
            starts.append(position)
            position += len(spec.micro) or 1
        starts.append(position)
        labels = {name: starts[_inside(program, name, index)]
                  for name, index in program.labels.items()}
        code: list[tuple[Handler, tuple[Any, ...], tuple[int, ...], int, bool]] = []
        for index, (ins, spec) in enumerate(zip(program.instructions, specs, strict=True)):
            args = self._args(ins, spec, labels, addresses)
            if len(ins.results) > spec.results or len(ins.results) < spec.min_results:
                want = (
                    f"{spec.results} result register" + ("s" if spec.results != 1 else "")
                    if spec.results
                    else "no result"
                )
                raise _error(f"{ins.op} takes {want}", ins, spec.signature)
            results = tuple(int(r.value) for r in ins.results)  # type: ignore[call-overload]
            instant = spec.instant or spec.name == self.exit_op
            for handler in spec.micro or (spec.handler,):
                code.append((handler, args, results, index, instant))
        # falling off the end is a normal exit, made the platform's way when it has one
        exit_spec = self.ops.get(self.exit_op)
        end = exit_spec.handler if exit_spec is not None else _fall_off
        code.append((end, (0,), (), len(program.instructions), True))
        return tuple(code)

    def _spec(self, ins: Instruction) -> OpSpec:
        spec = self.ops.get(ins.op)
        if spec is not None:
            return spec
        own = self.equivalents.get(ins.op)
        if own is not None:
            raise _error(
                f"{ins.op} is not a {self.platform} system call; {self.platform} has {own}", ins
            )
        close = sorted(n for n in self.ops if n[:3] == ins.op[:3])
        hint = f"; did you mean {' or '.join(close[:3])}?" if close else ""
        raise _error(
            f"unknown instruction {ins.op!r} on {self.platform}{hint}",
            ins,
            "an instruction (see docs/language.md)",
        )

    def _args(
        self,
        ins: Instruction,
        spec: OpSpec,
        labels: Mapping[str, int],
        addresses: Mapping[str, int],
    ) -> tuple[Any, ...]:
        sig = [c for c in spec.operands.split(",") if c]
        ops = list(ins.operands)
        out: list[Any] = []
        variadic = bool(sig) and sig[-1].endswith("*")
        required = sum(1 for c in sig if not c.endswith(("?", "*")))
        if len(ops) < required or (not variadic and len(ops) > len(sig)):
            raise _error(
                f"{ins.op} takes {len(sig) if not variadic else 'at least ' + str(required)}"
                f" operand{'s' if len(sig) != 1 else ''}, got {len(ops)}",
                ins,
                spec.signature,
            )
        for i, operand in enumerate(ops):
            kind = sig[min(i, len(sig) - 1)]
            kind = "v" if kind == "*" else kind[0]
            choice = spec.choice(i)
            if choice is not None and not (kind == "h" and operand.value in labels):
                self._choose(operand, "str" if kind == "s" else "name", choice, spec)
            out.append(self._operand(operand, kind, spec, labels, addresses))
        return tuple(out)

    def _choose(self, operand: Operand, written: str, choice: Choice, spec: OpSpec) -> None:
        """Refuse a name (``written`` "name") or a string ("str") that ``choice`` does
        not allow, where it is written; a wrong kind of operand is `_operand`'s to report."""
        k, value = operand.kind, operand.value
        if k == "or":
            for part in value:  # type: ignore[attr-defined]
                self._choose(part, written, attrs.evolve(choice, exact=False), spec)
            return
        if k == written and value not in choice.names:
            if k == "name" and value not in self.constants:
                what = choice.what.removeprefix("a ").removeprefix("an ")
                message = f"unknown {what} {value!r} on {self.platform}"
            else:
                shown = value if k == "name" else f'"{value}"'
                message = f"{shown} is not {choice.what} for {spec.name}"
            raise _error(message, operand, choice.hint())
        if k == "int" and choice.exact:
            allowed = {self.constants[name] for name in choice.names if name in self.constants}
            if value not in allowed:
                raise _error(f"{value} is not {choice.what} for {spec.name}", operand,
                             choice.hint())

    def _operand(
        self,
        operand: Operand,
        kind: str,
        spec: OpSpec,
        labels: Mapping[str, int],
        addresses: Mapping[str, int],
    ) -> Any:
        k, value = operand.kind, operand.value
        if kind == "t":
            if k == "str":
                return value
            kind = "v"
        if kind in "vcn":
            if k == "reg" and kind != "c":
                return Reg(int(value))  # type: ignore[call-overload]
            number = self._constant(operand, spec)
            if kind == "n" and number < 0:
                raise _error(f"{spec.name} takes a number of ticks, not {number}", operand,
                             "0 or more")
            return number
        if kind == "r":
            if k != "reg":
                raise _error(f"{spec.name} needs a register here", operand, "r0..r15")
            return int(value)  # type: ignore[call-overload]
        if kind == "h":
            if k == "name" and value in labels:
                return Label(labels[str(value)])
            return self._constant(operand, spec)
        if kind == "l":
            if k != "name":
                raise _error(f"{spec.name} needs a label here", operand, "a label")
            if value not in labels:
                raise _error(f"no label {value!r} in this program", operand, "a defined label")
            return labels[str(value)]
        if kind == "p":
            if k not in ("name", "str"):
                raise _error(f"{spec.name} needs a program name here", operand, "a program")
            if value not in self.programs:
                known = ", ".join(sorted(self.programs)) or "none"
                raise _error(f"no program {value!r}", operand, f"one of: {known}")
            return str(value)
        if kind == "s":
            if k != "str":
                raise _error(f"{spec.name} needs a string here", operand, 'a "string"')
            return value
        if kind == "m":
            if k != "mem":
                raise _error(
                    f"{spec.name} needs a memory reference here",
                    operand,
                    "a variable, [rN] or [rN+offset]",
                )
            assert isinstance(value, Mem)
            offset = _word(value.offset, operand.location)
            if isinstance(value.base, str):
                if value.base not in addresses:
                    raise _error(f"no variable {value.base!r}", operand, "a declared variable")
                return (None, addresses[value.base] + offset)
            if isinstance(value.base, int):
                return (value.base, offset)
            return (None, offset)
        raise AssertionError(kind)

    def _constant(self, operand: Operand, spec: OpSpec) -> int:
        k, value = operand.kind, operand.value
        if k == "int":
            assert isinstance(value, int)
            return _word(value, operand.location)
        if k == "name":
            if value in self.constants:
                return self.constants[str(value)]
            raise _error(
                f"unknown constant {value!r} on {self.platform}",
                operand,
                "a number, a register or a constant of this platform",
            )
        if k == "or":
            result = 0
            for part in value:  # type: ignore[attr-defined]
                result |= self._constant(part, spec)
            return result
        raise _error(
            f"{spec.name} needs a value here", operand, "a number, a register or a constant"
        )

"""Programs: immutable text that processes run.

A program is only text.  Many processes may run the same program; each gets
its own context and address space.  The assembler (`asm`) and the Python
builder (`builder`) both produce these objects; `link` turns them into the
executable form for one platform.
"""

from __future__ import annotations

from collections.abc import Mapping

from attrs import field, frozen

from .errors import Location

#: Number of general-purpose registers r0..r15 in a context.
REGISTERS = 16
#: A word (a register, a memory cell, an integer literal) is a two's complement integer
#: of this many bits: literals must fit and arithmetic wraps, so values stay small.
WORD_BITS = 64
WORD_MIN = -(1 << (WORD_BITS - 1))
WORD_MAX = (1 << (WORD_BITS - 1)) - 1
WORD_RANGE = f"an integer from {WORD_MIN} to {WORD_MAX}"


@frozen
class Mem:
    """A memory reference: ``x``, ``x+2``, ``[r1]`` or ``[r1+4]``.

    ``base`` is a variable name (str), a register number (int) or None for an
    absolute address given by ``offset`` alone.
    """

    base: str | int | None
    offset: int = 0


@frozen
class Operand:
    """One operand as written.

    kind is one of:
      ``reg``  value is the register number (``r3`` -> 3);
      ``int``  value is the integer (decimal, ``0x`` hex, negative allowed);
      ``name`` value is an identifier: a variable, label, program or constant;
      ``str``  value is the text of a double-quoted string;
      ``mem``  value is a `Mem` (``[r1+4]``, ``[x]``);
      ``or``   value is a tuple of ``int``/``name`` operands joined by ``|``.
    """

    kind: str
    value: object
    location: Location = field(eq=False, default=Location(None, 1, 1))


@frozen
class Instruction:
    """One instruction: ``op a, b -> r1, r2`` at a source location."""

    op: str
    operands: tuple[Operand, ...]
    results: tuple[Operand, ...] = ()
    location: Location = field(eq=False, default=Location(None, 1, 1))


@frozen
class Program:
    """Immutable code: instructions, label positions and the initial data image.

    ``labels`` maps a label to the index of the instruction it names (an index
    equal to ``len(instructions)`` means the end).  ``data`` maps each variable,
    in order of declaration or first use, to its initial words.  ``pages`` is
    the size of the data segment in pages (at least what the data needs).
    """

    name: str
    instructions: tuple[Instruction, ...]
    labels: Mapping[str, int] = field(factory=dict)
    data: Mapping[str, tuple[int, ...]] = field(factory=dict)
    pages: int = 0
    location: Location | None = field(eq=False, default=None)

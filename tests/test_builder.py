"""The Python builder: it must give exactly the Program the parser gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osmodel.kernel.asm import MEMORY_OPERANDS, format_operand, format_program, is_name, parse
from osmodel.kernel.builder import ProgramBuilder, Str
from osmodel.kernel.errors import Location, SourceError
from osmodel.kernel.program import Instruction, Mem, Operand, Program

REALISTIC = """
; a parent that counts, spawns children and waits for them
pages 2
data count = 3
data buf[4]
data limits = 10, -1, 0x20

start:
    mov r1, 0
loop:
    store count, r1
    load [buf+1] -> r2
    spawn "child\\n", count, SIGCHLD -> r3
    wait r3, WNOHANG|WUNTRACED|4 -> r4, r5
    sub r1, -1 -> r1
    jlt r1, 10, loop
    store total+2, 0x10
    store [r2-1], [0x100]
    add [r1], limits-1 -> r6
    exit 0
end:
"""


def realistic_builder() -> ProgramBuilder:
    b = ProgramBuilder("parent")
    b.pages(2)
    b.data("count", 3).data("buf", size=4).data("limits", 10, -1, 0x20)
    b.label("start").mov("r1", 0)
    b.label("loop")
    b.store("count", "r1")
    b.load(Mem("buf", 1), to="r2")
    b.spawn(Str("child\n"), "count", "SIGCHLD", to="r3")
    b.op("wait", "r3", ("WNOHANG", "WUNTRACED", 4), to=("r4", "r5"))
    b.sub("r1", -1, to="r1")
    b.jlt("r1", 10, "loop")
    b.store(Mem("total", 2), 0x10)
    b.store(Mem(2, -1), Mem(None, 0x100))
    b.add(Mem(1), Mem("limits", -1), to=["r6"])
    b.exit(0)
    return b.label("end")


def test_builder_equals_parser_for_a_realistic_program() -> None:
    built = realistic_builder().build()
    parsed = parse(REALISTIC, "parent")
    assert built == parsed
    assert list(built.data) == list(parsed.data) == ["count", "buf", "limits", "total"]
    assert built.labels == {"start": 0, "loop": 1, "end": 11}
    # And the printed form is the same whichever front end made it.
    assert format_program(built) == format_program(parsed)


def test_operand_conversion() -> None:
    program = ProgramBuilder("p").op("x", 5, -3, "r0", "R15", "SIGINT", Str("r1"), ("A", 2)).build()
    assert program.instructions[0].operands == (
        Operand("int", 5),
        Operand("int", -3),
        Operand("reg", 0),
        Operand("reg", 15),
        Operand("name", "SIGINT"),
        Operand("str", "r1"),
        Operand("or", (Operand("name", "A"), Operand("int", 2))),
    )


def test_memory_operands_and_auto_declaration() -> None:
    b = ProgramBuilder("p")
    b.store("b", 1).data("a", 7).load(Mem("c", 2), to="r1").mov("name", Mem("x", 1))
    b.data("b", 9)
    program = b.build()
    assert program.instructions[0].operands[0] == Operand("mem", Mem("b"))
    assert program.instructions[2].operands[0] == Operand("name", "name")
    assert list(program.data.items()) == [("b", (9,)), ("a", (7,)), ("c", (0,)), ("x", (0,))]
    assert MEMORY_OPERANDS["store"] == 0


def test_results_and_op_names() -> None:
    b = ProgramBuilder("p")
    b.FORK(to="r1").op("Exit.Group", to=("r2", "R3")).op("yield")
    assert b.build().instructions == (
        Instruction("fork", (), (Operand("reg", 1),)),
        Instruction("exit.group", (), (Operand("reg", 2), Operand("reg", 3))),
        Instruction("yield", ()),
    )


def test_methods_chain_and_build_is_a_snapshot() -> None:
    b = ProgramBuilder("p")
    assert b.nop() is b
    assert b.label("x") is b
    assert b.data("v", 1) is b
    assert b.pages(1) is b
    first = b.build()
    b.exit(0)
    assert len(first.instructions) == 1
    assert len(b.build().instructions) == 2
    assert first == Program("p", (Instruction("nop", ()),), {"x": 1}, {"v": (1,)}, 1)


def test_builder_locations() -> None:
    b = ProgramBuilder("kid")
    program = b.nop().add("r1", 2, to="r1").build()
    assert program.location == Location("<builder:kid>", 1, 1)
    add = program.instructions[1]
    assert add.location == Location("<builder:kid>", 2, 1)
    assert {o.location for o in (*add.operands, *add.results)} == {add.location}


def test_private_attributes_are_not_ops() -> None:
    b = ProgramBuilder("p")
    with pytest.raises(AttributeError):
        b._secret  # noqa: B018
    assert not hasattr(b, "__deepcopy_hook__")


def builder_error(make: object) -> SourceError:
    b = ProgramBuilder("p").nop()
    with pytest.raises(SourceError) as info:
        make(b)  # type: ignore[operator]
    return info.value


@pytest.mark.parametrize(
    ("make", "message", "expected"),
    [
        (lambda b: b.mov("r16"), "no register r16", "r0..r15"),
        (lambda b: b.mov(Mem(16)), "no register r16", "r0..r15"),
        (lambda b: b.mov(Mem(-1)), "no register r-1", "r0..r15"),
        (lambda b: b.mov(to="r16"), "no register r16", "r0..r15"),
        (lambda b: b.mov(to="x"), "result 'x' is not a register", "r0..r15"),
        (lambda b: b.mov(to=("r1", "y")), "result 'y' is not a register", "r0..r15"),
        (lambda b: b.label("a").label("a"), "duplicate label 'a' (first defined at line 2)", None),
        (lambda b: b.label("r1"), "'r1' is a register", "a label name"),
        (lambda b: b.label("a b"), "'a b' is not a name", "a label name"),
        (lambda b: b.data("r2", 1), "'r2' is a register", "a variable name"),
        (
            lambda b: b.data("v", 1).data("v", 2),
            "duplicate variable 'v' (first declared at line 2)",
            None,
        ),
        (lambda b: b.data("v"), "variable 'v' has no words", "at least one word"),
        (lambda b: b.data("v", size=0), "size 0 is too small", "a size of at least 1"),
        (
            lambda b: b.data("v", 1, size=2),
            "variable 'v' has both initial values and a size",
            "either values or size=",
        ),
        (lambda b: b.pages(0), "0 pages is too few", "a page count of at least 1"),
        (lambda b: b.pages(1).pages(2), "duplicate 'pages' directive (first at line 2)", None),
        (lambda b: b.op("data", 1), "'data' cannot be an instruction name", "an identifier"),
        (lambda b: b.op("a b"), "'a b' cannot be an instruction name", "an identifier"),
        (lambda b: b.op("r1"), "'r1' cannot be an instruction name", "an identifier"),
        (lambda b: b.mov("x+1"), "'x+1' is not a register or name", None),
        (lambda b: b.mov(Mem("a b")), "'a b' is not a variable name", "a variable name"),
        (lambda b: b.mov(("A",)), "a '|' expression needs at least two parts", None),
        (lambda b: b.mov(("A", "r1")), "a '|' expression cannot contain a reg operand", None),
        (lambda b: b.mov(("A", Str("s"))), "a '|' expression cannot contain a str operand", None),
    ],
)
def test_builder_errors(make: object, message: str, expected: str | None) -> None:
    err = builder_error(make)
    assert err.message == message
    if expected is not None:
        assert err.expected == expected
    assert err.location == Location("<builder:p>", 2, 1)


@pytest.mark.parametrize(
    "make",
    [
        lambda b: b.mov(True),
        lambda b: b.mov(1.5),
        lambda b: b.mov(None),
        lambda b: b.mov(["A", "B"]),
        lambda b: b.mov(Mem(1, "2")),  # type: ignore[arg-type]
        lambda b: b.mov(Mem(1.0)),  # type: ignore[arg-type]
        lambda b: b.mov(to=1),
        lambda b: b.data("v", "1"),
        lambda b: b.pages("2"),
    ],
)
def test_builder_rejects_python_types(make: object) -> None:
    with pytest.raises(TypeError):
        make(ProgramBuilder("p"))  # type: ignore[operator]


# -- property: builder -> text -> parser gives the same Program ------------------------

names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.]{0,6}", fullmatch=True).filter(is_name)
registers = st.builds(lambda prefix, n: f"{prefix}{n}", st.sampled_from("rR"), st.integers(0, 15))
atoms = st.one_of(st.integers(), names)
operand_values = st.one_of(
    st.integers(),
    registers,
    names,
    st.text(max_size=12).map(Str),
    st.builds(Mem, st.one_of(st.none(), st.integers(0, 15), names), st.integers(-99, 99)),
    st.lists(atoms, min_size=2, max_size=4).map(tuple),
)
op_names = st.one_of(
    st.sampled_from(["load", "store", "LOAD", "mov", "spawn", "wait", "exit", "nop"]),
    names.filter(lambda name: name.lower() not in ("data", "pages")),
)


@st.composite
def built_programs(draw: st.DrawFn) -> Program:
    b = ProgramBuilder(draw(names))
    labels: set[str] = set()
    variables: set[str] = set()
    if draw(st.booleans()):
        b.pages(draw(st.integers(1, 64)))
    for _ in range(draw(st.integers(0, 12))):
        step = draw(st.sampled_from(["op", "op", "op", "label", "data"]))
        if step == "label":
            label = draw(names)
            if label not in labels:
                labels.add(label)
                b.label(label)
        elif step == "data":
            variable = draw(names)
            if variable not in variables:
                variables.add(variable)
                if draw(st.booleans()):
                    b.data(variable, size=draw(st.integers(1, 5)))
                else:
                    b.data(variable, *draw(st.lists(st.integers(), min_size=1, max_size=4)))
        else:
            b.op(
                draw(op_names),
                *draw(st.lists(operand_values, max_size=4)),
                to=tuple(draw(st.lists(registers, max_size=3))),
            )
    return b.build()


@settings(max_examples=300, deadline=None)
@given(built_programs())
def test_format_then_parse_gives_the_built_program(program: Program) -> None:
    text = format_program(program)
    parsed = parse(text, program.name, file="gen.osm")
    assert parsed == program
    assert list(parsed.data) == list(program.data)
    assert format_program(parsed) == text
    # Each token's location points at its own text in the printed source.
    lines = text.split("\n")
    for instruction in parsed.instructions:
        memory = MEMORY_OPERANDS.get(instruction.op)
        loc = instruction.location
        assert lines[loc.line - 1][loc.column - 1 :].startswith(instruction.op)
        for index, operand in enumerate((*instruction.operands, *instruction.results)):
            loc = operand.location
            expected = format_operand(operand, memory=index == memory)
            assert lines[loc.line - 1][loc.column - 1 :].startswith(expected)


def test_a_huge_data_size_is_refused_before_its_words_are_made() -> None:
    # (0,) * 10**12 would be a MemoryError: the bound is checked first
    error = builder_error(lambda b: b.data("b", size=10**12))
    assert "words of data" in error.message

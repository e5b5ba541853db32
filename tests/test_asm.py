"""The assembler's parser: operands, labels, directives, locations and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from osmodel.kernel.asm import MEMORY_OPERANDS, format_program, parse, parse_file
from osmodel.kernel.errors import Location, SourceError
from osmodel.kernel.program import Instruction, Mem, Operand, Program


def only(text: str) -> Instruction:
    """The single instruction of a one-instruction program."""
    (instruction,) = parse(text, "t").instructions
    return instruction


def operands(text: str) -> list[tuple[str, object]]:
    return [(o.kind, o.value) for o in only(text).operands]


def error(text: str, file: str | None = None, line: int = 1, column: int = 1) -> SourceError:
    with pytest.raises(SourceError) as info:
        parse(text, "t", file=file, line=line, column=column)
    return info.value


# -- operands -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("r0", ("reg", 0)),
        ("r15", ("reg", 15)),
        ("R7", ("reg", 7)),
        ("42", ("int", 42)),
        ("-42", ("int", -42)),
        ("0", ("int", 0)),
        ("007", ("int", 7)),
        ("0x1F", ("int", 31)),
        ("0XfF", ("int", 255)),
        ("-0x10", ("int", -16)),
        ("0b101", ("int", 5)),
        ("SIGINT", ("name", "SIGINT")),
        ("_a.b9", ("name", "_a.b9")),
        ("r1x", ("name", "r1x")),
        ("data", ("name", "data")),
        ('"hi there"', ("str", "hi there")),
        ('""', ("str", "")),
        (r'"a\"b\\c\nd\te"', ("str", 'a"b\\c\nd\te')),
        ('"; not # a comment"', ("str", "; not # a comment")),
        ("[r1]", ("mem", Mem(1, 0))),
        ("[r1+4]", ("mem", Mem(1, 4))),
        ("[ r2 - 3 ]", ("mem", Mem(2, -3))),
        ("[x]", ("mem", Mem("x", 0))),
        ("[x+0x10]", ("mem", Mem("x", 16))),
        ("[0x100]", ("mem", Mem(None, 256))),
        ("[-4]", ("mem", Mem(None, -4))),
        ("x+3", ("mem", Mem("x", 3))),
        ("x-1", ("mem", Mem("x", -1))),
        ("x + 3", ("mem", Mem("x", 3))),
    ],
)
def test_operand_kinds(text: str, expected: tuple[str, object]) -> None:
    assert operands(f"mov {text}") == [expected]


def test_or_expression_keeps_each_atom() -> None:
    (operand,) = only("wait r1, WNOHANG|WUNTRACED|0x4|-1").operands[1:]
    assert operand.kind == "or"
    assert operand.value == (
        Operand("name", "WNOHANG"),
        Operand("name", "WUNTRACED"),
        Operand("int", 4),
        Operand("int", -1),
    )
    assert [atom.location.column for atom in operand.value] == [10, 18, 28, 32]
    assert operand.location.column == 10


def test_or_expression_of_numbers() -> None:
    assert operands("mov 1|2") == [("or", (Operand("int", 1), Operand("int", 2)))]


def test_op_names_are_lower_cased_and_names_keep_case() -> None:
    instruction = only("MOV R1, MyVar")
    assert instruction.op == "mov"
    assert [(o.kind, o.value) for o in instruction.operands] == [("reg", 1), ("name", "MyVar")]


def test_instruction_without_operands_and_with_results() -> None:
    assert only("nop") == Instruction("nop", ())
    assert only("getpid -> r1") == Instruction("getpid", (), (Operand("reg", 1),))
    assert only("fork->r1,R2") == Instruction("fork", (), (Operand("reg", 1), Operand("reg", 2)))
    assert only("add r1, 2 -> r3") == Instruction(
        "add", (Operand("reg", 1), Operand("int", 2)), (Operand("reg", 3),)
    )


def test_memory_operand_positions() -> None:
    assert MEMORY_OPERANDS == {"load": 0, "store": 0}
    assert operands("store x, y") == [("mem", Mem("x", 0)), ("name", "y")]
    assert operands("load x -> r1") == [("mem", Mem("x", 0))]
    assert operands("LOAD x -> r1") == [("mem", Mem("x", 0))]
    # Only a bare name changes; other ops and other positions keep names.
    assert operands("mov x, y") == [("name", "x"), ("name", "y")]
    assert operands("store [r1+2], 5") == [("mem", Mem(1, 2)), ("int", 5)]
    assert operands("store r1, 5") == [("reg", 1), ("int", 5)]


# -- comments, blank lines, labels --------------------------------------------


def test_comments_and_blank_lines_are_ignored() -> None:
    program = parse(
        """
        ; a comment
        # another
        nop ; trailing
        mov r1, "a;b#c"  # the string keeps ; and #

        \t
        """,
        "t",
    )
    assert [i.op for i in program.instructions] == ["nop", "mov"]
    assert program.instructions[1].operands[1].value == "a;b#c"


def test_crlf_line_endings() -> None:
    program = parse("a: nop\r\nmov r1, 2\r\n", "t")
    assert [i.op for i in program.instructions] == ["nop", "mov"]
    assert program.instructions[1].operands[1].value == 2


def test_labels() -> None:
    program = parse(
        """start: begin:
        nop
        loop: mov r1, 1
        also:
        and.more:   ; a comment after a label
        jmp loop
        end:
        """,
        "t",
    )
    assert program.labels == {
        "start": 0,
        "begin": 0,
        "loop": 1,
        "also": 2,
        "and.more": 2,
        "end": 3,
    }
    assert len(program.instructions) == 3


def test_label_case_is_kept() -> None:
    assert parse("Loop: nop\nloop: nop", "t").labels == {"Loop": 0, "loop": 1}


def test_labels_on_one_line_and_label_at_end() -> None:
    program = parse("a: b: nop\nc:", "t")
    assert program.labels == {"a": 0, "b": 0, "c": 1}


def test_empty_program() -> None:
    assert parse("", "t") == Program("t", ())
    assert parse("; nothing\n\n", "t") == Program("t", (), {}, {}, 0)


# -- directives and data --------------------------------------------------------


def test_data_directives() -> None:
    program = parse(
        """
        data x = 1
        data list = 1, -2, 0x10, 0b11
        data buf[3]
        DATA Up = 5
        pages 4
        """,
        "t",
    )
    assert program.data == {"x": (1,), "list": (1, -2, 16, 3), "buf": (0, 0, 0), "Up": (5,)}
    assert program.pages == 4
    assert program.instructions == ()


def test_pages_default_is_zero() -> None:
    assert parse("nop", "t").pages == 0


def test_auto_declaration_in_order_of_first_appearance() -> None:
    program = parse(
        """
        store b, 1
        data a = 7
        load [c+2] -> r1
        add x+1, [r1], [0x10], name
        data b = 9          ; declared after use: keeps its place, gets its value
        store a, 2
        mov [c], b
        """,
        "t",
    )
    assert list(program.data.items()) == [("b", (9,)), ("a", (7,)), ("c", (0,)), ("x", (0,))]


def test_offset_beyond_size_is_not_a_parse_error() -> None:
    program = parse("data x = 1\nstore x+5, 1", "t")
    assert program.data == {"x": (1,)}
    assert program.instructions[0].operands[0].value == Mem("x", 5)


def test_program_equality_and_fields() -> None:
    program = parse("data x = 3\npages 2\nstart: store x, 1\nexit 0", "prog")
    assert program == Program(
        "prog",
        (
            Instruction("store", (Operand("mem", Mem("x")), Operand("int", 1))),
            Instruction("exit", (Operand("int", 0),)),
        ),
        {"start": 0},
        {"x": (3,)},
        2,
    )


# -- locations ------------------------------------------------------------------


def test_locations_of_every_token() -> None:
    program = parse('nop\n  loop: ADD r1, [x+2], "s", A|B -> r2, r3\n', "t", file="p.osm")
    assert program.location == Location("p.osm", 1, 1)
    instruction = program.instructions[1]
    assert instruction.location == Location("p.osm", 2, 9)
    assert [o.location.column for o in instruction.operands] == [13, 17, 24, 29]
    assert {o.location.line for o in instruction.operands} == {2}
    assert [r.location.column for r in instruction.results] == [36, 40]
    assert all(o.location.file == "p.osm" for o in instruction.operands)


def test_embedded_text_locations_are_shifted() -> None:
    # A TOML file where the program text starts at line 7, column 12:
    #     text = '''nop
    #   mov r1, 2
    #     '''
    text = "nop\n  mov r1, 2\nbad $"
    program_text = text.rsplit("\n", 1)[0]
    program = parse(program_text, "t", file="s.toml", line=7, column=12)
    assert program.location == Location("s.toml", 7, 12)
    first, second = program.instructions
    assert first.location == Location("s.toml", 7, 12)
    assert second.location == Location("s.toml", 8, 3)
    assert second.operands[1].location == Location("s.toml", 8, 11)

    # Errors on the first line are shifted by the column, later ones are not.
    assert error("nop $", file="s.toml", line=7, column=12).location == Location("s.toml", 7, 16)
    assert error(text, file="s.toml", line=7, column=12).location == Location("s.toml", 9, 5)


def test_parse_file(tmp_path: Path) -> None:
    path = tmp_path / "child.osm"
    path.write_text("data x = 1\n  exit 0\n", encoding="utf-8")
    program = parse_file(path)
    assert program.name == "child"
    assert program.data == {"x": (1,)}
    assert program.instructions[0].location == Location(str(path), 2, 3)
    path.write_text("exit $\n", encoding="utf-8")
    with pytest.raises(SourceError) as info:
        parse_file(str(path))
    assert info.value.location == Location(str(path), 1, 6)


# -- errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "message", "expected"),
    [
        ("mov r1,", 1, 8, "unexpected end of line", "an operand"),
        ("mov r1, ; comment", 1, 8, "unexpected end of line", "an operand"),
        ("mov r1,, r2", 1, 8, "unexpected ','", "an operand"),
        ("mov $", 1, 5, "unexpected character '$'", "an operand, '->' or end of line"),
        ("mov r1 $", 1, 8, "unexpected character '$'", "',', '->' or end of line"),
        ("mov r1 r2", 1, 8, "unexpected register r2", "',', '->' or end of line"),
        ("mov x y", 1, 7, "unexpected name 'y'", "',', '->' or end of line"),
        ("mov x:", 1, 6, "unexpected ':'", "',', '->' or end of line"),
        ("nop\n  mov r16, 1", 2, 7, "no register r16", "r0..r15"),
        ("mov [R99]", 1, 6, "no register R99", "r0..r15"),
        ("mov r1 -> x", 1, 11, "unexpected name 'x'", "a register after '->'"),
        ("mov r1 -> 3", 1, 11, "unexpected number 3", "a register after '->'"),
        ("mov r1 ->", 1, 10, "unexpected end of line", "a register after '->'"),
        ("mov -> r1,", 1, 11, "unexpected end of line", "a register after '->'"),
        ("mov -> r1 r2", 1, 11, "unexpected register r2", "',' or end of line"),
        ("mov -> r16", 1, 8, "no register r16", "r0..r15"),
        ('mov "abc', 1, 5, "unterminated string", "a closing '\"' on the same line"),
        ('mov "abc\\"', 1, 5, "unterminated string", "a closing '\"' on the same line"),
        ('mov "a\\qb"', 1, 7, "unknown escape '\\q' in string", '\\" \\\\ \\n or \\t'),
        ("mov 12ab", 1, 5, "invalid number '12ab'", "decimal digits, 0x hex or 0b binary"),
        ("mov 0x", 1, 5, "invalid number '0x'", "decimal digits, 0x hex or 0b binary"),
        ("mov 1.5", 1, 5, "invalid number '1.5'", "decimal digits, 0x hex or 0b binary"),
        ("mov -x", 1, 6, "unexpected name 'x'", "a number after '-'"),
        ("mov r1+4", 1, 7, "an offset from register r1 must be in brackets", "[r1+N]"),
        (
            "mov r1|x",
            *(1, 5, "register r1 cannot be part of a '|' expression"),
            "names and numbers joined by '|'",
        ),
        ("mov a|", 1, 7, "unexpected end of line", "a name or number after '|'"),
        ("mov a|r1", 1, 7, "unexpected register r1", "a name or number after '|'"),
        ('mov a|"s"', 1, 7, 'unexpected string "s"', "a name or number after '|'"),
        ("mov x+", 1, 7, "unexpected end of line", "a number after '+'"),
        ("mov x+y", 1, 7, "unexpected name 'y'", "a number after '+'"),
        ("mov [", 1, 6, "unexpected end of line", "a register, variable or address after '['"),
        ('mov ["s"]', 1, 6, 'unexpected string "s"', "a register, variable or address after '['"),
        ("mov [r1", 1, 8, "unexpected end of line", "'+', '-' or ']'"),
        ("mov [r1+2", 1, 10, "unexpected end of line", "']'"),
        ("mov [x-]", 1, 8, "unexpected ']'", "a number after '-'"),
        ("mov [1+2]", 1, 7, "unexpected '+'", "']'"),
        ("5", 1, 1, "unexpected number 5", "an instruction, label or directive"),
        ("  r1 5", 1, 3, "unexpected register r1", "an instruction, label or directive"),
        ("-> r1", 1, 1, "unexpected '->'", "an instruction, label or directive"),
        ("r1: nop", 1, 1, "unexpected register r1", "a label name"),
        ("x: \n\n  x: nop", 3, 3, "duplicate label 'x' (first defined at line 1)", None),
        ("data", 1, 5, "unexpected end of line", "a variable name"),
        ("data r1 = 1", 1, 6, "unexpected register r1", "a variable name"),
        ("data x", 1, 7, "unexpected end of line", "'=' or '['"),
        ("data x 1", 1, 8, "unexpected number 1", "'=' or '['"),
        ("data x =", 1, 9, "unexpected end of line", "an integer"),
        ("data x = 1,", 1, 12, "unexpected end of line", "an integer"),
        ("data x = 1 2", 1, 12, "unexpected number 2", "',' or end of line"),
        ("data x = y", 1, 10, "unexpected name 'y'", "an integer"),
        ("data x[0]", 1, 8, "size 0 is too small", "a size of at least 1"),
        ("data x[-1]", 1, 8, "unexpected '-'", "a size of at least 1"),
        ("data x[2", 1, 9, "unexpected end of line", "']'"),
        ("data x[2] = 1", 1, 11, "unexpected '='", "end of line"),
        ("data x = 1\n data x=2", 2, 7, "duplicate variable 'x' (first declared at line 1)", None),
        ("pages", 1, 6, "unexpected end of line", "a page count of at least 1"),
        ("pages 0", 1, 7, "0 pages is too few", "a page count of at least 1"),
        ("pages 2 3", 1, 9, "unexpected number 3", "end of line"),
        ("pages 1\n\npages 2", 3, 1, "duplicate 'pages' directive (first at line 1)", None),
    ],
)
def test_errors(text: str, line: int, column: int, message: str, expected: str | None) -> None:
    err = error(text, file="e.osm")
    assert (err.location, err.message, err.expected) == (
        Location("e.osm", line, column),
        message,
        expected,
    )


def test_error_text_names_the_place() -> None:
    err = error("nop\nmov r1,", file="p.osm")
    assert str(err) == "p.osm:2:8: unexpected end of line (expected an operand)"
    assert str(error("mov r16")) == "<string>:1:5: no register r16 (expected r0..r15)"


def test_first_error_on_a_line_wins() -> None:
    # The parser stops at the first bad token even if a later one is worse.
    assert error("mov r1 r2, 12ab").location.column == 8


# -- formatting -------------------------------------------------------------------


def test_format_program_round_trips() -> None:
    text = """
    pages 3
    data x = 1, -2
    data buf[4]
    data one = 0
    start:
    top: store x, 1
        load x+2 -> r1
        mov [x], [r2-1], [0x20], [-8], y-3
        spawn "a \\"quoted\\" \\\\ line\\n\\tend;#", -5, A|-1|b
        nop -> r15, r0
    end:
    """
    program = parse(text, "t")
    formatted = format_program(program)
    again = parse(formatted, "t")
    assert again == program
    assert list(again.data) == list(program.data)
    assert format_program(again) == formatted
    assert formatted.startswith("pages 3\ndata x = 1, -2\ndata buf[4]\ndata one = 0\n")
    assert "    store x, 1\n" in formatted
    assert "    load x+2 -> r1\n" in formatted
    assert "    mov [x], [r2-1], [32], [-8], y-3\n" in formatted
    assert formatted.endswith("end:\n")


def test_format_empty_program() -> None:
    assert format_program(parse("", "t")) == ""

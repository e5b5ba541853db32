"""Scenario files: values, defaults, and the exact place every mistake is reported."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osmodel.kernel.errors import Location, SourceError
from osmodel.kernel.machine import Limits, Machine
from osmodel.kernel.scenario import (
    Scenario,
    TimelineEvent,
    load_scenario,
    loads_scenario,
)
from osmodel.kernel.tomlpos import Locator, toml_error_position

DOC = Path(__file__).resolve().parent.parent / "docs" / "scenario.md"

#: The smallest valid scenario; cases below add to it.
PROGRAM = '[programs.p]\ncode = "cpu 1"\n'


def doc_example() -> str:
    """The first ```toml block of docs/scenario.md: the complete example."""
    found = re.search(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert found, "docs/scenario.md has no ```toml block"
    return found.group(1)


def error(text: str, source: str = "s.toml", base_dir: Path | None = None) -> SourceError:
    with pytest.raises(SourceError) as info:
        loads_scenario(text, source=source, base_dir=base_dir)
    return info.value


# -- values ---------------------------------------------------------------------------------


def test_doc_example_loads_with_its_values() -> None:
    scenario = loads_scenario(doc_example(), source="parent.toml")
    assert scenario.title == "Parent and children"
    assert scenario.description.startswith("A parent spawns two children")
    assert scenario.platform == "unix"
    assert scenario.seed == 1
    assert scenario.source == "parent.toml"
    assert scenario.machine == Machine(
        cpus=2,
        frames=256,
        page_words=8,
        switch_cost=1,
        io_issue_cost=1,
        io_done_cost=1,
        scheduler="rr",
        scheduler_options={"quantum": 3},
        limits=Limits(processes=64, time=10000, user_processes=None),
    )
    assert set(scenario.programs) == {"parent", "child"}
    parent, child = scenario.programs["parent"], scenario.programs["child"]
    assert parent.name == "parent"
    assert [i.op for i in parent.instructions] == ["spawn", "spawn", "wait", "wait", "exit"]
    assert [i.op for i in child.instructions] == ["cpu", "io", "exit"]
    assert child.pages == 2
    assert scenario.files == {"data.txt": (1, 2, 3)}
    assert [(e.time, e.kind) for e in scenario.timeline] == [
        (0, "user"),
        (2, "user"),
        (4, "batch"),
        (20, "key"),
        (30, "kill"),
    ]
    first, background, batch, key, kill = scenario.timeline
    assert first == TimelineEvent(0, "user", program="parent")
    assert background == TimelineEvent(2, "user", program="child", background=True, args=(10,))
    assert batch == TimelineEvent(4, "batch", program="child", args=(2,))
    assert key == TimelineEvent(20, "key", key="ctrl-c")
    assert kill == TimelineEvent(30, "kill", target="child", signal="SIGTERM")


def test_doc_example_code_locations_are_lines_of_the_toml_file() -> None:
    text = doc_example()
    lines = text.split("\n")
    scenario = loads_scenario(text, source="parent.toml")
    for program in scenario.programs.values():
        for instruction in program.instructions:
            location = instruction.location
            assert location.file == "parent.toml"
            written = lines[location.line - 1][location.column - 1 :]
            assert written.lower().startswith(instruction.op)


def test_doc_error_examples_are_real() -> None:
    """The error lines shown in the doc are what these edits of the example give."""
    edits = {
        "9:8": ("cpus = 2", "cpus = 0"),
        "45:8": ('user = "parent"', 'user = "chld"'),
        "26:19": ('spawn "child", 7 -> r2', 'spawn "child",, 7 -> r2'),
    }
    shown = [
        row for row in DOC.read_text(encoding="utf-8").splitlines()
        if row.startswith("parent.toml:")
    ]
    assert len(shown) == 3
    for row in shown:
        position = row.split(":")[1] + ":" + row.split(":")[2]
        old, new = edits[position]
        assert str(error(doc_example().replace(old, new, 1), source="parent.toml")) == row


def test_defaults() -> None:
    scenario = loads_scenario(PROGRAM)
    assert scenario.machine == Machine()
    assert scenario.machine.limits == Limits()
    assert scenario.files == {}
    assert scenario.timeline == ()
    assert scenario.platform is None
    assert scenario.seed is None
    assert scenario.title == scenario.description == ""
    assert scenario.source == "<string>"
    assert scenario.programs["p"].pages == 0


def test_scheduler_as_string() -> None:
    scenario = loads_scenario('[machine]\nscheduler = "fcfs"\n' + PROGRAM)
    assert scenario.machine.scheduler == "fcfs"
    assert scenario.machine.scheduler_options == {}


def test_scheduler_as_inline_table_keeps_option_values() -> None:
    text = (
        "[machine]\n"
        'scheduler = { name = "mlfq", quantum = 2, boost = 1.5, fair = true, '
        'mode = "x", levels = [1, 2, 4] }\n' + PROGRAM
    )
    machine = loads_scenario(text).machine
    assert machine.scheduler == "mlfq"
    assert machine.scheduler_options == {
        "quantum": 2,
        "boost": 1.5,
        "fair": True,
        "mode": "x",
        "levels": [1, 2, 4],
    }


def test_scheduler_as_sub_table() -> None:
    text = '[machine.scheduler]\nname = "rr"\nquantum = 5\n' + PROGRAM
    machine = loads_scenario(text).machine
    assert (machine.scheduler, machine.scheduler_options) == ("rr", {"quantum": 5})


def test_limits_false_means_unbounded() -> None:
    text = "[machine.limits]\nprocesses = false\ntime = false\nuser_processes = 3\n" + PROGRAM
    assert loads_scenario(text).machine.limits == Limits(None, None, 3)


def test_files() -> None:
    text = PROGRAM + '[files]\n"data.txt" = [1, -2, 0x10]\nempty = []\n'
    assert loads_scenario(text).files == {"data.txt": (1, -2, 16), "empty": ()}


def test_timeline_is_sorted_by_time_and_stable() -> None:
    text = PROGRAM + "".join(
        f'[[timeline]]\nat = {at}\nkill = "{name}"\n'
        for at, name in [(5, "a"), (1, "b"), (5, "c"), (0, "d"), (1, "e"), (5, "f")]
    )
    timeline = loads_scenario(text).timeline
    assert [(e.time, e.target) for e in timeline] == [
        (0, "d"), (1, "b"), (1, "e"), (5, "a"), (5, "c"), (5, "f"),
    ]
    # The location is where each entry starts: "d" is the 4th entry, lines 3 + 3 * 3.
    assert timeline[0].location == Location("<string>", 12, 1)


def test_scenario_built_in_python_is_sorted_too() -> None:
    late, early = TimelineEvent(3, "key", key="ctrl-c"), TimelineEvent(1, "key", key="ctrl-z")
    assert Scenario(Machine(), {}, (late, early), {}).timeline == (early, late)


def test_event_kinds_and_values() -> None:
    text = (
        PROGRAM
        + '[[timeline]]\nat = 1\nkey = "Ctrl-Break"\n'
        + "[[timeline]]\nat = 2\nkill = 7\n"
        + '[[timeline]]\nat = 3\nbatch = "p"\nargs = [4, 5]\n'
    )
    key, kill, batch = loads_scenario(text).timeline
    assert key.key == "ctrl-break"
    assert (kill.target, kill.signal) == (7, None)
    assert (batch.program, batch.args, batch.background) == ("p", (4, 5), False)


def test_quoted_and_dotted_names() -> None:
    text = '[programs."lib.v2"]\ncode = "cpu 1"\n[programs.a-b_c]\ncode = "cpu 2"\n'
    assert set(loads_scenario(text).programs) == {"lib.v2", "a-b_c"}


def test_inline_timeline_array() -> None:
    # A top-level key must come before the first table.
    text = 'timeline = [{ at = 3, user = "p" }, { at = 1, key = "ctrl-z" }]\n' + PROGRAM
    assert [e.kind for e in loads_scenario(text).timeline] == ["key", "user"]


def test_pages_overrides_the_program() -> None:
    text = "[programs.p]\ncode = '''\npages 1\ncpu 1\n'''\npages = 3\n"
    assert loads_scenario(text).programs["p"].pages == 3


def test_single_line_code_positions() -> None:
    scenario = loads_scenario('[programs.p]\ncode = "cpu 1"\n', source="s.toml")
    (instruction,) = scenario.programs["p"].instructions
    assert instruction.location == Location("s.toml", 2, 9)


# -- program files --------------------------------------------------------------------------


def test_program_file_is_relative_to_the_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "progs").mkdir()
    (tmp_path / "progs" / "child.osm").write_text("cpu 3\nexit 0\n", encoding="utf-8")
    (tmp_path / "s.toml").write_text(
        '[programs.kid]\nfile = "progs/child.osm"\npages = 2\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path.parent)  # the scenario's directory counts, not the current one
    scenario = load_scenario(tmp_path / "s.toml")
    kid = scenario.programs["kid"]
    assert kid.name == "kid"
    assert [i.op for i in kid.instructions] == ["cpu", "exit"]
    assert kid.pages == 2
    assert kid.instructions[1].location == Location(str(tmp_path / "progs" / "child.osm"), 2, 1)
    assert scenario.source == str(tmp_path / "s.toml")


def test_program_file_errors_point_into_that_file(tmp_path: Path) -> None:
    (tmp_path / "bad.osm").write_text("cpu 1\n  mov r1,, 2\n", encoding="utf-8")
    (tmp_path / "s.toml").write_text('[programs.bad]\nfile = "bad.osm"\n', encoding="utf-8")
    with pytest.raises(SourceError) as info:
        load_scenario(tmp_path / "s.toml")
    assert info.value.location == Location(str(tmp_path / "bad.osm"), 2, 10)


def test_missing_program_file(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(PROGRAM + '[programs.q]\nfile  =  "nope.osm"\n', encoding="utf-8")
    with pytest.raises(SourceError) as info:
        load_scenario(str(path))
    assert info.value.location == Location(str(path), 4, 10)
    assert "not found" in info.value.message
    assert "nope.osm" in info.value.message


def test_loads_scenario_base_dir(tmp_path: Path) -> None:
    (tmp_path / "p.osm").write_text("cpu 1\n", encoding="utf-8")
    scenario = loads_scenario('[programs.p]\nfile = "p.osm"\n', base_dir=tmp_path)
    assert len(scenario.programs["p"].instructions) == 1


def test_missing_scenario_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as info:
        load_scenario(tmp_path / "none.toml")
    assert info.value.location == Location(str(tmp_path / "none.toml"), 1, 1)


def test_scenario_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes(b'[scenario]\ntitle = "caf\xe9"\n')
    with pytest.raises(SourceError) as info:
        load_scenario(path)
    assert info.value.location == Location(str(path), 2, 13)


def test_timeline_entries_carry_scheduling_attributes_as_pcb_fields() -> None:
    scenario = loads_scenario(
        "[machine]\ncpus = 4\n" + PROGRAM
        + ENTRY + "priority = -3\nnice = 5\ntickets = 50\nlength = 300\ncpus = [3, 1]\n"
        + ENTRY.replace("user", "batch"))
    first, second = scenario.timeline
    assert dict(first.launch) == {"priority": -3, "nice": 5, "tickets": 50, "expected": 300,
                                  "affinity": frozenset({1, 3})}
    assert second.launch == ()


# -- errors ---------------------------------------------------------------------------------

ENTRY = '[[timeline]]\nat = 0\nuser = "p"\n'

#: (text, line, column, fragment of the message, fragment of expected or None)
BAD = [
    pytest.param("[machine]\ncpus = \n" + PROGRAM, 2, 8, "invalid TOML: Invalid value", None,
                 id="toml-syntax"),
    pytest.param(PROGRAM + '[files]\n"a" = [1, 2\n', 5, 1, "invalid TOML", None,
                 id="toml-unclosed-array"),
    pytest.param('[scenario]\ntitle = "x\n' + PROGRAM, 2, 11, "invalid TOML", None,
                 id="toml-unclosed-string"),
    pytest.param("[machine]\n  cpu = 2\n" + PROGRAM, 2, 3,
                 "unknown key 'cpu' in [machine]; did you mean 'cpus'?", "cpus, frames",
                 id="unknown-key"),
    pytest.param("machin = 1\n" + PROGRAM, 1, 1, "unknown key 'machin' at the top level",
                 "machine", id="unknown-top-key"),
    pytest.param("[machine.limits]\nprocess = 3\n" + PROGRAM, 2, 1, "did you mean 'processes'",
                 "processes, time, user_processes", id="unknown-limit"),
    pytest.param("[machine]\ncpus = true\n" + PROGRAM, 2, 8, "invalid value true for 'cpus'",
                 "an integer from 1 to 1024", id="bool-for-int"),
    pytest.param('[machine]\nframes = "12"\n' + PROGRAM, 2, 10, "'frames' in [machine]",
                 "an integer from 1 to 1,048,576", id="string-for-int"),
    pytest.param("[machine]\ncpus = 0   # none\n" + PROGRAM, 2, 8, "invalid value 0 for 'cpus'",
                 "from 1 to 1024", id="cpus-0"),
    pytest.param("[machine]\ncpus = 1025\n" + PROGRAM, 2, 8, "1025", "from 1 to 1024",
                 id="cpus-too-many"),
    pytest.param("[machine]\nswitch_cost = -1\n" + PROGRAM, 2, 15, "switch_cost",
                 "an integer from 0 to 1,000,000,000,000", id="negative-cost"),
    pytest.param("[machine]\npage_words = 6\n" + PROGRAM, 2, 14, "'page_words'", "power of two",
                 id="page-words-not-power-of-two"),
    pytest.param("machine.cpus = 0\n" + PROGRAM, 1, 16, "'cpus' in [machine]", None,
                 id="dotted-key"),
    pytest.param("[machine.limits]\ntime = true\n" + PROGRAM, 2, 8, "'time' in [machine.limits]",
                 "or false", id="limit-true"),
    pytest.param('[machine]\nscheduler = { name = "rr", quantum = { a = 1 } }\n' + PROGRAM,
                 2, 38, "'quantum' in [machine.scheduler]", "an integer, number",
                 id="option-table"),
    pytest.param('[machine]\nscheduler = { quantum = 1 }\n' + PROGRAM, 2, 13, "no 'name'",
                 "name", id="scheduler-no-name"),
    pytest.param('[machine]\nscheduler = 3\n' + PROGRAM, 2, 13, "invalid value 3", "scheduler",
                 id="scheduler-int"),
    pytest.param("[scenario]\nseed = 1.5\n" + PROGRAM, 2, 8, "'seed' in [scenario]", "integer",
                 id="seed-float"),
    pytest.param('[scenario]\nplatform = ""\n' + PROGRAM, 2, 12, "platform", "non-empty",
                 id="platform-empty"),
    pytest.param("machine = 3\n" + PROGRAM, 1, 11, "must be a table", "a table",
                 id="machine-not-table"),
    pytest.param("[scenario]\n", 1, 1, "no programs", "[programs.NAME]", id="no-programs"),
    pytest.param("[programs]\n", 1, 1, "no programs", None, id="empty-programs"),
    pytest.param('[programs."my prog"]\ncode = "cpu 1"\n', 1, 11, "invalid program name",
                 "letters, digits", id="bad-program-name"),
    pytest.param("[programs.p]\npages = 2\n", 1, 1, "program 'p' has no 'code' or 'file'",
                 "code =", id="no-code-no-file"),
    pytest.param('[programs.p]\ncode = "cpu 1"\nfile = "p.osm"\n', 3, 1,
                 "has both 'code' and 'file'", "not both", id="code-and-file"),
    pytest.param('[programs.p]\ncode = 5\n', 2, 8, "'code' in [programs.p]", "a string",
                 id="code-not-string"),
    pytest.param('[programs.p]\ncode = "cpu 1"\npages = 0\n', 3, 9, "'pages'", "from 1 to",
                 id="pages-0"),
    pytest.param('[programs.p]\ncode = "cpu 1"\nsize = 0\n', 3, 1, "unknown key 'size' in "
                 "[programs.p]", "code, file, pages", id="program-unknown-key"),
    pytest.param('[programs.p]\ncode = """\ncpu 1\n  mov r1,, 2\n"""\n', 4, 10,
                 "unexpected ','", "an operand", id="code-error-multiline-basic"),
    pytest.param("[programs.p]\ncode = '''\n\ncpu 1\n\nexit ->\n'''\n", 6, 8,
                 "unexpected end of line", None, id="code-error-multiline-literal"),
    pytest.param('[programs.p]\ncode = """cpu 1\n  mov r1,, 2"""\n', 3, 10, "unexpected ','",
                 None, id="code-error-no-newline-after-quotes"),
    pytest.param('[programs.p]\ncode  =  "mov r1,, 2"\n', 2, 18, "unexpected ','", None,
                 id="code-error-single-line"),
    pytest.param('[programs."x.y"]\ncode = """\ncpu 1\n  mov r1,, 2\n"""\n', 4, 10,
                 "unexpected ','", None, id="code-error-quoted-name"),
    pytest.param('[programs.p]\ncode = """\ncpu 1\n"""\n[programs.q]\ncode = """\n\n mov ,\n"""\n',
                 8, 6, "unexpected ','", None, id="code-error-second-program"),
    pytest.param(PROGRAM + '[files]\n"a.txt" = [1, true]\n', 4, 15, "in 'a.txt' in [files]",
                 "an integer", id="file-word-bool"),
    pytest.param(PROGRAM + '[files]\n"a.txt" = "abc"\n', 4, 11, "'a.txt' in [files]",
                 "an array of integers", id="file-not-array"),
    pytest.param(PROGRAM + ENTRY + '[[timeline]]\nat = 0\nuser = "p"\nkill = 3\n', 9, 1,
                 "timeline entry 2 has both 'user' and 'kill'", "exactly one of", id="two-kinds"),
    pytest.param(PROGRAM + ENTRY + "[[timeline]] # second\nat = 0\n", 6, 1,
                 "timeline entry 2 says nothing happens", "user = ...", id="no-kind"),
    pytest.param(PROGRAM + '[programs.q]\ncode = "cpu 1"\n' + ENTRY + ENTRY.replace('"p"', '"pp"'),
                 10, 8, "unknown program 'pp' (the programs are: p, q)", "one of p, q",
                 id="unknown-program"),
    pytest.param(PROGRAM + '[[timeline]]\nat = 0\nkill = ""\n', 5, 8, "names no process",
                 "a process id", id="kill-empty"),
    pytest.param(PROGRAM + '[[timeline]]\nat = 0\nkill = true\n', 5, 8, "invalid value true",
                 "a process id", id="kill-bool"),
    pytest.param(PROGRAM + '[[timeline]]\nat = 0\nbatch = "p"\nbackground = true\n', 6, 1,
                 "'background' does not go with 'batch'", "only with user", id="background-batch"),
    pytest.param(PROGRAM + '[[timeline]]\nat = 0\nkey = "ctrl-c"\nargs = [1]\n', 6, 1,
                 "'args' does not go with 'key'", "user or batch", id="args-key"),
    pytest.param(PROGRAM + '[[timeline]]\nat = 0\nuser = "p"\nsignal = "SIGKILL"\n', 6, 1,
                 "'signal' does not go with 'user'", "only with kill", id="signal-user"),
    pytest.param(PROGRAM + '[[timeline]]\nuser = "p"\n', 3, 1, "timeline entry 1 has no time",
                 "at = TIME", id="no-time"),
    pytest.param(PROGRAM + ENTRY.replace("at = 0", "at = -1"), 4, 6, "'at' in timeline entry 1",
                 "from 0 to", id="negative-time"),
    pytest.param(PROGRAM + ENTRY + "args = [1, \"2\"]\n", 6, 12, "invalid value \"2\" in 'args'",
                 "an integer", id="arg-string"),
    pytest.param(PROGRAM + ENTRY + f"args = {list(range(17))}\n", 6, 8, "'args'", "at most 16",
                 id="too-many-args"),
    pytest.param(PROGRAM + ENTRY + "background = 1\n", 6, 14, "'background'", "true or false",
                 id="background-int"),
    pytest.param(PROGRAM + ENTRY + "tickets = 0\n", 6, 11, "'tickets' in timeline entry 1",
                 "an integer from 1 to 1,000,000", id="tickets-0"),
    pytest.param(PROGRAM + ENTRY + "nice = 20\n", 6, 8, "'nice'", "from -20 to 19",
                 id="nice-20"),
    pytest.param(PROGRAM + ENTRY + "cpus = [0, 1]\n", 6, 12, "no CPU 1 in 'cpus' in timeline "
                 "entry 1 (the machine has 1)", "from 0 to 0", id="affinity-no-such-cpu"),
    pytest.param(PROGRAM + ENTRY + "cpus = []\n", 6, 8, "'cpus'", "at least one",
                 id="affinity-empty"),
    pytest.param(PROGRAM + '[[timeline]]\nat = 0\nkey = "ctrl-c"\npriority = 1\n', 6, 1,
                 "'priority' does not go with 'key'", "user or batch", id="priority-key"),
    pytest.param(PROGRAM + '[[timeline]]\nat = 0\nkey = "ctrl-x"\n', 5, 7, "ctrl-x",
                 "ctrl-c, ctrl-break, ctrl-z", id="bad-key"),
    pytest.param(PROGRAM + ENTRY + ENTRY + ENTRY.replace("user", "usr"), 11, 1,
                 "unknown key 'usr' in timeline entry 3; did you mean 'user'?", None,
                 id="unknown-key-third-entry"),
    pytest.param('timeline = [{ at = 0, user = "p" }, 7]\n' + PROGRAM, 1, 37,
                 "timeline entry 2 must be a table", "a table", id="inline-timeline-not-table"),
    pytest.param("[[programs]]\n", 1, 1, "'programs' at the top level must be a table", None,
                 id="programs-array"),
    pytest.param('[programs]\np = { code = "mov ,", pages = 1 }\n', 2, 19, "unexpected ','",
                 None, id="code-error-inline-table"),
    pytest.param('timeline = [{ at = 0, user = "x" }]\n' + PROGRAM, 1, 30, "unknown program 'x'",
                 None, id="inline-timeline"),
    pytest.param('# a [comment] with = "x"\n[machine] # [programs]\n'
                 'scheduler = { name = "a # b", "quantum" = [1, "]"], x = { } }\n'
                 "cpus = 2 # cpus = 3\nframes = 0\n" + PROGRAM, 5, 10, "'frames'", None,
                 id="scanner-comments-and-strings"),
]


@pytest.mark.parametrize(("text", "line", "column", "message", "expected"), BAD)
def test_bad_input(text: str, line: int, column: int, message: str, expected: str | None) -> None:
    problem = error(text)
    assert (problem.location.line, problem.location.column) == (line, column), str(problem)
    assert problem.location.file == "s.toml"
    assert message in problem.message
    if expected is not None:
        assert problem.expected is not None
        assert expected in problem.expected


def test_timeline_not_array_points_at_it() -> None:
    # "timeline = 3" must come before the tables to be a top-level key.
    problem = error("timeline = 3\n" + PROGRAM)
    assert (problem.location.line, problem.location.column) == (1, 12)
    assert problem.expected == "[[timeline]] tables"


def test_crlf_line_ends() -> None:
    text = '[programs.p]\r\ncode = """\r\ncpu 1\r\n  mov r1,, 2\r\n"""\r\n'
    problem = error(text)
    assert (problem.location.line, problem.location.column) == (4, 10)


def test_toml_error_position_from_python_3_14_attributes() -> None:
    """Python 3.14 gives lineno/colno/msg; they win over parsing the message."""
    plain = tomllib.TOMLDecodeError("Invalid value (at line 2, column 8)")
    assert toml_error_position(plain, "a\nb = \n") == ("Invalid value", 2, 8)
    ended = tomllib.TOMLDecodeError("Unclosed array (at end of document)")
    assert toml_error_position(ended, "a = [\n1,") == ("Unclosed array", 2, 3)
    new = tomllib.TOMLDecodeError("Invalid value (at line 9, column 9)")
    new.msg, new.lineno, new.colno = "Invalid value", 3, 4  # type: ignore[attr-defined]
    assert toml_error_position(new, "") == ("Invalid value", 3, 4)


def test_loading_never_half_succeeds(tmp_path: Path) -> None:
    """An error anywhere, even after files were read and programs parsed, fails the whole load."""
    (tmp_path / "ok.osm").write_text("cpu 1\n", encoding="utf-8")
    good = doc_example() + '[programs.extra]\nfile = "ok.osm"\n'
    assert "extra" in loads_scenario(good, base_dir=tmp_path).programs
    for bad in (
        good + "[[timeline]]\nat = 99\nkill = 1\nbackground = true\n",  # last entry
        good + '[programs.more]\nfile = "missing.osm"\n',  # a later program
        good.replace("exit 0", "exit ,", 1),  # the first program
    ):
        result = None
        with pytest.raises(SourceError):
            result = loads_scenario(bad, base_dir=tmp_path)
        assert result is None


# -- the locator never crashes --------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_edited_example_loads_or_raises_source_error(data: st.DataObject) -> None:
    """Whatever an edit does to a valid file, the result is a Scenario or a SourceError."""
    text = doc_example()
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 8)))
    insert = data.draw(st.sampled_from(["", "=", "[", "]", '"', "'''", "\n", "#", "{", "0", "x"]))
    edited = text[:start] + insert + text[end:]
    try:
        loads_scenario(edited, source="e.toml")
    except SourceError as problem:
        assert problem.location.file in ("e.toml", None) or problem.location.file.endswith(".osm")
        lines = edited.split("\n")
        assert 1 <= problem.location.line <= len(lines) + 1
        assert problem.location.column >= 1


_keys = st.text(st.sampled_from("ab .-_#=[]\"'é"), min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_keys, _keys, st.integers(-5, 99)), min_size=1, max_size=6))
def test_locator_finds_values_under_any_key(entries: list[tuple[str, str, int]]) -> None:
    """Quoted keys with dots, spaces and brackets still lead to the right value."""
    lines: list[str] = []
    wanted: dict[tuple[str, ...], tuple[int, int, int]] = {}
    for number, (table, key, value) in enumerate(entries):
        lines.append(f"[t{number}.{json.dumps(table)}]  # [x] = 1")
        lines.append(f"{json.dumps(key)} = {value}")
        wanted[(f"t{number}", table, key)] = (len(lines), len(json.dumps(key)) + 4, value)
    text = "\n".join(lines) + "\n"
    locator = Locator(text)
    for path, (line, column, value) in wanted.items():
        assert locator.position(locator.values[path]) == (line, column)
        assert text.split("\n")[line - 1][column - 1 :] == str(value)


@pytest.mark.parametrize("platform", ["unix", "windows"])
@pytest.mark.parametrize("kind", ["user", "batch"])
def test_the_job_an_event_starts_gets_its_scheduling_attributes(platform: str, kind: str) -> None:
    from osmodel.kernel.simulation import simulate

    scenario = loads_scenario(
        '[programs.job]\ncode = "cpu 3\\nexit 0"\n'
        f'[[timeline]]\nat = 1\n{kind} = "job"\ntickets = 42\nlength = 3\npriority = 2\n')
    sim = simulate(scenario, platform=platform)
    (job,) = [p for p in sim.processes() if p.name == "job"]
    assert (job.tickets, job.expected, job.priority) == (42, 3, 2)
    others = [p for p in sim.processes() if p.name != "job"]
    assert others and all(p.tickets == 100 and p.expected is None for p in others)

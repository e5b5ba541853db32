"""Programs that go wrong: each is the fault of its process or an error where it is written.

Control sent outside the program is the platform's bad-address fault, never a
crash of the simulator; operands of the wrong kind or naming the wrong kind of
constant are refused when the program is linked, with their location; sizes
the assembler reads have bounds (docs/limits.md); words are 64 bits, so
arithmetic cannot grow without end; a process table too small for a
platform's own boot is named as such.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from osmodel.kernel.asm import MAX_DATA_WORDS, MAX_INSTRUCTIONS, MAX_PAGES, MAX_STRING, parse
from osmodel.kernel.boot import boot
from osmodel.kernel.errors import Location, SourceError
from osmodel.kernel.isa import CORE_OPS, MAX_FILE_WORDS, wrap
from osmodel.kernel.link import Linker, OpSpec
from osmodel.kernel.machine import Limits, Machine
from osmodel.kernel.manager import make_plugin_manager
from osmodel.kernel.program import WORD_MAX, WORD_MIN, Instruction, Program
from osmodel.kernel.scenario import load_scenario
from osmodel.kernel.simulation import simulate
from osmodel.platforms.bare.platform import BarePlatform
from osmodel.platforms.unix import syscalls as unix_syscalls
from osmodel.platforms.unix.constants import MAX_MAP_COUNT
from osmodel.platforms.unix.constants import constants as unix_constants
from osmodel.platforms.windows import syscalls as windows_syscalls
from osmodel.platforms.windows.boot import kill_code
from osmodel.platforms.windows.constants import MAX_VIEWS
from osmodel.platforms.windows.constants import constants as windows_constants

PLATFORMS = ("unix", "windows", "bare")


#: The line of a scenario_text where the first program's code starts (with no ``extra``).
LINE = 6


def scenario_text(platform: str, programs: dict[str, str], *, start: tuple[str, ...] = ("main",),
                  extra: str = "") -> str:
    parts = [f'[scenario]\nplatform = "{platform}"\n{extra}']
    for name, code in programs.items():
        parts.append(f'[programs.{name}]\ncode = """\n{code}\n"""\n')
    for name in start:
        parts.append(f'[[timeline]]\nat = 0\nuser = "{name}"\n')
    return "\n".join(parts)


def cli_run(tmp_path: Path, text: str, *args: str) -> Any:
    path = tmp_path / "s.toml"
    path.write_text(text)
    return run_cli("run", str(path), *args)


def processes(result: Any, name: str) -> list[dict[str, Any]]:
    return [p for p in result.json()["processes"] if p["name"] == name]


# --- 1. control outside the program ---------------------------------------------------------

#: How each platform ends a process that fetched from a bad address.
FATAL = {
    "unix": {"kind": "fatal", "code": 139, "signal": 11, "reason": "SIGSEGV"},
    "windows": {"kind": "fatal", "code": 0xC0000005, "signal": None,
                "reason": "EXCEPTION_ACCESS_VIOLATION (0xC0000005)"},
    "bare": {"kind": "fatal", "code": None, "signal": None, "reason": "bad_address"},
}


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("target", ["33", "-1", "-2", "4", "1000000000000"])
def test_a_return_outside_the_program_is_the_process_s_bad_address_fault(
        tmp_path: Path, platform: str, target: str) -> None:
    # "-1" once counted from the end (the exit), "33" raised IndexError in the CPU loop;
    # the code is push, ret and the fall-off exit, so 3 is the last address inside it
    text = scenario_text(platform, {"main": f"push {target}\nret",
                                    "after": 'cpu 5\nprint "still running"'},
                         start=("main", "after"))
    result = cli_run(tmp_path, text, "--format", "json")
    assert result.code == 0, result.stderr
    (main,) = processes(result, "main")
    assert main["exit"] == FATAL[platform]
    assert "still running" in [o["text"] for o in result.json()["output"]]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_return_into_the_program_still_goes_there(tmp_path: Path, platform: str) -> None:
    # the last address inside the code is the fall-off exit: a normal end
    code = 'push 2\nret\nprint "at 2"\npush 5\nret'
    result = cli_run(tmp_path, scenario_text(platform, {"main": code}), "--format", "json")
    (main,) = processes(result, "main")
    assert main["exit"]["kind"] == "normal"
    assert [o["text"] for o in result.json()["output"] if o["text"] == "at 2"] == ["at 2"]


def test_the_fault_trace_names_the_address_and_the_ret(tmp_path: Path) -> None:
    result = cli_run(tmp_path, scenario_text("bare", {"main": "nop\npush 33\nret"}))
    assert result.code == 0, result.stderr
    assert "fault fault=bad_address pc=2 address=33 write=no" in result.stdout


def test_a_unix_sigsegv_handler_catches_a_bad_return(tmp_path: Path) -> None:
    code = """
        signal SIGSEGV, handler
        push 33
        ret                 ; faults: the handler runs, its ret resumes after this
        print "resumed"
        exit 0
handler: print "caught SIGSEGV"
        ret"""
    result = cli_run(tmp_path, scenario_text("unix", {"main": code}), "--format", "json")
    (main,) = processes(result, "main")
    assert main["exit"]["kind"] == "normal"
    texts = [o["text"] for o in result.json()["output"]]
    assert texts.index("caught SIGSEGV") < texts.index("resumed")


def test_a_windows_try_block_catches_a_bad_return(tmp_path: Path) -> None:
    code = """
        try except
        push -1
        ret
        endtry
        ExitProcess 1
except: GetExceptionCode -> r1
        print "exception", r1
        ExitProcess 0"""
    result = cli_run(tmp_path, scenario_text("windows", {"main": code}), "--format", "json")
    (main,) = processes(result, "main")
    assert main["exit"]["kind"] == "normal"
    assert f"exception {0xC0000005}" in [o["text"] for o in result.json()["output"]]


def _linker(ops: dict[str, OpSpec] | None = None, constants: dict[str, int] | None = None,
            programs: dict[str, Program] | None = None, platform: str = "test") -> Linker:
    table = {spec.name: spec for spec in CORE_OPS} if ops is None else ops
    return Linker(table, constants or {}, programs or {}, platform=platform, equivalents={})


def test_a_hand_made_program_with_a_label_outside_its_code_is_refused() -> None:
    here = Location("p.osm", 3, 1)
    for index in (-1, 2):
        program = Program("p", (Instruction("jmp", parse("jmp x", "q").instructions[0].operands),),
                          labels={"x": index}, location=here)
        with pytest.raises(SourceError, match="label 'x' of program 'p' points outside") as info:
            _linker().check(program)
        assert info.value.location == here


# --- 2. operand kinds are checked when the program is linked ---------------------------------

def _tables() -> list[tuple[str, str, OpSpec]]:
    """(platform, the name programs write, spec) for every instruction of every platform."""
    bare = BarePlatform.syscalls(None)  # type: ignore[arg-type]
    return [(platform, name, spec) for platform, table in (
        ("core", {s.name: s for s in CORE_OPS}), ("unix", unix_syscalls.table()),
        ("windows", windows_syscalls.table()), ("bare", bare)) for name, spec in table.items()]


#: A correct operand of each kind (``h`` as a label, so no choice applies); the wrong one.
GOOD = {"v": "0", "n": "0", "c": "0", "r": "r1", "l": "here", "p": "main", "s": '"r"',
        "m": "[r1]", "h": "here", "t": "0"}
WRONG = {"v": '"text"', "n": '"text"', "c": '"text"', "r": "5", "l": "5", "p": "5", "s": "5",
         "m": '"text"', "h": '"text"', "t": "[r1]"}


@pytest.mark.parametrize(("platform", "name", "spec"), _tables(),
                         ids=lambda x: getattr(x, "name", x))
def test_every_operand_of_every_call_is_checked_at_load_time(platform: str, name: str,
                                                             spec: OpSpec) -> None:
    """Each operand position given the wrong kind of operand fails at link, where it is
    written (the Windows ``spawn main, "hello"`` passed and failed at run time)."""
    sig = [c for c in spec.operands.split(",") if c]
    if sig and sig[-1].endswith("*"):
        sig[-1] = "v" if sig[-1] == "*" else sig[-1][0]
        sig.append(sig[-1])  # a second variadic operand, checked as the first
    constants = {**unix_constants(), **windows_constants()}
    ops = {s.name: s for s in CORE_OPS} | {name: spec}
    for position, kind in enumerate(sig):
        operands = [GOOD[k[0]] for k in sig]
        operands[position] = WRONG[kind[0]]
        line = f"here: {name} " + ", ".join(operands)
        program = parse(line, "main", file="p.osm")
        column = len(f"here: {name} ") + len(", ".join(operands[:position])) + (
            2 if position else 0) + 1
        with pytest.raises(SourceError) as info:
            _linker(ops, constants, {"main": program}, platform).check(program)
        assert info.value.location == Location("p.osm", 1, column), (line, str(info.value))


def test_windows_spawn_with_a_string_fails_at_load_time_with_its_location(
        tmp_path: Path) -> None:
    result = cli_run(tmp_path, scenario_text("windows", {"main": 'spawn main, "hello"'}))
    assert result.code == 2
    assert f"s.toml:{LINE}:13: spawn needs a value here" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("platform", "line", "column", "message"), [
    ("unix", "kill 1, WNOHANG", 9, "WNOHANG is not a signal for kill"),
    ("unix", "kill 1, SIGFOO", 9, "unknown signal 'SIGFOO' on unix"),
    ("unix", "sigignore SIG_IGN", 11, "SIG_IGN is not a signal for sigignore"),
    ("unix", "signal SIGINT, 5", 16, "5 is not a handler for signal"),
    ("unix", "signal SIGINT, nowhere", 16, "unknown handler 'nowhere' on unix"),
    ("unix", "waitpid -1, WNOHANG|SIGCHLD -> r1", 21, "SIGCHLD is not a waitpid option"),
    ("unix", 'open "f", "x" -> r1', 11, '"x" is not a file mode for open'),
    ("windows", "CreateProcess main, FALSE, INFINITE -> r1", 28,
     "INFINITE is not a creation flag for CreateProcess"),
    ("windows", "CreateProcess main, INFINITE, 0 -> r1", 21, "INFINITE is not a boolean"),
    ("windows", "WaitForSingleObject r1, WAIT_TIMEOUT -> r2", 25,
     "WAIT_TIMEOUT is not a timeout for WaitForSingleObject"),
    ("windows", "OpenProcess THREAD_TERMINATE, 4 -> r1", 13,
     "THREAD_TERMINATE is not a process access right"),
    ("windows", "SetConsoleCtrlHandler 5, TRUE -> r1", 23, "5 is not a handler"),
    ("windows", "GenerateConsoleCtrlEvent SIGINT, 0 -> r1", 26, "unknown console event 'SIGINT'"),
    ("windows", "MapViewOfFile r1, PROCESS_TERMINATE -> r2", 19,
     "PROCESS_TERMINATE is not a view access for MapViewOfFile"),
    ("windows", "DuplicateHandle -1, r1, -1, 0, TRUE -> r2", 32,
     "TRUE is not an option for DuplicateHandle"),
    ("windows", "SetInformationJobObject r1, PROCESS_TERMINATE -> r2", 29,
     "PROCESS_TERMINATE is not a job limit flag for SetInformationJobObject"),
    ("bare", 'open "f", "rwx" -> r1', 11, '"rwx" is not a file mode'),
])
def test_a_constant_of_the_wrong_kind_is_refused_where_it_is_written(
        tmp_path: Path, platform: str, line: str, column: int, message: str) -> None:
    result = cli_run(tmp_path, scenario_text(platform, {"main": line}))
    assert result.code == 2, result.stdout
    assert f"s.toml:{LINE}:{column}: {message}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("platform", "line"), [
    ("unix", "kill 1, SIGTERM|SIGINT"), ("unix", "kill 1, 99"), ("unix", "signal SIGINT, 1"),
    ("unix", "signal SIGINT, h\nh: ret"), ("unix", "waitpid -1, WNOHANG|WUNTRACED -> r1"),
    ("windows", "CreateProcess main, FALSE, CREATE_SUSPENDED|DETACHED_PROCESS -> r1, r2"),
    ("windows", "SetConsoleCtrlHandler NULL, TRUE -> r1"),
    ("windows", "OpenProcess PROCESS_TERMINATE|SYNCHRONIZE, 4 -> r1"),
    ("windows", "DuplicateHandle -1, r1, -1, EVENT_MODIFY_STATE, DUPLICATE_SAME_ACCESS -> r2"),
    ("bare", 'open "f", "rw" -> r1'),
])
def test_constants_of_the_right_kind_and_numbers_still_link(platform: str, line: str) -> None:
    pm = make_plugin_manager(autoload=False)
    program = parse(line, "main")
    kernel = boot(Machine(), platform, pm, programs={"main": program})
    kernel.close()


# --- 3. signal names -----------------------------------------------------------------------

def test_a_windows_kill_with_an_unknown_signal_name_is_an_error_as_on_unix(
        tmp_path: Path) -> None:
    text = scenario_text("windows", {"main": "sleep 10"}) + (
        '[[timeline]]\nat = 1\nkill = "main"\nsignal = "SIGNOPE"\n')
    result = cli_run(tmp_path, text)
    assert result.code == 2
    assert "unknown signal 'SIGNOPE'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("signal", "code", "noted"), [
    (None, 1, False), ("7", 7, False), ("0x10", 16, False), ("SIGTERM", 1, True),
    ("term", 1, True)])
def test_a_windows_kill_takes_an_exit_code_or_a_unix_signal_name(
        signal: str | None, code: int, noted: bool) -> None:
    got, note = kill_code(signal)
    assert (got, note is not None) == (code, noted)


# --- 4. sizes the assembler reads ----------------------------------------------------------

@pytest.mark.parametrize(("text", "column", "message"), [
    ("data b[1000000000000]", 8, "variable 'b' of 1000000000000 words makes"),
    (f"data a[{MAX_DATA_WORDS}]\ndata b = 1", 6, "variable 'b' of 1 words makes"),
    (f"data a[{MAX_DATA_WORDS}]\nstore c, 1", 7, "variable 'c' of 1 words makes"),
    (f"pages {MAX_PAGES + 1}", 7, f"{MAX_PAGES + 1} pages is too many"),
    ('print "' + "x" * (MAX_STRING + 1) + '"', 7, f"string of {MAX_STRING + 1} characters"),
    ("mov " + "9" * 5000 + " -> r1", 5, "number 99999999999999999999... is too large"),
    ("mov 0x" + "f" * 100 + " -> r1", 5, "is too large"),
    ("mov r" + "1" * 5000 + " -> r1", 5, "no register r1111111111111111111..."),
])
def test_sizes_past_their_bound_are_errors_where_they_are_written(
        text: str, column: int, message: str) -> None:
    with pytest.raises(SourceError) as info:
        parse(text, "m", file="m.osm")
    error = info.value
    assert message in error.message
    assert (error.location.line, error.location.column) == (text.count("\n") + 1, column)
    assert len(str(error)) < 400  # quotes at most the token


def test_sizes_at_their_bound_are_accepted() -> None:
    parse(f"data a[{MAX_DATA_WORDS - 1}]\ndata b = 1", "m")
    parse(f"pages {MAX_PAGES}", "m")
    parse('print "' + "x" * MAX_STRING + '"', "m")
    parse("mov 0x" + "0" * 200 + "1 -> r1", "m")  # leading zeros are no size
    assert len(parse("nop\n" * MAX_INSTRUCTIONS, "m").instructions) == MAX_INSTRUCTIONS
    with pytest.raises(SourceError, match=f"more than {MAX_INSTRUCTIONS} instructions") as info:
        parse("nop\n" * (MAX_INSTRUCTIONS + 1), "m")
    assert info.value.location.line == MAX_INSTRUCTIONS + 1


def test_a_huge_array_in_a_scenario_is_an_error_not_a_memory_error(tmp_path: Path) -> None:
    result = cli_run(tmp_path, scenario_text("bare", {"main": "data b[1000000000000]"}))
    assert result.code == 2
    assert f"s.toml:{LINE}:8: variable 'b' of 1000000000000 words" in result.stderr


@pytest.mark.parametrize(("line", "column"), [
    (f"mov {WORD_MAX + 1} -> r1", 5), (f"mov -{-WORD_MIN + 1} -> r1", 5),
    (f"load [r1+{WORD_MAX + 1}] -> r2", 6), (f"kill 1, 1|{WORD_MAX + 1}", 11)])
def test_a_literal_that_does_not_fit_in_a_word_fails_at_load(
        tmp_path: Path, line: str, column: int) -> None:
    result = cli_run(tmp_path, scenario_text("unix", {"main": line}))
    assert result.code == 2
    assert f"s.toml:{LINE}:{column}: number" in result.stderr
    assert "does not fit in a word" in result.stderr


def test_initial_data_that_does_not_fit_in_a_word_fails_at_load(tmp_path: Path) -> None:
    result = cli_run(tmp_path, scenario_text("bare", {"main": f"data x = 1, {WORD_MAX + 1}"}))
    assert result.code == 2
    assert "variable 'x' of program 'main': number" in result.stderr


def test_words_wrap_so_squaring_in_a_loop_stays_small(tmp_path: Path) -> None:
    """64-bit two's complement: without it 20 squarings make a million-bit number (200 would
    need more memory than there is), and printing it fails."""
    code = """
        mov 3 -> r1
        mov 20 -> r2
loop:   mul r1, r1 -> r1
        sub r2, 1 -> r2
        jnz r2, loop
        print r1
        mov 9223372036854775807 -> r3
        add r3, 1 -> r3
        div r3, -1 -> r4
        print r3, r4"""
    result = cli_run(tmp_path, scenario_text("bare", {"main": code}), "--format", "json")
    expected = 3
    for _ in range(20):
        expected = wrap(expected * expected)
    assert [o["text"] for o in result.json()["output"]] == [str(expected),
                                                            f"{WORD_MIN} {WORD_MIN}"]


def test_wrap_is_twos_complement() -> None:
    assert [wrap(v) for v in (WORD_MAX + 1, WORD_MIN - 1, 1 << 64, -(1 << 64) - 5, 7)] == [
        WORD_MIN, WORD_MAX, 0, -5, 7]


@pytest.mark.parametrize(("platform", "error"), [("unix", 22), ("windows", 87), ("bare", 1)])
def test_a_write_past_the_file_size_bound_fails_instead_of_filling_memory(
        tmp_path: Path, platform: str, error: int) -> None:
    code = f"""
        open "f", "w" -> r1
        seek r1, 1000000000000
        write r1, 5 -> r2
        errno -> r3
        seek r1, {MAX_FILE_WORDS - 1}
        write r1, 6 -> r4
        write r1, 7 -> r5
        print r2, r3, r4, r5"""
    result = cli_run(tmp_path, scenario_text(platform, {"main": code}), "--format", "json")
    assert f"-1 {error} 1 -1" in [o["text"] for o in result.json()["output"]]


@pytest.mark.parametrize(("platform", "setup", "call", "limit", "error"), [
    ("unix", "", "mmap_private 1 -> r1", MAX_MAP_COUNT, 12),
    ("windows", 'CreateFileMapping "", 1 -> r4', "MapViewOfFile r4, FILE_MAP_WRITE -> r1",
     MAX_VIEWS, 8)])
def test_mappings_are_bounded_so_a_loop_of_them_stays_fast(
        tmp_path: Path, platform: str, setup: str, call: str, limit: int, error: int) -> None:
    """Each new mapping scans the old ones: 20,000 of them once took minutes."""
    code = f"""
        {setup}
        mov 5000 -> r5
        mov 0 -> r6
loop:   {call}
        jle r1, 0, failed
        add r6, 1 -> r6
failed: sub r5, 1 -> r5
        jnz r5, loop
        errno -> r2
        print r6, r2"""
    result = cli_run(tmp_path, scenario_text(platform, {"main": code}), "--format", "json")
    # the program's text, data and stack are three of the mappings
    assert f"{limit - 3} {error}" in [o["text"] for o in result.json()["output"]]


# --- 5. a process table too small for the boot ----------------------------------------------

@pytest.mark.parametrize(("platform", "needed"), [("unix", 4), ("windows", 13)])
def test_a_process_limit_below_the_boot_s_own_is_named(
        tmp_path: Path, platform: str, needed: int) -> None:
    extra = f"[machine.limits]\nprocesses = {needed - 1}\n"
    result = cli_run(tmp_path, scenario_text(platform, {"main": "nop"}, extra=extra))
    assert result.code == 2
    assert (f"[machine.limits] processes = {needed - 1} is too small for {platform}: its boot "
            f"creates {needed} processes") in result.stderr
    assert "plugin" not in result.stderr
    with pytest.raises(SourceError) as error:  # at the value in the file
        simulate(load_scenario_text(tmp_path, platform, needed - 1))
    assert error.value.message.startswith(f"[machine.limits] processes = {needed - 1} ")
    simulate(load_scenario_text(tmp_path, platform, needed))  # exactly enough boots


def test_bare_boots_with_a_table_of_one() -> None:
    pm = make_plugin_manager(autoload=False)
    kernel = boot(Machine(limits=Limits(processes=1)), "bare", pm, programs={})
    kernel.close()


def load_scenario_text(tmp_path: Path, platform: str, processes: int) -> Any:
    extra = f"[machine.limits]\nprocesses = {processes}\n"
    path = tmp_path / f"limit{processes}.toml"
    path.write_text(scenario_text(platform, {"main": "nop"}, extra=extra))
    return load_scenario(path)


# --- negative numbers of ticks -------------------------------------------------------------


@pytest.mark.parametrize(("line", "column", "message"), [
    ("cpu -5", 5, "cpu takes a number of ticks, not -5"),
    ("sleep -1", 7, "sleep takes a number of ticks, not -1"),
    ('io -3, "disk"', 4, "io takes a number of ticks, not -3"),
])
def test_a_negative_number_of_ticks_is_refused_where_it_is_written(
        tmp_path: Path, line: str, column: int, message: str) -> None:
    result = cli_run(tmp_path, scenario_text("bare", {"main": line}))
    assert result.code == 2, result.stdout
    assert result.stderr == f"osmodel: error: {tmp_path / 's.toml'}:{LINE}:{column}: " \
                            f"{message} (expected 0 or more)\n"


def test_ticks_from_a_register_and_zero_still_run(tmp_path: Path) -> None:
    code = "cpu 0\nmov -4 -> r1\ncpu r1\nsleep r1\nio r1\nexit 0"
    result = cli_run(tmp_path, scenario_text("bare", {"main": code}), "--format", "json")
    (main,) = processes(result, "main")
    # mov, cpu 0 and cpu -4 (as 0), then a tick of sleep and io as documented
    assert main["exit"]["kind"] == "normal" and main["times"]["blocked"] == 2

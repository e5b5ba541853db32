"""Values that validate but would exhaust the host: every size and count has a bound, checked
where it is read, with the place (file:line:col) or the option's name, before anything grows.

Each case here once ran out of memory, hung or crashed with a traceback (issue 16).
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from scheduling.policy_harness import boot_toy

from osmodel.kernel import scenario as scenario_module
from osmodel.kernel.errors import ConfigError, Location, SourceError
from osmodel.kernel.machine import MAX_CPUS, MAX_FRAMES, MAX_PAGE_WORDS, MAX_TICKS
from osmodel.kernel.memory import initialised_frames
from osmodel.kernel.scenario import (
    MAX_FILE_WORDS,
    MAX_FILES,
    MAX_NESTING,
    MAX_PROGRAM_BYTES,
    MAX_PROGRAMS,
    MAX_SCENARIO_BYTES,
    MAX_TIMELINE,
    load_scenario,
    loads_scenario,
    unsafe_toml,
)
from osmodel.plugins.schedulers.options import MAX_BIG, MAX_LEVELS, OptionError

PROGRAM = '[programs.p]\ncode = "cpu 1"\n'
ENTRY = '[[timeline]]\nat = 0\nuser = "p"\n'


def error(text: str, base_dir: Path | None = None) -> SourceError:
    with pytest.raises(SourceError) as info:
        loads_scenario(text, source="s.toml", base_dir=base_dir)
    return info.value


def where(problem: SourceError) -> tuple[int, int]:
    return problem.location.line, problem.location.column


# -- the machine -----------------------------------------------------------------------------


def test_max_cpus_is_the_bound_the_file_applies() -> None:
    assert MAX_CPUS == 1024
    loads_scenario(f"[machine]\ncpus = {MAX_CPUS}\n" + PROGRAM)
    problem = error(f"[machine]\ncpus = {MAX_CPUS + 1}\n" + PROGRAM)
    assert where(problem) == (2, 8) and problem.expected == "an integer from 1 to 1024"


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("page_words", 1 << 40, "an integer from 1 to 4096"),
    ("frames", MAX_FRAMES + 1, "an integer from 1 to 1,048,576"),
    ("switch_cost", MAX_TICKS + 1, "an integer from 0 to 1,000,000,000,000"),
    ("io_issue_cost", MAX_TICKS + 1, "an integer from 0 to 1,000,000,000,000"),
    ("io_done_cost", 1 << 70, "an integer from 0 to 1,000,000,000,000"),
])
def test_machine_sizes_have_an_upper_bound(key: str, value: int, expected: str) -> None:
    problem = error(f"[machine]\n{key} = {value}\n" + PROGRAM)
    assert where(problem) == (2, len(key) + 4)
    assert f"invalid value {value} for {key!r} in [machine]" in problem.message
    assert problem.expected == expected


def test_frames_times_page_words_is_bounded_at_the_frames_value() -> None:
    loads_scenario(f"[machine]\nframes = {MAX_FRAMES}\npage_words = 16\n" + PROGRAM)
    loads_scenario(f"[machine]\npage_words = {MAX_PAGE_WORDS}\n" + PROGRAM)  # 4096 frames
    problem = error(f"[machine]\npage_words = {MAX_PAGE_WORDS}\nframes = 4097\n" + PROGRAM)
    assert where(problem) == (3, 10)
    assert problem.message == ("4097 frames of 4096 words are more memory than a machine may "
                               "have (16,777,216 words)")


def test_program_pages_are_bounded() -> None:
    problem = error(f'[programs.p]\ncode = "cpu 1"\npages = {MAX_FRAMES + 1}\n')
    assert where(problem) == (3, 9) and problem.expected == "an integer from 1 to 1,048,576"


def test_too_few_frames_for_initialised_data_points_at_the_program() -> None:
    text = ('[machine]\nframes = 2\npage_words = 4\n'
            "[programs.small]\ncode = 'data a = 1, 2, 3, 4, 5'\n"
            "[programs.big]\ncode = '''\ndata a = 1\ndata b[7]\ndata c = 9, 0, 0, 0, 7\n'''\n")
    problem = error(text)
    assert where(problem) == (6, 1)
    assert problem.message == ("program 'big' needs 3 frames for its initialised data, and "
                               "the machine has 2")
    assert problem.expected == "frames >= 3 in [machine], or less initialised data"
    loads_scenario(text.replace("frames = 2", "frames = 3"))


def test_initialised_frames_counts_the_pages_with_a_non_zero_word() -> None:
    data = {"a": (1,), "b": (0,) * 7, "c": (9,), "d": (), "e": (0, 5)}
    # non-zero words: a at 0, c at 8, e[1] at 11 (d takes word 9 all the same)
    assert initialised_frames(data, 2) == 3
    assert initialised_frames(data, 4) == 2
    assert initialised_frames(data, 16) == 1
    assert initialised_frames({"z": (0,) * 100}, 1) == 0


# -- the scheduler's options, from a file and from -o ----------------------------------------

TICKS = "1,000,000,000,000"
TOO_BIG: list[tuple[str, dict[str, Any], str]] = [
    ("mlfq", {"levels": 100_000_000}, "option 'levels' must be an integer from 1 to 64, "
                                      "not 100000000"),
    ("mlfq", {"quantum": MAX_TICKS + 1}, f"option 'quantum' must be an integer from 1 to {TICKS}"),
    ("mlfq", {"levels": 2, "allotment": [1, MAX_TICKS + 1]}, "option 'allotment' must be an "
                                                             f"integer from 1 to {TICKS} or"),
    ("mlfq", {"boost": MAX_TICKS + 1}, f"option 'boost' must be an integer from 0 to {TICKS}"),
    ("rr", {"quantum": 10**30}, f"option 'quantum' must be an integer from 0 to {TICKS}"),
    ("lottery", {"quantum": MAX_TICKS + 1}, "option 'quantum' must be an integer from 0 to"),
    ("stride", {"quantum": MAX_TICKS + 1}, "option 'quantum' must be an integer from 0 to"),
    ("stride", {"big": MAX_BIG + 1}, "option 'big' must be an integer from 1 to 1,000,000,000"),
    ("priority", {"aging": MAX_TICKS + 1}, "option 'aging' must be an integer from 0 to"),
    ("cfs", {"sched_latency": MAX_TICKS + 1}, "option 'sched_latency' must be an integer from"),
    ("cfs", {"min_granularity": MAX_TICKS + 1}, "option 'min_granularity' must be an integer"),
]


@pytest.mark.parametrize(("scheduler", "options", "message"), TOO_BIG,
                         ids=[f"{s}-{'-'.join(o)}" for s, o, _ in TOO_BIG])
def test_every_integer_option_has_an_upper_bound(scheduler: str, options: dict[str, Any],
                                                 message: str) -> None:
    with pytest.raises(OptionError) as info:
        boot_toy(scheduler, options)
    assert f"scheduler {scheduler!r}: {message}" in str(info.value)
    assert info.value.option == list(options)[-1] and info.value.scheduler == scheduler
    assert isinstance(info.value, ConfigError)


def test_the_largest_values_are_accepted() -> None:
    kernel = boot_toy("mlfq", {"levels": MAX_LEVELS, "quantum": MAX_TICKS, "boost": MAX_TICKS})
    assert len(kernel.scheduler.queues[0].levels) == MAX_LEVELS  # type: ignore[attr-defined]
    boot_toy("stride", {"big": MAX_BIG, "quantum": MAX_TICKS})


def test_an_option_error_quotes_only_the_start_of_a_long_value() -> None:
    with pytest.raises(OptionError) as info:
        boot_toy("mlfq", {"quantum": list(range(100_000))})
    assert str(info.value).endswith("not [0, 1, 2, 3, 4, 5, 6, 7, ...]")
    with pytest.raises(OptionError) as info:
        boot_toy("rr", {"x" * 1000: 1})
    assert len(str(info.value)) < 120
    assert info.value.option == "x" * 1000


def test_the_same_bound_and_message_from_a_file_and_from_the_command_line(
        tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[machine]\nscheduler = { name = "mlfq", levels = 100000000 }\n'
                    + PROGRAM + ENTRY, encoding="utf-8")
    from_file = run_cli("--platform", "bare", "run", str(path))
    from_option = run_cli("schedule", "--policy", "mlfq", "-O", "levels=100000000",
                          "--jobs", "3")
    message = ("scheduler 'mlfq': option 'levels' must be an integer "
               "from 1 to 64, not 100000000\n")
    # the file's error also says where the option was written
    assert (from_file.code, from_file.stderr) == (2, f"osmodel: error: {path}:2:39: {message}")
    assert (from_option.code, from_option.stderr) == (2, f"osmodel: error: {message}")


def test_scheduler_options_must_be_flat() -> None:
    # a table nested through dotted keys (no brackets) inside an array of the options
    deep = ".".join(["a"] * 3000)
    problem = error(f'[machine]\nscheduler = {{ name = "rr", q = [{{ {deep} = 1 }}] }}\n'
                    + PROGRAM)
    assert where(problem) == (2, 32)
    assert problem.expected == "an integer, number, boolean, string or array of those"
    error('[machine]\nscheduler = { name = "rr", q = [[1]] }\n' + PROGRAM)
    loads_scenario('[machine]\nscheduler = { name = "mlfq", quantum = [1, 2, 3] }\n' + PROGRAM)


# -- where boot's errors will point ----------------------------------------------------------


def test_the_scenario_records_where_platform_scheduler_and_options_are_written() -> None:
    text = ('[scenario]\nplatform = "unix"\n'
            '[machine]\nscheduler = { name = "mlfq", levels = 2, quantum = [1, 2] }\n' + PROGRAM)
    found = loads_scenario(text, source="s.toml").locations
    assert found == {
        "platform": Location("s.toml", 2, 12),
        "scheduler": Location("s.toml", 4, 22),
        "scheduler_options": Location("s.toml", 4, 13),
        "scheduler_options.levels": Location("s.toml", 4, 39),
        "scheduler_options.quantum": Location("s.toml", 4, 52),
    }
    table = loads_scenario('[machine.scheduler]\nname = "rr"\nquantum = 3\n' + PROGRAM,
                           source="s.toml").locations
    assert table == {"scheduler": Location("s.toml", 2, 8),
                     "scheduler_options": Location("s.toml", 1, 1),
                     "scheduler_options.quantum": Location("s.toml", 3, 11)}
    named = loads_scenario('[machine]\nscheduler = "cfs"\n' + PROGRAM, source="s.toml")
    assert named.locations == {"scheduler": Location("s.toml", 2, 13)}
    assert loads_scenario(PROGRAM).locations == {}


def test_locations_do_not_take_part_in_equality() -> None:
    one = loads_scenario('[machine]\nscheduler = "cfs"\n' + PROGRAM)
    two = loads_scenario('[machine]\n\n\nscheduler    =    "cfs"\n' + PROGRAM)
    assert one.locations != two.locations and one == two


# -- nesting and numbers, before tomllib sees them -------------------------------------------


@pytest.mark.parametrize("opening", ["[", "{a = "])
def test_nesting_deeper_than_the_bound_is_refused_where_it_goes_too_deep(opening: str) -> None:
    closing = "]" if opening == "[" else "}"
    problem = error("x = " + opening * 3000 + "1" + closing * 3000 + "\n" + PROGRAM)
    assert where(problem) == (1, 5 + MAX_NESTING * len(opening))
    assert problem.message == f"arrays and tables nested more than {MAX_NESTING} deep"


def test_nesting_up_to_the_bound_reaches_the_reader() -> None:
    text = "[machine]\nx = " + "[" * MAX_NESTING + "]" * MAX_NESTING + "\n" + PROGRAM
    assert "unknown key 'x' in [machine]" in error(text).message


def test_brackets_in_strings_and_comments_do_not_count() -> None:
    many = "[" * 100
    text = (f'[scenario]\ntitle = "{many}"  # {many}\ndescription = """\n{many}\n"""\n'
            f"[programs.p]\ncode = '''\n; {many}\ncpu 1\n'''\n")
    assert loads_scenario(text).title == many


def test_a_number_too_long_for_int_is_refused_with_its_place() -> None:
    problem = error("[scenario]\nseed = " + "9" * 5000 + "\n" + PROGRAM)
    assert where(problem) == (2, 8)
    assert problem.message == "a number of more than 100 digits"


@pytest.mark.parametrize(("text", "at"), [
    ("[scenario]\nseed = 9223372036854775808\n" + PROGRAM, (2, 8)),
    (PROGRAM + '[files]\n"f" = [1, -9223372036854775809]\n', (4, 11)),
    (PROGRAM + ENTRY + "args = [1180591620717411303424]\n", (6, 9)),
    (PROGRAM + '[[timeline]]\nat = 0\nkill = 9223372036854775808\n', (5, 8)),
    ("[machine.limits]\ntime = 9223372036854775808\n" + PROGRAM, (2, 8)),
])
def test_integers_are_64_bit(text: str, at: tuple[int, int]) -> None:
    problem = error(text)
    assert where(problem) == at
    assert problem.expected is not None and "2^63 - 1" in problem.expected


def test_unsafe_toml_is_linear_and_quiet_on_what_tomllib_will_reject() -> None:
    assert unsafe_toml('a = "unterminated [[[[' + "[" * 100) is None
    assert unsafe_toml("a = [" * 10 + "# " + "[" * 100) is None
    assert unsafe_toml("a = " + "[" * (MAX_NESTING + 1))[0] == 4 + MAX_NESTING  # type: ignore[index]
    assert unsafe_toml('a = """ ""\\"[[[[[[""""\nb = 1') is None


# -- counts: programs, files, words, timeline ------------------------------------------------


def test_program_count_is_bounded() -> None:
    text = "".join(f'[programs.p{i}]\ncode = "cpu 1"\n' for i in range(MAX_PROGRAMS + 1))
    problem = error(text)
    assert where(problem) == (2 * MAX_PROGRAMS + 1, 11)
    assert problem.expected == "at most 1000 programs"
    loads_scenario(text.rsplit("[programs.", 1)[0])


def test_files_and_their_words_are_bounded() -> None:
    files = "".join(f'"f{i}" = []\n' for i in range(MAX_FILES + 1))
    problem = error(PROGRAM + "[files]\n" + files)
    assert where(problem) == (4 + MAX_FILES, 1) and problem.expected == "at most 1000 files"
    words = error(PROGRAM + '[files]\n"f" = [' + "0," * (MAX_FILE_WORDS + 1) + "]\n")
    assert where(words) == (4, 7)
    assert words.expected == "an array of integers (at most 100,000 of them)"
    loads_scenario(PROGRAM + '[files]\n"f" = [' + "0," * MAX_FILE_WORDS + "]\n")


def test_timeline_length_is_bounded() -> None:
    entries = "timeline = [" + '{at = 0, user = "p"},' * (MAX_TIMELINE + 1) + "]\n"
    problem = error(entries + PROGRAM)
    assert where(problem) == (1, 13 + 21 * MAX_TIMELINE)
    assert problem.message == "the timeline has 10,001 entries, more than 10,000"


def test_argument_and_affinity_lists_are_counted_before_their_items() -> None:
    args = error(PROGRAM + ENTRY + "args = [" + '"x",' * 17 + "]\n")
    assert where(args) == (6, 8) and args.expected is not None
    assert "(at most 16 of them)" in args.expected
    cpus = error(PROGRAM + ENTRY + "cpus = [" + "0," * (MAX_CPUS + 1) + "]\n")
    assert where(cpus) == (6, 8)


def test_launch_values_are_bounded() -> None:
    assert "from 1 to 1,000,000" in str(error(PROGRAM + ENTRY + "tickets = 1000001\n"))
    assert f"from 0 to {TICKS}" in str(error(PROGRAM + ENTRY + f"length = {MAX_TICKS + 1}\n"))
    assert f"from 0 to {TICKS}" in str(error(PROGRAM + ENTRY.replace("0", str(10**13))))


# -- the files a scenario reads --------------------------------------------------------------


def test_a_scenario_is_read_only_up_to_its_bound(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text(PROGRAM + "#" * MAX_SCENARIO_BYTES + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as info:
        load_scenario(path)
    assert info.value.location == Location(str(path), 1, 1)
    assert info.value.message == "the scenario is larger than 1,048,576 bytes"
    with pytest.raises(SourceError):
        loads_scenario(PROGRAM + "#" * MAX_SCENARIO_BYTES)


def program_file(tmp_path: Path, target: str, *, extra: str = "") -> SourceError:
    text = f'[programs.m]\nfile = "{target}"\n' + extra
    return error(text, base_dir=tmp_path)


@pytest.mark.skipif(not os.path.exists(os.devnull) or sys.platform == "win32",
                    reason="needs a character device")
def test_a_device_is_refused_by_name_at_the_file_value(tmp_path: Path) -> None:
    problem = program_file(tmp_path, os.devnull)  # reading /dev/zero would never end
    assert where(problem) == (2, 8)
    assert problem.message == f"program file {os.devnull} is a character device, not a " \
                              "regular file"
    assert problem.expected == "a regular file"


def test_a_nul_in_the_file_name_is_an_error_at_the_value(tmp_path: Path) -> None:
    problem = program_file(tmp_path, "a\\u0000b")
    assert where(problem) == (2, 8) and "the name has a NUL character" in problem.message


def test_a_directory_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "progs").mkdir()
    problem = program_file(tmp_path, "progs")
    assert problem.message == f"program file {tmp_path / 'progs'} is a directory, not a " \
                              "regular file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    found: list[BaseException] = []
    reader = threading.Thread(target=lambda: found.append(program_file(tmp_path, "pipe")),
                              daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "opening the FIFO waits for a writer"
    assert "is a FIFO, not a regular file" in str(found[0])


def test_a_program_file_larger_than_the_bound_is_refused_unread(tmp_path: Path) -> None:
    (tmp_path / "big.osm").write_bytes(b"cpu 1\n" + b" " * MAX_PROGRAM_BYTES)
    problem = program_file(tmp_path, "big.osm")
    assert where(problem) == (2, 8)
    assert problem.message == f"program file {tmp_path / 'big.osm'} has more than " \
                              "1,048,576 bytes"


def test_the_program_files_of_a_scenario_are_bounded_together(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scenario_module, "MAX_PROGRAM_BYTES", 100)
    (tmp_path / "a.osm").write_text("cpu 1\n" + ";" * 60 + "\n", encoding="utf-8")
    text = '[programs.m]\nfile = "a.osm"\n[programs.n]\nfile = "a.osm"\n'
    problem = error(text, base_dir=tmp_path)
    assert where(problem) == (4, 8)
    assert problem.message.endswith("has more than 33 bytes, what is left for it")


def test_program_files_outside_the_scenario_directory_stay_allowed(tmp_path: Path) -> None:
    shared = tmp_path / "programs"
    shared.mkdir()
    (shared / "child.osm").write_text("cpu 1\r\nexit 0\r\n", encoding="utf-8")
    (tmp_path / "course").mkdir()
    loaded = loads_scenario('[programs.m]\nfile = "../programs/child.osm"\n',
                            base_dir=tmp_path / "course")
    assert [i.op for i in loaded.programs["m"].instructions] == ["cpu", "exit"]


def test_an_error_in_a_file_that_is_no_program_quotes_only_the_start_of_a_token(
        tmp_path: Path) -> None:
    secret = "s3cr3t-" * 30
    (tmp_path / "notes").write_text(f'"{secret}" and more\n', encoding="utf-8")
    problem = program_file(tmp_path, "notes")
    assert problem.location == Location(str(tmp_path / "notes"), 1, 1)
    assert secret not in str(problem) and secret[:30] in str(problem)
    assert len(problem.message) < 80

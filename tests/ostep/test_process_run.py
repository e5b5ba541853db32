"""``osmodel ostep process-run`` against the original's recorded answers.

data/process_run_expected.json holds, per case, the exact command line given
to process-run.py and what it printed (recorded by data/process_run_make.py
from the flags in data/process_run_cases.txt).  The expected numbers are read
from that text here: every state of every tick, the CPU and I/O columns and
the stats for ``-c``, the drawn programs for a question.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from osmodel.kernel.manager import make_plugin_manager
from osmodel.plugins.ostep.homework import HomeworkUsageError, simulator
from osmodel.plugins.ostep.process_run import SIMULATOR

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "process_run_expected.json").read_text())


def build(argv: list[str]) -> Any:
    return SIMULATOR.build(argv, make_plugin_manager(autoload=False))


def table_numbers(output: str) -> list[tuple[str, str]]:
    """The numbers of the original's ``-c`` table and ``-p`` stats, keyed as osmodel keys them."""
    lines = output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Time"))
    count = lines[header].count("PID:")
    out: list[tuple[str, str]] = []
    for line in lines[header + 1:]:
        if not line.strip() or line.startswith("Stats"):
            break
        tick = int(line[:3])
        cells = [line[4 + 14 * i:4 + 14 * (i + 1)].strip() for i in range(count + 2)]
        out += [(f"tick {tick} state P{i}", cells[i]) for i in range(count)]
        out += [(f"tick {tick} cpu", cells[count] or "0"),
                (f"tick {tick} ios", line[4 + 14 * (count + 1):].strip() or "0")]
    for line in lines:
        words = line.replace("(", "").replace("%)", "").split()
        if line.startswith("Stats: Total Time"):
            out.append(("total time", words[3]))
        elif line.startswith("Stats: CPU Busy"):
            out += [("cpu busy", words[3]), ("cpu busy percent", words[4])]
        elif line.startswith("Stats: IO Busy"):
            out += [("io busy", words[3]), ("io busy percent", words[4])]
    return out


def question_programs(output: str) -> list[list[str]]:
    programs: list[list[str]] = []
    for line in output.splitlines():
        if line.startswith("Process "):
            programs.append([])
        elif line.startswith("  ") and programs and not line.strip().startswith(("System",
                                                                                  "After")):
            programs[-1].append(line.strip())
    return programs


SOLVED = [case for case in CASES if "-c" in case["argv"] or "-cp" in case["argv"]]
QUESTIONS = [case for case in CASES if case not in SOLVED]


def test_the_recorded_cases_cover_enough_runs() -> None:
    assert len(SOLVED) >= 20 and len(QUESTIONS) >= 2
    assert all(case["status"] == 0 for case in CASES)


@pytest.mark.parametrize("recorded", SOLVED, ids=[case["command"] for case in SOLVED])
def test_the_answers_are_the_originals(recorded: dict[str, Any]) -> None:
    homework = build(recorded["argv"])
    assert homework.solve
    got = [(n.key, n.value) for n in homework.numbers]
    assert got == table_numbers(recorded["output"])
    assert homework.run is not None and homework.run.setup.policy == "cyclic"


@pytest.mark.parametrize("recorded", CASES, ids=[case["command"] for case in CASES])
def test_the_programs_are_the_originals(recorded: dict[str, Any]) -> None:
    # the -c runs print no programs; draw them again without -c
    argv = [a for a in recorded["argv"] if a not in ("-c", "-p", "-cp", "--printstats")]
    homework = build(argv)
    assert not homework.solve and homework.run is None and not homework.answers
    drawn = [p["instructions"] for p in homework.document["processes"]]
    if recorded in QUESTIONS:
        assert drawn == question_programs(recorded["output"])
    else:  # the table has one column per program, and the run used them all
        assert len(drawn) == recorded["output"].splitlines()[0].count("PID:")


def test_the_same_flags_give_the_same_homework() -> None:
    argv = ["-s", "5", "-l", "8:60,8:60", "-c", "-p"]
    first, second = build(argv), build(argv)
    assert first.numbers == second.numbers and first.answers == second.answers


def test_it_is_registered_under_its_name() -> None:
    assert simulator("process-run") is SIMULATOR
    assert "--processlist" in SIMULATOR.usage()


@pytest.mark.parametrize(("argv", "message"), [
    (["-x"], "no such option: -x"),
    (["-s"], "-s option requires 1 argument"),
    (["-s", "two", "-l", "1:1"], "invalid integer value: 'two'"),
    (["-L", "x"], "invalid integer value"),
    ([], "bad process ''"),
    (["-l", "3"], "bad process '3'"),
    (["-l", "3:x"], "bad process '3:x'"),
    (["-l", "3:50,"], "bad process ''"),
    (["-l", "1:50", "-S", "SWITCH_NEVER"], "SWITCH_ON_IO or SWITCH_ON_END"),
    (["-l", "1:50", "-I", "later"], "IO_RUN_LATER or"),
    (["-P", "c3,x2"], "bad instruction 'x2'"),
    (["-l", "3:50", "2"], "unexpected word '2' (only flags follow"),
    (["-P", "c,i"], "is not cN"),
    (["-P", "c3,,i"], "an empty instruction"),
    (["-l", "2:50", "-L", "-1"], "negative time"),
    (["-l", "3:0", "-L", "0", "-c"], "-L 0"),
    (["-l", "0:50,2:100", "-c"], "process 0 has no instructions"),
    (["-l", "2000000:50"], "more than 1,000,000 instructions"),
])
def test_bad_flags_are_usage_errors(argv: list[str], message: str) -> None:
    with pytest.raises(HomeworkUsageError, match=r"^ostep process-run: ") as error:
        build(argv)
    assert message in str(error.value)


def test_a_question_with_l_zero_is_still_printed() -> None:
    # the original prints the question for -L 0 and fails only when it runs
    homework = build(["-l", "3:0", "-L", "0"])
    assert homework.document["io_length"] == 0 and homework.run is None


def test_the_behaviour_names_are_read_in_any_case() -> None:
    lower = build(["-s", "2", "-l", "3:50,3:50", "-S", "switch_on_end", "-I",
                   "io_run_immediate", "-c"])
    upper = build(["-s", "2", "-l", "3:50,3:50", "-S", "SWITCH_ON_END", "-I",
                   "IO_RUN_IMMEDIATE", "-c"])
    assert lower.document["switch"] == "SWITCH_ON_END" and lower.numbers == upper.numbers


def test_the_document_is_json() -> None:
    homework = build(["-s", "4", "-l", "5:50,4:30", "-c", "-p"])
    assert json.loads(json.dumps(homework.document)) == homework.document
    assert homework.document["stats"]["total_time"] == len(homework.document["ticks"])

"""``osmodel ostep scheduler`` against the original's recorded answers, flag by flag."""

from __future__ import annotations

import re
from typing import Any

import pytest
from ostep.scheduling_cases import cases, numbered_lines

from osmodel.kernel.manager import make_plugin_manager
from osmodel.plugins.ostep.flags import integer
from osmodel.plugins.ostep.scheduler import SIMULATOR, random_lengths
from osmodel.testing import run_cli

CASES = cases("scheduler")
STATS = re.compile(r"Job +(\d+) -- Response: ([0-9.]+) +Turnaround ([0-9.]+) +Wait ([0-9.]+)")
AVERAGE = re.compile(r"Average -- Response: ([0-9.]+) +Turnaround ([0-9.]+) +Wait ([0-9.]+)")


def test_enough_recorded_runs() -> None:
    solved = [case for case in CASES if "-c" in case["argv"] or "-cs5" in case["argv"]]
    assert len(CASES) >= 20 and len(solved) >= 20
    assert all(case["status"] == 0 for case in CASES)
    assert {"-p", "-q", "-l", "-j", "-m", "-s"} <= {arg for case in CASES for arg in case["argv"]}


@pytest.mark.parametrize("recorded", CASES, ids=[case["command"] for case in CASES])
def test_the_same_numbers_line_by_line(recorded: dict[str, Any]) -> None:
    result = run_cli("ostep", "scheduler", *recorded["argv"])
    assert result.code == 0, result.stderr
    assert numbered_lines(result.stdout) == numbered_lines(recorded["stdout"])


def expected_numbers(stdout: str) -> dict[str, str]:
    """Each job's times and the averages, read from the original's output."""
    found = {}
    for job, *values in STATS.findall(stdout):
        for what, value in zip(("response", "turnaround", "wait"), values, strict=True):
            found[f"job {job} {what}"] = value
    for match in AVERAGE.finditer(stdout):
        for what, value in zip(("response", "turnaround", "wait"), match.groups(), strict=True):
            found[f"average {what}"] = value
    return found


@pytest.mark.parametrize("recorded", [case for case in CASES if "Solutions" in case["stdout"]],
                         ids=lambda recorded: recorded["command"])
def test_the_numbers_keys_name_the_originals_numbers(recorded: dict[str, Any]) -> None:
    homework = SIMULATOR.build(recorded["argv"], make_plugin_manager([], autoload=False))
    numbers = {number.key: number.value for number in homework.numbers}
    expected = expected_numbers(recorded["stdout"])
    assert expected and {key: numbers[key] for key in expected} == expected


def test_the_answers_come_from_the_engine_with_the_policy_asked_for() -> None:
    pm = make_plugin_manager([], autoload=False)
    homework = SIMULATOR.build(["-l", "2.5,3,1", "-p", "rr", "-q", "2", "-c"], pm)
    run = homework.run
    assert run.setup.policy == "rr"
    assert dict(run.setup.options) == {"quantum": 20}  # lengths and quantum scaled by 10
    assert [job.length for job in run.jobs] == [25, 30, 10]
    assert SIMULATOR.build(["-p", "Sjf", "-c"], pm).run.setup.policy == "sjf"
    assert SIMULATOR.build(["-s", "3"], pm).run is None  # a question only runs nothing


def test_random_lengths_are_the_homeworks() -> None:
    assert random_lengths(100, 3, 10) == [2, 5, 8]  # as the issue quotes scheduler.py -s 100
    assert random_lengths(0, 3, 0) == [1, 1, 1]


def test_integers_are_read_in_optparse_bases() -> None:
    assert [integer(text) for text in ("10", "010", "0x1F", "0b101", "-7", "0")] == \
        [10, 8, 31, 5, -7, 0]
    for bad in ("08", "abc", "", "1.5"):
        with pytest.raises(ValueError):
            integer(bad)


def test_same_flags_same_bytes() -> None:
    first = run_cli("ostep", "scheduler", "-s", "77", "-j", "6", "-p", "RR", "-q", "2", "-c")
    assert first.code == 0
    assert run_cli("ostep", "scheduler", "--seed=77", "--jobs=6", "--pol", "rr", "--quantum",
                   "2", "-c").stdout == first.stdout


def test_help_lists_every_flag_with_its_default_and_the_differences() -> None:
    for spelled in (["-h"], ["--help"], ["-s", "3", "-h"]):
        result = run_cli("ostep", "scheduler", *spelled)
        assert result.code == 0
        text = result.stdout
        for flag in ("-s SEED, --seed=SEED", "-j JOBS, --jobs=JOBS", "-l JLIST, --jlist=JLIST",
                     "-m MAXLEN, --maxlen=MAXLEN", "-p POLICY, --policy=POLICY",
                     "-q QUANTUM, --quantum=QUANTUM", "-c "):
            assert flag in text
        assert "(default 3)" in text and "(default 'FIFO')" in text and "(default 10)" in text
        assert text.rstrip().splitlines()[-1].startswith("    ") or "differs" in text
        assert "where osmodel differs from the original:" in text


@pytest.mark.parametrize(("argv", "message"), [
    (["-p", "XYZ"], "-p 'XYZ' is not a policy here"),
    (["-p", "RR", "-q", "0", "-c"], "-q 0: the time slice must be at least 1"),
    (["-j", "0", "-c"], "-j 0: the number of jobs must be from 1"),
    (["-m", "-1"], "-m -1: the longest job must be at least 0"),
    (["-l", "3,0,2"], "-l: item 2 is 0; a job's length must be above 0"),
    (["-l", "3,,2"], "-l: item 2 is '', not a number"),
    (["-l", "abc"], "-l: item 1 is 'abc', not a number"),
    (["-l", "inf"], "not a number"),
    (["-x"], "no such flag -x"),
    (["--colour"], "no such flag --colour"),
    (["--j", "3"], "flag --j is ambiguous: --jlist, --jobs"),
    (["-s"], "flag -s needs a value"),
    (["--seed"], "flag --seed needs a value"),
    (["-s", "ten"], "flag -s takes a whole number, not 'ten'"),
    (["-c", "5"], "unexpected word '5'"),
    (["-c", "--", "-s"], "unexpected word '-s'"),
    (["-ch"], "-ch asks for help: write -h on its own"),
    (["-l", "1e300"], "the jobs ask for"),
    (["-l", "1.00000000001"], "more than ten decimals"),
])
def test_bad_flags_are_one_line_and_exit_2(argv: list[str], message: str) -> None:
    result = run_cli("ostep", "scheduler", *argv)
    assert result.code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("osmodel: error: ostep scheduler: ")
    assert message in lines[0]

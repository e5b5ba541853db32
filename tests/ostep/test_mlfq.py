"""``osmodel ostep mlfq`` against the original's recorded answers.

data/mlfq_expected.json holds, per case, the exact command line given to
mlfq.py and what it printed (recorded by data/mlfq_make.py from the flags in
data/mlfq_cases.txt).  The expected numbers are read from that text here:
the job list of the question, the final statistics of ``-c``, and, tick by
tick, which job the trace ran, compared with the slices of osmodel's run.

Many of the runs have a job whose quantum ends at the very tick it issues an
I/O (an I/O frequency that divides the quantum, say): the original starts
that I/O at once, and so must osmodel (`coincides` finds those runs).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from osmodel.kernel.manager import make_plugin_manager
from osmodel.plugins.ostep.homework import HomeworkUsageError, simulator
from osmodel.plugins.ostep.mlfq import SIMULATOR

DATA = Path(__file__).parent / "data"
CASES: list[dict[str, Any]] = json.loads((DATA / "mlfq_expected.json").read_text())


def build(argv: list[str]) -> Any:
    return SIMULATOR.build(argv, make_plugin_manager(autoload=False))


def final_numbers(output: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for job, start, response, turnaround in re.findall(
            r"Job +(\d+): startTime +(\d+) - response +(-?\d+) - turnaround +(\d+)", output):
        out += [(f"job {job} start", start), (f"job {job} response", response),
                (f"job {job} turnaround", turnaround)]
    averages = re.search(r"Avg .*response (\S+) - turnaround (\S+)", output)
    assert averages is not None
    return [*out, ("average response", averages.group(1)),
            ("average turnaround", averages.group(2))]


def ran_at(output: str) -> dict[int, int]:
    """Tick -> the job the original's trace ran in it."""
    return {int(t): int(j) for t, j in re.findall(r"\[ time (\d+) \] Run JOB (\d+)", output)}


def job_list(output: str) -> list[dict[str, int]]:
    return [{"job": int(j), "start": int(s), "run": int(r), "io_frequency": int(f)}
            for j, s, r, f in re.findall(
                r"Job +(\d+): startTime +(\d+) - runTime +(\d+) - ioFreq +(\d+)", output)]


def coincides(output: str) -> bool:
    """Whether the trace has a job issue an I/O at the tick its quantum runs out."""
    lines = output.splitlines()
    return any(line.startswith("[ time") and "IO_START" in line and "TICKS 0 " in lines[i - 1]
               for i, line in enumerate(lines) if i)


SOLVED = [case for case in CASES if "-c" in case["argv"]]
QUESTIONS = [case for case in CASES if case not in SOLVED]


IDS = [case["command"] for case in SOLVED]


def test_the_recorded_cases_cover_enough_runs() -> None:
    assert len(SOLVED) >= 20 and len(QUESTIONS) >= 2
    assert all(case["status"] == 0 for case in CASES)
    # an I/O issued as a quantum ends: in runs of many kinds, -S, -I and -l included
    coinciding = [case["argv"] for case in SOLVED if coincides(case["output"])]
    assert len(coinciding) >= 10
    assert any("-S" in argv or "--stay" in argv for argv in coinciding)
    assert any("-I" in argv or "--iobump" in argv for argv in coinciding)
    assert any(argv[:1] == ["-l"] for argv in coinciding)


def test_coincides_sees_an_io_issued_as_the_quantum_ends() -> None:
    ends = "[ time 9 ] Run JOB 0 at PRIORITY 2 [ TICKS 0 ALLOT 0 TIME 5 (of 10) ]"
    runs_on = "[ time 9 ] Run JOB 0 at PRIORITY 2 [ TICKS 3 ALLOT 0 TIME 5 (of 10) ]"
    start = "[ time 10 ] IO_START by JOB 0"
    assert coincides(f"{ends}\n{start}")
    assert not coincides(f"{runs_on}\n{start}")
    assert not coincides(f"{ends}\n[ time 10 ] Run JOB 1 at PRIORITY 2")


@pytest.mark.parametrize("recorded", SOLVED, ids=IDS)
def test_the_answers_are_the_originals(recorded: dict[str, Any]) -> None:
    homework = build(recorded["argv"])
    assert [(n.key, n.value) for n in homework.numbers] == final_numbers(recorded["output"])


@pytest.mark.parametrize("recorded", SOLVED, ids=IDS)
def test_each_tick_runs_the_job_the_original_ran(recorded: dict[str, Any]) -> None:
    outcome = build(recorded["argv"]).run
    ours = {t: s.job for s in outcome.slices if s.job is not None for t in range(s.start, s.end)}
    assert ours == ran_at(recorded["output"])


@pytest.mark.parametrize("recorded", CASES, ids=[case["command"] for case in CASES])
def test_the_jobs_are_the_originals(recorded: dict[str, Any]) -> None:
    homework = build([a for a in recorded["argv"] if a != "-c"])
    assert not homework.solve and homework.run is None and not homework.answers
    assert homework.document["jobs"] == job_list(recorded["output"])


def test_the_homework_maps_onto_the_policy_options() -> None:
    homework = build(["-Q", "5,10,20", "-A", "1,2,0", "-B", "30", "-S", "-I", "-l",
                      "0,40,7", "-c"])
    options = dict(homework.run.setup.options)
    assert options["levels"] == 3 and options["quantum"] == [5, 10, 20]
    assert options["allotment"][:2] == [5, 20] and options["allotment"][2] >= 10**9
    assert options["boost"] == 30 and options["io_bump"] and options["io_resets_allotment"]
    assert homework.run.setup.io_issue_cost == homework.run.setup.io_done_cost == 0
    assert homework.document["results"][0]["turnaround"] == 40 + 5 * 5


def test_it_is_registered_under_its_name() -> None:
    assert simulator("mlfq") is SIMULATOR
    assert "--allotmentList" in SIMULATOR.usage()


@pytest.mark.parametrize(("argv", "message"), [
    (["-x"], "no such option: -x"),
    (["--quan", "4"], "ambiguous option: --quan"),
    (["-q"], "-q option requires 1 argument"),
    (["-n", "three"], "invalid integer value: 'three'"),
    (["-n", "0"], "at least one queue"),
    (["-n", "65"], "at most 64"),
    (["-Q", "5,,20"], "-Q '5,,20'"),
    (["-Q", "5,10", "-A", "1"], "1 allotments for 2 queues"),
    (["-Q", "5,10", "-A", "0,1"], "must be positive"),
    (["-l", "0,10"], "bad job '0,10'"),
    (["-l", "0,10,x"], "bad job '0,10,x'"),
    (["-j", "0"], "no jobs"),
    (["-l", "0,0,0", "-c"], "job 0 has run time 0"),
    (["-m", "0", "-c"], "run time 0"),
    (["-l", "-5,10,0", "-c"], "starts at -5"),
    (["-l", "0,10,2", "-i", "0", "-c"], "-i 0"),
    (["-q", "5", "7"], "unexpected word '7' (only flags follow"),
])
def test_bad_flags_are_usage_errors(argv: list[str], message: str) -> None:
    with pytest.raises(HomeworkUsageError, match=r"^ostep mlfq: ") as error:
        build(argv)
    assert message in str(error.value)


def test_a_question_the_original_cannot_answer_is_still_asked() -> None:
    # the original prints the question of a job of run time 0 and aborts only with -c
    homework = build(["-l", "0,0,0"])
    assert homework.document["jobs"][0]["run"] == 0 and not homework.answers


def test_the_document_is_json_and_the_same_flags_give_the_same_homework() -> None:
    argv = ["-s", "7", "-j", "4", "-B", "25", "-I", "-S", "-c"]
    first, second = build(argv), build(argv)
    assert first.numbers == second.numbers and first.answers == second.answers
    assert json.loads(json.dumps(first.document)) == first.document
    assert first.document["average"]["response"] == first.numbers[-2].value

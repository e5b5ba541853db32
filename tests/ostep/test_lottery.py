"""``osmodel ostep lottery`` against the original's recorded answers, and the policy's draw."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from ostep.scheduling_cases import cases, numbered_lines

from osmodel.kernel.manager import make_plugin_manager
from osmodel.plugins.ostep.lottery import SIMULATOR, random_jobs
from osmodel.plugins.schedule import engine
from osmodel.plugins.schedule.workload import Step, Workload, jobs_from
from osmodel.testing import run_cli

CASES = cases("lottery")
PICK = re.compile(r"Random (\d+) -> Winning ticket (\d+) \(of (\d+)\) -> Run (\d+)")
DONE = re.compile(r"--> JOB (\d+) DONE at time (\d+)")


def test_enough_recorded_runs() -> None:
    solved = [case for case in CASES if "Solutions" in case["stdout"]]
    assert len(CASES) >= 20 and len(solved) >= 20
    assert all(case["status"] == 0 for case in CASES)
    flags = {arg for case in CASES for arg in case["argv"]}
    assert {"-s", "-j", "-l", "-m", "-T", "-q", "-c"} <= flags


@pytest.mark.parametrize("recorded", CASES, ids=[case["command"] for case in CASES])
def test_the_same_numbers_line_by_line(recorded: dict[str, Any]) -> None:
    result = run_cli("ostep", "lottery", *recorded["argv"])
    assert result.code == 0, result.stderr
    assert numbered_lines(result.stdout) == numbered_lines(recorded["stdout"])


@pytest.mark.parametrize("recorded", [case for case in CASES if "Solutions" in case["stdout"]],
                         ids=lambda recorded: recorded["command"])
def test_the_numbers_keys_name_the_originals_winners(recorded: dict[str, Any]) -> None:
    homework = SIMULATOR.build(recorded["argv"], make_plugin_manager([], autoload=False))
    numbers = {number.key: number.value for number in homework.numbers}
    expected = {}
    for position, (r, ticket, total, job) in enumerate(PICK.findall(recorded["stdout"]), 1):
        expected |= {f"pick {position} random": r, f"pick {position} ticket": ticket,
                     f"pick {position} total": total, f"pick {position} job": job}
    expected |= {f"job {job} done": time for job, time in DONE.findall(recorded["stdout"])}
    assert expected and {key: numbers[key] for key in expected} == expected
    assert not any(key.startswith(f"pick {len(PICK.findall(recorded['stdout'])) + 1} ")
                   for key in numbers)


def test_random_jobs_draw_again_while_zero() -> None:
    jobs, draws = random_jobs(random.Random(1), 2, 4, 10)
    assert jobs == [(3, 7), (1, 4)]
    assert draws == 5  # one length of 0 drawn again


def homework_winners(lengths: list[int], tickets: list[int], seed: int, skip: int) -> list[int]:
    """The homework's rule, written out: draw, take it modulo the tickets of the jobs not
    done, walk the jobs in order; a quantum of 1."""
    rng = random.Random(seed)
    for _ in range(skip):
        rng.random()
    left = list(lengths)
    out = []
    while any(left):
        ticket = int(rng.random() * 1_000_001) % sum(t for t, n in zip(tickets, left,
                                                                        strict=True) if n)
        winner = next(job for job, (count, need) in enumerate(zip(tickets, left, strict=True))
                      if need and (ticket := ticket - count) < 0)
        out.append(winner)
        left[winner] -= 1
    return out


@pytest.mark.parametrize("seed", range(8))
def test_the_ostep_draw_of_the_policy_is_the_homeworks(seed: int) -> None:
    rng = random.Random(seed)
    lengths = [rng.randint(1, 6) for _ in range(rng.randint(2, 6))]
    tickets = [rng.randint(1, 300) for _ in lengths]
    skip = rng.randint(0, 5)
    workload = Workload(jobs_from([(Step("cpu", n),) for n in lengths], None,
                                  [("--tickets", "tickets", tickets)]))
    setup = engine.Setup("lottery", (("draw", "ostep"), ("skip", skip)), seed=seed)
    outcome = engine.run(make_plugin_manager([], autoload=False), workload, setup)
    ran = [piece.job for piece in outcome.slices for _ in range(piece.end - piece.start)
           if piece.job is not None]
    assert ran == homework_winners(lengths, tickets, seed, skip)


def test_the_default_draw_is_unchanged() -> None:
    """`osmodel schedule --policy lottery` keeps its winners (the same as before the option)."""
    result = run_cli("schedule", "--policy", "lottery", "--jobs", "3,4,5", "--tickets",
                     "10,20,30", "--seed", "1", "--solve")
    assert result.code == 0
    assert "run order: 0, 2, 1, 2, 0, 1, 0" in result.stdout
    ostep = run_cli("schedule", "--policy", "lottery", "--jobs", "3,4,5", "--tickets",
                    "10,20,30", "--seed", "1", "--solve", "-O", "draw=ostep")
    assert "run order: 0, 2, 1, 2, 0, 1, 0" not in ostep.stdout


@pytest.mark.parametrize(("option", "message"), [
    ("draw=fair", "option 'draw' must be one of 'uniform', 'ostep'"),
    ("skip=-1", "option 'skip' must be an integer from 0 to 10,000,000"),
    ("skip=10000001", "option 'skip' must be an integer from 0"),
])
def test_bad_draw_options(option: str, message: str) -> None:
    result = run_cli("schedule", "--policy", "lottery", "--jobs", "3,4", "-O", option)
    assert result.code == 2 and message in result.stderr


def test_the_answers_run_whole_quanta_on_the_engine() -> None:
    pm = make_plugin_manager([], autoload=False)
    homework = SIMULATOR.build(["-l", "5:10,3:20", "-q", "2", "-c"], pm)
    run = homework.run
    assert run.setup.policy == "lottery"
    assert dict(run.setup.options) == {"quantum": 2, "draw": "ostep", "skip": 0}
    assert [job.length for job in run.jobs] == [6, 4]  # 5 and 3 rounded up to quanta of 2
    assert SIMULATOR.build(["-s", "3"], pm).run is None


def test_help_lists_every_flag() -> None:
    result = run_cli("ostep", "lottery", "-h")
    assert result.code == 0
    for flag in ("-s SEED, --seed=SEED", "-j JOBS, --jobs=JOBS", "-l JLIST, --jlist=JLIST",
                 "-m MAXLEN, --maxlen=MAXLEN", "-T MAXTICKET, --maxticket=MAXTICKET",
                 "-q QUANTUM, --quantum=QUANTUM", "-c, --compute", "(default 100)"):
        assert flag in result.stdout
    assert "where osmodel differs from the original:" in result.stdout


@pytest.mark.parametrize(("argv", "message"), [
    (["-m", "1"], "-m 1: must be from 2"),
    (["-T", "0"], "-T 0: must be from 2"),
    (["-q", "0", "-c"], "-q 0: the time slice must be at least 1"),
    (["-j", "0"], "-j 0: the number of jobs must be from 1"),
    (["-l", "10"], "-l: item 1 is '10', not LENGTH:TICKETS"),
    (["-l", "10:5,a:b"], "-l: item 2 is 'a:b', not LENGTH:TICKETS"),
    (["-l", "10:0"], "a job needs a length and tickets of at least 1"),
    (["-l", "0:10"], "a job needs a length and tickets of at least 1"),
    (["-l", "5:2000000"], "at most 1,000,000 tickets a job"),
    (["-l", "2000000:1"], "add up to 2,000,000"),
    (["-j", "1000", "-m", "30"], "job states"),
    (["--compute=yes"], "flag --compute takes no value"),
    (["--max", "5"], "flag --max is ambiguous: --maxlen, --maxticket"),
    (["-T"], "flag -T needs a value"),
])
def test_bad_flags_are_one_line_and_exit_2(argv: list[str], message: str) -> None:
    result = run_cli("ostep", "lottery", *argv)
    assert result.code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("osmodel: error: ostep lottery: ")
    assert message in lines[0]

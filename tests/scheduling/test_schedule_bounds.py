"""``osmodel schedule`` bounds every size and count it reads before drawing or running anything:
each case here once hung, ran out of memory or ended in a traceback (issue 16)."""

from __future__ import annotations

import random
import re

import pytest
from conftest import run_cli

from osmodel.plugins.schedule.commands import policy_options
from osmodel.plugins.schedule.workload import (
    MAX_JOBS,
    MAX_TABLE_TICKS,
    WorkloadError,
    described_steps,
    numbers,
)

HUGE = "1" + "0" * 5000  # int() refuses it: a ValueError, once a traceback


def refused(*args: str) -> str:
    """The one line ``osmodel schedule ARGS`` prints on stderr, with status 2."""
    result = run_cli("schedule", *args)
    assert result.code == 2 and result.stdout == "", result.stdout
    assert len(result.stderr.splitlines()) == 1 or result.stderr.startswith("Usage:")
    return result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (("--policy", "mlfq", "-O", "levels=100000000", "--jobs", "3"),
     "scheduler 'mlfq': option 'levels' must be an integer from 1 to 64, not 100000000"),
    (("--policy", "rr", "--quantum", "1" + "0" * 30, "--jobs", "3"),
     "scheduler 'rr': option 'quantum' must be an integer from 0 to 1,000,000,000,000"),
    (("--process", "99999999:50"),
     "--process '99999999:50': more than 1,000,000 instructions"),
    (("--process", "600000:50", "--process", "600000:50"),
     "--process '600000:50': more than 400,000 instructions left of the 1,000,000 in all"),
    (("--process", "5:" + HUGE), "a percentage from 0 to 100, not 10000000000000000000"),
    (("--process", HUGE + ":50"), "more than 1,000,000 instructions"),
    (("--process", "c" + HUGE), "item 1 (c1000000000000000000) lasts more than 1,000,000 ticks"),
    (("--process", "c1,i99999999999"), "item 2 (i99999999999) lasts more than 1,000,000 ticks"),
    (("--jobs", HUGE), "--jobs: item 1 is 10000000000000000..., which is too large (each must "
                       "be at most 100,000,000)"),
    (("--jobs", "1,2", "--arrivals", "0," + HUGE), "--arrivals: item 2 is 10000000000000000..., "
                                                   "which is too large"),
    (("--jobs", "1", "--tickets", "1000001"), "--tickets: item 1 is 1000001, which is too large"),
    (("--jobs", "1," * MAX_JOBS + "1"), "--jobs has 100,001 items; at most 100,000 (one per job)"),
    (("--jobs", "3", "-O", "quantum=" + "[" * 3000),
     "-O quantum: arrays and tables nested more than 32 deep"),
    (("--jobs", "3", "-O", "quantum=" + HUGE), "-O quantum: a number of more than 100 digits"),
    (("--jobs", "3", "--seed", "1" + "0" * 30), "--seed must be a 64-bit integer"),
    (("--process", "c1,i9", "--arrivals", "2000000"),
     "the processes ran for 2,000,012 ticks (their I/O, arrivals and switches); the "
     "tick-by-tick table has at most 1,000,000 rows"),
])
def test_a_size_beyond_its_bound_is_one_line_naming_the_option(args: tuple[str, ...],
                                                               message: str) -> None:
    stderr = refused(*args)
    assert stderr.startswith("osmodel: error: ") and message in stderr, stderr


@pytest.mark.parametrize(("option", "value"), [
    ("--cpus", "1025"), ("--cpus", "99999999999999999999999"),
    ("--switch-cost", "1000000000001"), ("--io-length", "1000001"), ("--count", "100001"),
    ("--max-length", "100000001"), ("--max-arrival", "1000000000001"),
])
def test_numeric_options_have_an_upper_bound(option: str, value: str) -> None:
    extra = ("--process", "c1") if option == "--io-length" else \
        ("--seed", "1") if option.startswith(("--count", "--max")) else ("--jobs", "3")
    stderr = refused(*extra, option, value)
    assert f"Invalid value for '{option}'" in stderr and "is not in the range" in stderr


def test_the_instruction_budget_is_shared_by_the_processes_in_order() -> None:
    rng = random.Random(1)
    assert len(described_steps("3:100", rng, 5, most=3)) == 1
    with pytest.raises(WorkloadError, match="more than 2 instructions left"):
        described_steps("3:100", rng, 5, most=2)
    assert MAX_TABLE_TICKS == 1_000_000


def test_numbers_never_convert_a_long_item() -> None:
    with pytest.raises(WorkloadError, match=re.escape("item 1 is -1000000000000000..., which")):
        numbers("-" + HUGE, "--nice", minimum=-20, maximum=19)
    assert numbers("+007, 19", "--nice", minimum=-20, maximum=19) == (7, 19)


def test_many_policy_options_are_all_read() -> None:
    # 50,000 of them: a quadratic duplicate check would not finish
    pairs = [f"k{i}=1" for i in range(50_000)]
    assert len(policy_options(pairs)) == 50_000


def test_a_process_of_more_steps_than_a_program_holds_is_refused_by_name() -> None:
    from osmodel.kernel.asm import MAX_INSTRUCTIONS
    from osmodel.plugins.schedule.workload import WorkloadError, program_steps

    alternating = ",".join(["c1", "i1"] * (MAX_INSTRUCTIONS // 2))
    with pytest.raises(WorkloadError, match=r"^--process 'c1,i1,.*: 65,536 steps, more than"):
        program_steps(alternating)
    assert len(program_steps(",".join(["c1", "i1"] * 100))) == 200

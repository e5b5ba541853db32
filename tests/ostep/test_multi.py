"""``osmodel ostep multi``: the question (jobs, affinity, queues) against the original's output.

The recorded runs are in data/multi_expected.json, made by data/multi_make.py
from the flags in data/multi_cases.txt.  The answers are not built yet: -c and
the trace flags are refused (docs/ostep.md says so), which is tested too.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest

from osmodel.kernel.manager import make_plugin_manager
from osmodel.plugins.ostep.multi import SIMULATOR, dealt, random_jobs
from osmodel.plugins.schedule.cache import CpuCache
from osmodel.testing import run_cli

DATA = Path(__file__).parent / "data"
CASES: list[dict[str, Any]] = json.loads((DATA / "multi_expected.json").read_text())
JOB = re.compile(r"^Job name:(\S+) run_time:(-?\d+) working_set_size:(-?\d+)$", re.M)
PER_CPU = re.compile(r"^Scheduler CPU (\d+) queue: (\[.*\])$", re.M)
CENTRAL = re.compile(r"^Scheduler central queue: (\[.*\])$", re.M)


def test_enough_recorded_runs() -> None:
    assert len(CASES) >= 20
    assert all(case["status"] == 0 for case in CASES)
    used = {arg for case in CASES for arg in case["argv"]}
    assert {"-s", "-j", "-R", "-W", "-L", "-p", "-A", "-n", "-P", "-w", "-r", "-M",
            "-o", "-q"} <= used


@pytest.mark.parametrize("recorded", CASES, ids=[case["command"] for case in CASES])
def test_the_same_jobs_and_queues(recorded: dict[str, Any]) -> None:
    homework = SIMULATOR.build(recorded["argv"], make_plugin_manager())
    output = recorded["output"]
    expected_jobs = [(name, int(run), int(wset)) for name, run, wset in JOB.findall(output)]
    got = homework.document["jobs"]
    assert [(j["name"], j["run_time"], j["working_set"]) for j in got] == expected_jobs
    per_cpu = PER_CPU.findall(output)
    if per_cpu:
        expected_queues = [ast.literal_eval(queue) for _, queue in per_cpu]
    else:
        expected_queues = [ast.literal_eval(CENTRAL.findall(output)[0])]
    assert homework.document["queues"] == expected_queues
    # the question prints the same numbers in the same order
    numbers = [int(n) for line in homework.question if line.startswith("  job ")
               for n in re.findall(r"(?:run time|working set) (-?\d+)", line)]
    assert numbers == [n for _, run, wset in expected_jobs for n in (run, wset)]


def test_cli_prints_the_question() -> None:
    result = run_cli("ostep", "multi", "-L", "a:100:100,b:100:50", "-p", "-A", "a:1")
    assert result.code == 0, result.stderr
    assert "  job a: run time 100, working set 100, runs only on CPU 1" in result.stdout
    assert "  CPU 0 queue: b" in result.stdout and "  CPU 1 queue: a" in result.stdout


def test_random_jobs_are_multiples_of_ten_below_the_bounds() -> None:
    jobs = random_jobs(5, 200, 100, 200)
    assert all(run % 10 == 0 and 0 <= run < 100 for _, run, _ in jobs)
    assert all(wset % 10 == 0 and 0 <= wset < 200 for _, _, wset in jobs)
    assert jobs != random_jobs(6, 200, 100, 200)


def test_dealing_respects_affinity_and_goes_round_the_cpus() -> None:
    queues = dealt(["a", "b", "c", "d"], {"a": [1], "b": [1]}, 2)
    assert queues == [["c", "d"], ["a", "b"]]


@pytest.mark.parametrize("argv", [["-c"], ["-t"], ["-T"], ["-C"], ["-S"], ["-s", "3", "-ct"]])
def test_answers_are_refused_until_the_policy_exists(argv: list[str]) -> None:
    result = run_cli("ostep", "multi", *argv)
    assert result.code == 2
    assert "cannot answer this homework yet" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("argv", "words"), [
    (["-n", "0"], "-n 0"), (["-q", "0"], "-q 0"), (["-j", "0"], "-j 0"),
    (["-L", "a:1"], "bad job"), (["-L", "a:1:x"], "whole numbers"),
    (["-L", "a:1:1,a:2:2"], "twice"), (["-L", ":1:1"], "without spaces"),
    (["-A", "9:0"], "no job"), (["-A", "0:5"], "CPU 5"), (["-A", "0:"], "bad CPU"),
    (["-A", "0"], "bad affinity"), (["-x"], "no such flag"), (["word"], "unexpected word"),
])
def test_bad_flags_are_one_line_errors(argv: list[str], words: str) -> None:
    result = run_cli("ostep", "multi", *argv)
    assert result.code == 2, result.stdout
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_help_lists_every_flag_and_the_differences() -> None:
    result = run_cli("ostep", "multi", "-h")
    assert result.code == 0
    for spelling in ("--seed", "--job_num", "--max_run", "--max_wset", "--job_list",
                     "--per_cpu_queues", "--affinity", "--num_cpus", "--quantum",
                     "--peek_interval", "--warmup_time", "--warm_rate", "--cache_size",
                     "--rand_order", "--trace", "--trace_time_left", "--trace_cache",
                     "--trace_sched", "--compute"):
        assert spelling in result.stdout
    assert "where osmodel differs" in result.stdout


def test_long_flags_prefixes_and_json() -> None:
    short = run_cli("ostep", "--format", "json", "multi", "-s", "4", "-j", "5", "-p")
    long = run_cli("ostep", "--format", "json", "multi", "--seed=4", "--job_n", "5",
                   "--per_cpu")
    assert short.code == long.code == 0, short.stderr + long.stderr
    document = json.loads(short.stdout)
    assert document["homework"] == json.loads(long.stdout)["homework"]
    assert document["simulator"] == "multi" and document["seed"] == 4
    assert len(document["homework"]["queues"]) == 2


# ------------------------------------------------ the cache model against one-CPU traces

CACHE_CASES: list[dict[str, Any]] = json.loads((DATA / "multi_cache_expected.json").read_text())
ROW = re.compile(r"^ +(\d+) +(\S+) \[ *(\d+)\] cache\[(.*?)\]", re.M)


def one_cpu(jobs: list[tuple[str, int, int]], quantum: int, warmup: int, rate: int,
            size: int) -> list[tuple[int, str, int, str]]:
    """Round robin on one CPU, the cache deciding each tick's work: each tick's job, its
    time left and the cache's warm jobs, as the original's -T -C trace shows them."""
    sizes = {name: wset for name, _, wset in jobs}
    left = {name: run for name, run, _ in jobs}
    cache = CpuCache(sizes, size, warmup, rate)
    queue = [name for name, _, _ in jobs]
    current: str | None = None
    rows = []
    tick = done = 0
    while done < len(jobs):
        if tick % quantum == 0 and tick > 0 and current is not None:
            queue.append(current)
            current = None
        if current is None and queue:
            current = queue.pop(0)
            cache.arrive(current)
        if current is not None:
            left[current] = max(0, left[current] - cache.step(current))
            rows.append((tick, current, left[current],
                         "".join("w" if cache.warm(name) else " " for name in sizes)))
            if left[current] == 0:
                current, done = None, done + 1
        tick += 1
    return rows


def test_enough_cache_traces() -> None:
    assert len(CACHE_CASES) >= 20 and all(case["status"] == 0 for case in CACHE_CASES)
    assert {"-w", "-r", "-M", "-q"} <= {arg for case in CACHE_CASES for arg in case["argv"]}


@pytest.mark.parametrize("recorded", CACHE_CASES, ids=[c["command"] for c in CACHE_CASES])
def test_the_cache_model_ticks_as_the_original(recorded: dict[str, Any]) -> None:
    argv = recorded["argv"]
    value = {flag: argv[argv.index(flag) + 1] for flag in ("-L", "-q", "-w", "-r", "-M")}
    jobs = [(name, int(run), int(wset)) for name, run, wset in
            (item.split(":") for item in value["-L"].split(","))]
    expected = [(int(t), job, int(left), cache)
                for t, job, left, cache in ROW.findall(recorded["output"])]
    assert expected
    assert one_cpu(jobs, *(int(value[flag]) for flag in ("-q", "-w", "-r", "-M"))) == expected

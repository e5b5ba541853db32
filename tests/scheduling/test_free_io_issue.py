"""An I/O that costs no tick to issue, at the instant a quantum ends, is issued then.

With ``io_issue_cost = 0`` (how ``osmodel ostep mlfq`` runs, as OSTEP's
mlfq.py charges no tick for an I/O) a burst that ends with the slice is
followed at that very instant by the I/O: the process blocks with the
request in flight and its policy is told it blocked, not that its quantum
expired.  It is never queued with the request unmade, to issue it only when
it runs again.  ``osmodel schedule`` (issue cost 1) gives the same schedule
as its free twin: a job that issues at cost 1 after N ticks of computing runs
as one that computes N + 1 ticks and issues for free.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from conftest import run_cli
from scheduling.policy_harness import Workload as Toy
from scheduling.test_tick_table import traced_rows

from osmodel.kernel.manager import make_plugin_manager
from osmodel.plugins.schedule import engine
from osmodel.plugins.schedule.workload import Step, Workload, jobs_from, program_steps

PM = make_plugin_manager(autoload=False)
FREE = {"io_issue_cost": 0, "io_done_cost": 0}
Options = tuple[tuple[str, Any], ...]


def free_run(policy: str, options: Options, programs: list[str],
             arrivals: list[int] | None = None) -> engine.Outcome:
    steps = [program_steps(p) for p in programs]
    workload = Workload(jobs_from(steps, arrivals, io_costs=(0, 0)), mixed=True)
    return engine.run(PM, workload, engine.Setup(policy, options, **FREE))


@pytest.mark.parametrize("policy, options", [
    ("rr", (("quantum", 3),)),
    ("mlfq", (("levels", 1), ("quantum", 3))),
    ("mlfq", (("levels", 1), ("quantum", 3), ("settle_first", True))),
])
def test_the_quantum_ending_as_a_free_io_is_issued_blocks_the_job(
        policy: str, options: Options) -> None:
    # P0 computes 3 = its quantum, then the I/O of 4: blocked 3-7 while P1 runs 3-9;
    # P0 ends at 10.  Queued at 3 with the I/O unmade, it would issue it at 6 and end at 11
    outcome = free_run(policy, options, ["c3,i4,c1", "c6"])
    states = [tick.states[0] for tick in outcome.ticks]
    assert states == ["RUN:cpu"] * 3 + ["BLOCKED"] * 4 + ["READY"] * 2 + ["RUN:cpu"]
    assert [(job.first_run, job.finish, job.blocked) for job in outcome.jobs] == \
        [(0, 10, 4), (3, 9, 0)]
    assert [tick.io for tick in outcome.ticks][3:7] == [1] * 4


def stays_or_drops(allotment: int) -> Toy:
    """Two levels, quantum 4: A computes 4 and does an I/O of 2 as its quantum ends."""
    options = {"levels": 2, "quantum": 4, "allotment": allotment}
    return Toy("mlfq", options, **FREE).job("cpu 4\nio 2\ncpu 4\nexit 0").job(20).run()


def test_a_job_blocking_as_its_allotment_ends_comes_back_a_level_down() -> None:
    # A's one quantum is its allotment: it blocks at 4 and is moved down; back at 6 at
    # L1, it waits for B (L0, 4-8), which then drops behind it: A 8-12 at L1
    w = stays_or_drops(4)
    assert w.runs_of(0) == [(0, 0, 0), (8, 0, 1)]
    assert w.table()[0] == (0, 12)
    assert w.procs[0].acct.blocked == 2 and w.procs[0].acct.preemptions == 0


def test_a_job_blocking_with_allotment_left_keeps_its_level_and_a_fresh_quantum() -> None:
    # allotment 8: A blocks at 4 at L0 with 4 ticks of it left; back at 6 behind B, whose
    # quantum ends at 8: A 8-12 at L0, all 4 ticks in one quantum
    w = stays_or_drops(8)
    assert w.runs_of(0) == [(0, 0, 0), (8, 0, 0)]
    assert w.table()[0] == (0, 12)


def cli_ticks(*argv: str) -> list[list[str]]:
    return [row["states"] for row in run_cli("schedule", *argv, "--format", "json").json()["ticks"]]


def test_osmodel_schedule_blocks_a_job_whose_issue_tick_ends_its_quantum() -> None:
    # the command line's I/O costs a tick to issue: P0's third tick (the issue) ends its
    # quantum of 3, and the I/O runs 3-7 while P1 computes
    rows = cli_ticks("--policy", "mlfq", "--quantum", "3", "-O", "allotment=6",
                     "--process", "c2,i4,c1", "--process", "c6")
    assert [row[0] for row in rows][:8] == ["RUN:cpu", "RUN:cpu", "RUN:io", *["BLOCKED"] * 4,
                                             "READY"]
    assert [row[1] for row in rows][3:6] == ["RUN:cpu"] * 3


def free_twin(steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """The same job with a free issue: the issue tick becomes a tick of computing."""
    out: list[Step] = []
    for step in steps:
        if step.kind == "io":
            if out and out[-1].kind == "cpu":
                out[-1] = Step("cpu", out[-1].ticks + 1)
            else:
                out.append(Step("cpu", 1))
        out.append(step)
    return tuple(out)


def random_steps(rng: random.Random) -> tuple[Step, ...]:
    steps: list[Step] = []
    for _ in range(rng.randint(1, 6)):
        if (steps and steps[-1].kind == "cpu") or rng.random() < .4:
            steps.append(Step("io", rng.randint(1, 6)))
        else:
            steps.append(Step("cpu", rng.randint(1, 6)))
    return tuple(steps)


TWINS: list[tuple[str, Options]] = [
    ("rr", (("quantum", 2),)),
    ("rr", (("quantum", 3),)),
    ("fifo", ()),
    ("mlfq", (("quantum", 2), ("allotment", 4), ("settle_first", True))),
    ("mlfq", (("quantum", [2, 3, 4]), ("io_resets_allotment", True),
              ("stay_charges_quantum", True), ("settle_first", True))),
    ("mlfq", (("quantum", 3), ("io_bump", True), ("settle_first", True),
              ("boost", 12), ("boost_preempts", True))),
]


@pytest.mark.parametrize("policy, options", TWINS, ids=[f"{p}-{i}" for i, (p, _) in
                                                        enumerate(TWINS)])
def test_a_free_issue_after_one_more_tick_runs_as_an_issue_of_a_tick(
        policy: str, options: Options) -> None:
    rng = random.Random(f"twins-{policy}-{options}")
    coincided = 0
    for _ in range(40):
        programs = [random_steps(rng) for _ in range(rng.randint(1, 4))]
        arrivals = [rng.choice([0, 0, rng.randint(0, 12)]) for _ in programs]
        paid = Workload(jobs_from(programs, arrivals), mixed=True)
        twins = [free_twin(p) for p in programs]
        free = Workload(jobs_from(twins, arrivals, io_costs=(0, 1)), mixed=True)
        one = engine.run(PM, paid, engine.Setup(policy, options))
        other = engine.run(PM, free, engine.Setup(policy, options, io_issue_cost=0))
        assert other.jobs == one.jobs, (programs, arrivals)
        assert list(other.slices) == list(one.slices)
        # the free run's table from the run log equals the one read off its trace
        _, traced = traced_rows(free, engine.Setup(policy, options, io_issue_cost=0))
        assert list(other.ticks) == traced
        coincided += sum(1 for job in one.jobs if job.blocked) > 0
    assert coincided  # the workloads do block

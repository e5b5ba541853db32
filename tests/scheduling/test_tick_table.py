"""The tick table made from the run log equals the one read off a full trace.

`engine.run` builds a mixed workload's table from run-length records (who
ran, who was switched to, who was blocked, when), never from events.  Here
the same workload also runs with a trace recorder attached (which turns off
the fast-forward, so every slice is taken one by one) and the table is read
off the trace's state intervals, as the timeline view reads them: the two
must agree on every cell, count and flag, for random workloads under every
policy, with and without switch costs, on one CPU and on two.
"""

from __future__ import annotations

import random

import pytest

from osmodel.kernel.events import Recorder
from osmodel.kernel.manager import make_plugin_manager
from osmodel.plugins.schedule import engine
from osmodel.plugins.schedule.ticks import BLOCK, TickTable
from osmodel.plugins.schedule.workload import Step, Workload, jobs_from

PM = make_plugin_manager(autoload=False)

POLICIES: list[tuple[str, tuple[tuple[str, object], ...]]] = [
    ("cyclic", (("switch", "on-io"), ("io_done", "later"))),
    ("cyclic", (("switch", "on-end"), ("io_done", "immediate"))),
    ("fifo", ()),
    ("rr", (("quantum", 1),)),
    ("rr", (("quantum", 3),)),
    ("sjf", ()),
    ("stcf", ()),
    ("mlfq", (("quantum", 2), ("allotment", 4), ("boost", 20))),
    ("priority", (("preemptive", True),)),
]


def random_workload(rng: random.Random) -> Workload:
    programs = []
    for _ in range(rng.randint(1, 5)):
        steps = [Step(rng.choice(["cpu", "cpu", "io"]), rng.randint(1, 6))
                 for _ in range(rng.randint(1, 6))]
        merged: list[Step] = []
        for step in steps:
            if merged and step.kind == "cpu" == merged[-1].kind:
                merged[-1] = Step("cpu", merged[-1].ticks + step.ticks)
            else:
                merged.append(step)
        programs.append(tuple(merged))
    arrivals = [rng.choice([0, 0, rng.randint(0, 15)]) for _ in programs]
    priorities = [rng.randint(0, 3) for _ in programs]
    return Workload(jobs_from(programs, arrivals, [("--priorities", "priority", priorities)]),
                    mixed=True)


def traced_rows(workload: Workload, setup: engine.Setup) -> tuple[engine.Outcome, list[object]]:
    recorder = Recorder()
    outcome = engine.run(PM, workload, setup, sinks=[recorder])
    # jobs are created in the order they arrive (one time: their order), pid after pid
    order = sorted(workload.jobs, key=lambda job: (job.arrival, job.index))
    creates = [event.pid for event in recorder.events if event.kind == "create"]
    job_of = {pid: job.index for pid, job in zip(creates, order, strict=True)
              if pid is not None}
    costs = (setup.io_issue_cost, setup.io_done_cost)
    return outcome, list(engine.tick_table(recorder.events, outcome.elapsed, job_of, workload,
                                           costs))


@pytest.mark.parametrize("policy, options", POLICIES,
                         ids=[f"{p}-{i}" for i, (p, _) in enumerate(POLICIES)])
def test_the_table_from_the_run_log_equals_the_one_from_the_trace(
        policy: str, options: tuple[tuple[str, object], ...]) -> None:
    rng = random.Random(f"ticks-{policy}-{options}")
    for _ in range(25):
        workload = random_workload(rng)
        one_cpu = ("switch", "on-end") in options  # it models a CPU that waits
        setup = engine.Setup(policy, options, cpus=1 if one_cpu else rng.choice([1, 1, 2]),
                             switch_cost=rng.choice([0, 0, 1, 2]))
        outcome = engine.run(PM, workload, setup)
        traced, expected = traced_rows(workload, setup)
        assert isinstance(outcome.ticks, TickTable)
        assert list(outcome.ticks) == expected, (workload, setup)
        assert outcome.jobs == traced.jobs
        assert outcome.elapsed == traced.elapsed


def test_rows_are_read_by_index_and_slice_across_blocks() -> None:
    # 3 processes of 3,000 ticks each: the table spans more than two blocks
    programs = [(Step("cpu", 1000), Step("io", 3), Step("cpu", 1999))] * 3
    workload = Workload(jobs_from(programs, None), mixed=True)
    setup = engine.Setup("cyclic", (("switch", "on-io"), ("io_done", "later")))
    ticks = engine.run(PM, workload, setup).ticks
    rows = list(ticks)
    assert len(ticks) == len(rows) > 2 * BLOCK
    assert [ticks[i] for i in (0, BLOCK - 1, BLOCK, len(rows) - 1, -1)] == \
        [rows[i] for i in (0, BLOCK - 1, BLOCK, len(rows) - 1, -1)]
    assert ticks[BLOCK - 2:BLOCK + 2] == tuple(rows[BLOCK - 2:BLOCK + 2])
    assert ticks == tuple(rows)
    assert [row.tick for row in rows] == list(range(1, len(rows) + 1))
    with pytest.raises(IndexError):
        ticks[len(rows)]

"""The mlfq options that give OSTEP's simulator's rules (hand-computed traces).

io_bump (``-I``), stay_charges_quantum (``-S`` at a quantum's last tick),
settle_first (a job's own tick before the jobs that become ready at that
instant) and boost_preempts (the running job keeps its place at a boost and
gets a fresh quantum).  Each test also runs without the option, so it shows
what the option changes; the defaults are the ones tests/scheduling/test_mlfq.py
pins.  ``runs_of(job)`` lists (time, CPU, level) of every pick of the job.
"""

from __future__ import annotations

from typing import Any

import pytest
from scheduling.policy_harness import Workload

NO_IO_COST = {"io_issue_cost": 0, "io_done_cost": 0}


def back_from_io(**options: Any) -> Workload:
    """One level, quantum 4: A computes 1, an I/O of 3, 1 more; B and C compute 10."""
    return (Workload("mlfq", {"levels": 1, "quantum": 4, **options}, **NO_IO_COST)
            .job("cpu 1\nio 3\ncpu 1\nexit 0").job(10).job(10).run())


def test_io_bump_takes_the_cpu_from_a_job_of_the_same_level() -> None:
    # A 0-1, back at 4: it preempts B (4-5) and B, right behind it, finishes its quantum
    # 5-6; then C 6-10, B 10-14, C 14-18, B 18-20, C 20-22
    w = back_from_io(io_bump=True)
    assert w.runs_of(0) == [(0, 0, 0), (4, 0, 0)]
    assert w.runs_of(1) == [(1, 0, 0), (5, 0, 0), (10, 0, 0), (18, 0, 0)]
    assert w.table() == [(0, 5), (1, 20), (6, 22)]
    assert w.procs[1].acct.preemptions == 1
    # io_to_front only queues it first: B keeps the CPU till 5, then A 5-6
    front = back_from_io(io_to_front=True)
    assert front.table() == [(0, 6), (1, 20), (6, 22)]
    assert front.procs[1].acct.preemptions == 0


def test_jobs_bumped_at_one_instant_run_last_first_before_the_job_they_preempt() -> None:
    # A 0-1 and an I/O of 3, B 1-2 and an I/O of 2: both back at 4, A first, while C
    # runs (2-4).  Each goes to the front: B, A, then C with the rest of its quantum, as
    # OSTEP's simulator inserts each at the head: B 4-5, A 5-6, C 6-14.
    options = {"levels": 1, "quantum": 4, "io_bump": True, "settle_first": True}
    w = (Workload("mlfq", options, **NO_IO_COST).job("cpu 1\nio 3\ncpu 1\nexit 0")
         .job("cpu 1\nio 2\ncpu 1\nexit 0").job(10).run())
    assert w.order() == [0, 1, 2, 1, 0, 2]
    assert w.table() == [(0, 6), (1, 5), (2, 14)]
    assert w.procs[2].acct.preemptions == 1


def test_settle_first_lets_the_job_whose_quantum_ends_queue_before_one_back_from_io() -> None:
    # A 0-1 and an I/O of 4, back at 5 just as B's quantum (1-5) ends.  Settled first,
    # B joins the queue before A: C 5-9, B 9-13, A 13-15.  By default A is first: A 9-11.
    code = "cpu 1\nio 4\ncpu 2\nexit 0"
    settled = (Workload("mlfq", {"levels": 1, "quantum": 4, "settle_first": True},
                        **NO_IO_COST).job(code).job(10).job(10).run())
    assert settled.order() == [0, 1, 2, 1, 0, 2, 1, 2]
    assert settled.table() == [(0, 15), (1, 21), (5, 23)]
    plain = Workload("mlfq", {"levels": 1, "quantum": 4}, **NO_IO_COST).job(code).job(10)
    assert plain.job(10).run().table() == [(0, 11), (1, 21), (5, 23)]


def test_settle_first_lets_a_job_issue_its_io_before_an_arrival_preempts_it() -> None:
    # R computes 3 (0-2 at L0, then 2-3 at L1) and issues an I/O of 5 at 3, when N
    # arrives.  Settled first, the I/O starts at 3 (R back at 8, ends 9); by default N
    # preempts R first and its I/O starts only when R runs again, at 5 (R ends at 11).
    options = {"levels": 2, "quantum": 2}
    code = "cpu 3\nio 5\ncpu 1\nexit 0"
    settled = (Workload("mlfq", {**options, "settle_first": True}, **NO_IO_COST)
               .job(code).job(2, at=3).run())
    assert settled.table() == [(0, 9), (3, 5)]
    assert settled.runs_of(0) == [(0, 0, 0), (2, 0, 1), (8, 0, 1)]
    plain = Workload("mlfq", options, **NO_IO_COST).job(code).job(2, at=3).run()
    assert plain.table() == [(0, 11), (3, 5)]


def test_boost_preempts_gives_the_running_job_a_fresh_quantum_in_its_place() -> None:
    # two levels, quantum 10, boost every 15: A 0-10 drops to L1, B runs from 10.  At the
    # boost (15) B goes back to the head of the top queue, A (moved up) behind it, and B
    # runs a fresh quantum 15-25; A 25-30, and at 30 the same again for A: 30-40.
    options = {"levels": 2, "quantum": 10, "boost": 15}
    w = (Workload("mlfq", {**options, "boost_preempts": True, "settle_first": True})
         .job(40).job(40).run())
    assert w.runs_of(1)[:3] == [(10, 0, 0), (15, 0, 0), (40, 0, 0)]
    assert w.runs_of(0)[:3] == [(0, 0, 0), (25, 0, 0), (30, 0, 0)]
    # by default B keeps its old quantum, ending at 20, and A (boosted) runs 20-30
    plain = Workload("mlfq", options).job(40).job(40).run()
    assert plain.runs_of(1)[:2] == [(10, 0, 0), (30, 0, 0)]
    assert plain.runs_of(0)[:2] == [(0, 0, 0), (20, 0, 0)]


def stays(charges: bool) -> Workload:
    """Quantum and allotment 4: A computes 4 and does an I/O of 2 at its quantum's end."""
    options = {"levels": 2, "quantum": 4, "io_resets_allotment": True,
               "stay_charges_quantum": charges}
    return (Workload("mlfq", options, **NO_IO_COST)
            .job("cpu 4\nio 2\ncpu 4\nexit 0").job(20).run())


def test_a_job_that_blocks_as_its_quantum_ends_stays_on_top_with_io_resets() -> None:
    # A blocks at 4 with a fresh allotment at L0; back at 6 behind B (L0, 4-8): A 8-12
    w = stays(False)
    assert w.runs_of(0) == [(0, 0, 0), (8, 0, 0)]
    assert w.table()[0] == (0, 12)


def test_stay_charges_quantum_charges_that_last_quantum_to_the_fresh_allotment() -> None:
    # OSTEP's -S: the quantum A used up is charged to its fresh allotment, its only one,
    # so A moves down at 4; back at 6, it runs at L1 once B drops there too: A 8-12
    w = stays(True)
    assert w.runs_of(0) == [(0, 0, 0), (8, 0, 1)]
    assert w.table()[0] == (0, 12)


@pytest.mark.parametrize("option", ["io_bump", "stay_charges_quantum", "settle_first",
                                    "boost_preempts"])
def test_the_new_options_are_booleans(option: str) -> None:
    from osmodel.kernel.errors import ConfigError

    with pytest.raises(ConfigError, match=f"option '{option}' must be true or false"):
        Workload("mlfq", {option: 1}).job(3).run()

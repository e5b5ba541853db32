"""The priority policy: order, preemption, starvation and aging (hand-computed)."""

from __future__ import annotations

import pytest
from scheduling.policy_harness import Workload

# Silberschatz's priority example: (burst, priority), lower number = higher priority
TEXTBOOK = [(10, 3), (1, 1), (2, 4), (1, 5), (5, 2)]


def textbook(**options: object) -> Workload:
    w = Workload("priority", dict(options))
    for burst, priority in TEXTBOOK:
        w.job(burst, priority=priority)
    return w.run()


def test_textbook_example_lower_number_first() -> None:
    # Gantt: P2 0-1, P5 1-6, P1 6-16, P3 16-18, P4 18-19; average wait 8.2
    w = textbook()
    assert w.order() == [1, 4, 0, 2, 3]
    assert w.table() == [(6, 16), (0, 1), (16, 18), (18, 19), (1, 6)]
    assert w.averages()[2] == 8.2


def test_order_high_first_makes_a_higher_number_the_higher_priority() -> None:
    # P4 (5) 0-1, P3 (4) 1-3, P1 (3) 3-13, P5 (2) 13-18, P2 (1) 18-19
    w = textbook(order="high-first")
    assert w.order() == [3, 2, 0, 4, 1]
    assert w.table() == [(3, 13), (18, 19), (1, 3), (0, 1), (13, 18)]


def test_equal_priorities_run_in_arrival_order() -> None:
    w = Workload("priority").job(3, priority=2).job(3, priority=1).job(3, priority=2).run()
    assert w.order() == [1, 0, 2]


def preemption(preemptive: bool) -> Workload:
    # job 0 (10, priority 5) at 0; job 1 (2, priority 5) at 1; job 2 (3, priority 1) at 2
    return (Workload("priority", {"preemptive": preemptive})
            .job(10, priority=5).job(2, at=1, priority=5).job(3, at=2, priority=1).run())


def test_without_preemption_a_better_newcomer_waits() -> None:
    w = preemption(False)
    assert w.table() == [(0, 10), (13, 15), (10, 13)]


def test_preemptive_a_strictly_better_newcomer_takes_the_cpu() -> None:
    # job 1 (equal priority) waits; job 2 preempts job 0 at 2; job 0 goes back as a new
    # arrival behind job 1: job 2 2-5, job 1 5-7, job 0 7-15
    w = preemption(True)
    assert w.order() == [0, 2, 1, 0]
    assert w.table() == [(0, 15), (5, 7), (2, 5)]
    assert w.procs[0].acct.preemptions == 1


def starvation(aging: int, preemptive: bool = False) -> Workload:
    """A low-priority job (10) and a stream of ten high-priority jobs (0) of 10 ticks.

    High job k arrives at 10k - 5 (the first at 0), so one is always waiting
    when the CPU comes free.
    """
    w = Workload("priority", {"aging": aging, "preemptive": preemptive})
    w.job(5, priority=10)
    for k in range(10):
        w.job(10, at=max(0, 10 * k - 5), priority=0)
    return w.run()


def test_without_aging_the_low_priority_job_starves_until_the_stream_ends() -> None:
    w = starvation(0)
    low = w.procs[0]
    assert (low.acct.first_run, low.acct.ended) == (100, 105)
    assert w.order() == [*range(1, 11), 0]


@pytest.mark.parametrize("preemptive", [False, True])
def test_aging_cures_starvation(preemptive: bool) -> None:
    # aging 2: at a pick at 10k the low job (waiting since 0) has effective priority
    # 10 - 10k // 2 = 10 - 5k; the waiting high job (waiting 5) 0 - 5 // 2 = -2.
    # k = 2: 0 > -2; k = 3: -5 < -2, so the low job runs at 30 and ends at 35.  Newcomers
    # (priority 0) are not better than its -5, so even preemptive it keeps the CPU.
    w = starvation(2, preemptive)
    low = w.procs[0]
    assert (low.acct.first_run, low.acct.ended) == (30, 35)
    assert w.order() == [1, 2, 3, 0, *range(4, 11)]
    assert low.acct.preemptions == 0
    assert low.priority == 10  # aging never changes the process's own priority


def test_aging_ties_break_by_arrival() -> None:
    # aging 10: job 1 (priority 5) waits from 0, job 2 (priority 4) from 5; at 10 (when
    # job 0 ends) both have effective priority 4: the earlier arrival, job 1, goes first
    w = (Workload("priority", {"aging": 10}).job(10, priority=0)
         .job(3, at=0, priority=5).job(3, at=5, priority=4).run())
    assert w.order() == [0, 1, 2]
    # without aging job 2 (priority 4) goes first
    w = (Workload("priority").job(10, priority=0)
         .job(3, at=0, priority=5).job(3, at=5, priority=4).run())
    assert w.order() == [0, 2, 1]

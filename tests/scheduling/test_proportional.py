"""Proportional share: lottery (seeded draws), stride (exact), CFS (nice weights)."""

from __future__ import annotations

import random

import pytest
from scheduling.policy_harness import Workload

# ------------------------------------------------------------------------ lottery


def lottery(seed: int, tickets: list[int], lengths: list[int], **options: object) -> Workload:
    w = Workload("lottery", dict(options), seed=seed)
    for count, length in zip(tickets, lengths, strict=True):
        w.job(length, tickets=count)
    return w


def model_lottery(seed: int, tickets: list[int], lengths: list[int]) -> list[int]:
    """OSTEP's lottery walk, quantum 1: draw r below the total, the first job (in ready
    order) whose running sum of tickets exceeds r wins; it rejoins at the back."""
    rng = random.Random(seed)
    ready = list(range(len(tickets)))
    left = list(lengths)
    winners = []
    while ready:
        ticket = rng.randrange(sum(tickets[j] for j in ready))
        for job in ready:
            if ticket < tickets[job]:
                break
            ticket -= tickets[job]
        winners.append(job)
        ready.remove(job)
        left[job] -= 1
        if left[job]:
            ready.append(job)
    return winners


@pytest.mark.parametrize("seed", [0, 7, 2024])
def test_lottery_draws_follow_the_seeded_walk(seed: int) -> None:
    tickets, lengths = [100, 50, 250], [12, 12, 12]
    w = lottery(seed, tickets, lengths).run()
    assert [job for _, job, _, _ in w.picks] == model_lottery(seed, tickets, lengths)


@pytest.mark.parametrize("seed", [0, 11])
def test_lottery_lays_out_affinity_sets_one_after_another(seed: int) -> None:
    # one CPU; jobs 0 and 2 are pinned to it, 1 and 3 are not: the tickets of the
    # pinned set (seen first, with job 0) come before the others, each set in ready order
    only_0 = frozenset({0})
    tickets = [10, 20, 30, 40]
    w = Workload("lottery", seed=seed)
    for i, count in enumerate(tickets):
        w.job(8, tickets=count, affinity=only_0 if i % 2 == 0 else None)
    w.run()
    rng = random.Random(seed)
    sets: list[list[int]] = [[0, 2], [1, 3]]
    left = [8] * 4
    expected = []
    while any(sets):
        ticket = rng.randrange(sum(tickets[j] for group in sets for j in group))
        for group in sets:
            total = sum(tickets[j] for j in group)
            if ticket < total:
                for job in group:
                    if ticket < tickets[job]:
                        break
                    ticket -= tickets[job]
                break
            ticket -= total
        expected.append(job)
        group.remove(job)
        left[job] -= 1
        if left[job]:
            group.append(job)
    assert [job for _, job, _, _ in w.picks] == expected


def test_lottery_same_seed_same_run_other_seed_other_run() -> None:
    def picks(seed: int) -> list[tuple[int, int, int, int]]:
        return lottery(seed, [100, 100, 100], [30, 30, 30]).run().picks

    assert picks(5) == picks(5)
    assert picks(5) != picks(6)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lottery_shares_the_cpu_in_proportion_to_tickets(seed: int) -> None:
    # 4000 draws at 1:3: job 1 wins Binomial(4000, 0.75) times, mean 3000, sd 27.4;
    # 150 is more than five standard deviations
    w = lottery(seed, [100, 300], [10_000, 10_000]).run(until=4000)
    low, high = (p.acct.cpu for p in w.procs)
    assert low + high == 4000
    assert abs(high - 3000) < 150


def test_lottery_quantum_sets_the_slice() -> None:
    w = lottery(0, [100], [10], quantum=4).run()
    assert [t for t, *_ in w.picks] == [0, 4, 8]


# ------------------------------------------------------------------------- stride


def test_stride_published_example() -> None:
    # OSTEP figure 9.3: tickets 100, 50, 250; strides 100, 200, 40.  Runs A B C C C A C C,
    # then all passes are 200 and the tie goes to the earliest to become ready: B (at 2)
    w = Workload("stride").job(100, tickets=100).job(100, tickets=50).job(100, tickets=250)
    w.run(until=8)  # picks at 0, 1, ..., 8
    assert [job for _, job, _, _ in w.picks] == [0, 1, 2, 2, 2, 0, 2, 2, 1]


def test_stride_gives_exact_proportions() -> None:
    # every 8 ticks all passes meet again, having run 2, 1 and 5 ticks
    w = (Workload("stride").job(1000, tickets=100).job(1000, tickets=50)
         .job(1000, tickets=250).run(until=800))
    assert [p.acct.cpu for p in w.procs] == [200, 100, 500]
    assert [p.vruntime for p in w.procs] == [20_000, 20_000, 20_000]


def test_stride_a_newcomer_starts_at_the_current_pass() -> None:
    # A alone 0-100 (pass 10,000); B arrives at 100 with the pass of the last pick (9,900)
    # rather than 0, so instead of B running 100 ticks in a row the two alternate, B at
    # 100, 102, ..., 200 and A at 101, ..., 199
    w = Workload("stride").job(1000).job(1000, at=100).run(until=200)
    assert [p.acct.cpu for p in w.procs] == [150, 50]
    assert [(t, job) for t, job, _, _ in w.picks if t >= 99] == [
        (99, 0), *((t, (t + 1) % 2) for t in range(100, 201))]


# ---------------------------------------------------------------------------- cfs


def test_cfs_two_equal_jobs_take_turns_of_latency_over_two() -> None:
    # sched_latency 48, two nice-0 jobs: slices of 24; the last turn of A needs only 4
    w = Workload("cfs").job(100).job(100).run()
    assert w.order() == [0, 1] * 5
    assert [t for t, *_ in w.picks] == [0, 24, 48, 72, 96, 120, 144, 168, 192, 196]
    assert w.table() == [(0, 196), (24, 200)]
    assert [p.vruntime for p in w.procs] == [100.0, 100.0]


def test_cfs_slice_has_a_minimum_granularity() -> None:
    # ten runnable jobs: 48 * 1024 // 10240 = 4, raised to min_granularity 6
    w = Workload("cfs")
    for _ in range(10):
        w.job(12)
    w.run()
    assert [t for t, *_ in w.picks][:3] == [0, 6, 12]


@pytest.mark.parametrize("nices", [(0, 5), (-5, 0, 5), (0, 0, 10)])
def test_cfs_nice_weights_give_proportional_cpu(nices: tuple[int, ...]) -> None:
    weights = {-5: 3121, 0: 1024, 5: 335, 10: 110}  # Linux's table
    w = Workload("cfs")
    for nice in nices:
        w.job(100_000, nice=nice)
    w.run(until=6000)
    total = sum(weights[n] for n in nices)
    for proc, nice in zip(w.procs, nices, strict=True):
        assert proc.acct.cpu / 6000 == pytest.approx(weights[nice] / total, abs=0.01)
        assert proc.vruntime == pytest.approx(proc.acct.cpu * 1024 / weights[nice], abs=60)


def test_cfs_places_a_newcomer_at_min_vruntime() -> None:
    # A alone runs slices of 48; N arrives at 50 and starts at A's vruntime (50), not 0:
    # at 96 N runs 96-120 and 120-144 (vruntime 98 > A's 96), then they alternate
    w = Workload("cfs").job(1000).job(1000, at=50).run(until=220)
    assert [(t, job) for t, job, _, _ in w.picks[:7]] == [
        (0, 0), (48, 0), (96, 1), (120, 1), (144, 0), (168, 1), (192, 0)]


def test_cfs_gives_a_sleeper_a_bounded_credit() -> None:
    # A (300) and S at 0: A 0-24; S runs at 24 and sleeps till 124 (vruntime 0); A alone
    # 24-168 in slices of 48.  At 124 min_vruntime is A's 124: S comes back at
    # max(0, 124 - 48 / 2) = 100 and runs when A's slice ends, 168-178.
    w = Workload("cfs").job(300).job("sleep 100\ncpu 10\nexit 0").run()
    a, s = w.procs
    assert (s.acct.first_run, s.acct.ended) == (24, 178)
    assert s.vruntime == 110.0
    assert a.acct.ended == 310
    assert a.vruntime == a.acct.cpu == 300


@pytest.mark.parametrize("scheduler", ["cfs", "stride"])
def test_a_report_in_mid_slice_loses_no_virtual_time(scheduler: str) -> None:
    # Kernel.settle() books the running slice so far; the rest must still be charged
    w = Workload(scheduler).job(100).job(100)
    kernel = w.start()
    kernel.run(until=10)
    kernel.settle()
    kernel.run()
    per_tick = 1.0 if scheduler == "cfs" else 100  # stride: 10,000 // 100 tickets
    assert [p.vruntime for p in w.procs] == [100 * per_tick, 100 * per_tick]

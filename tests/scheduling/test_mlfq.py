"""MLFQ: levels, demotion, preemption, boost, the I/O options (hand-computed traces).

``runs_of(job)`` lists (time, CPU, level) of every pick of the job; a job whose
slice ends while it is alone is picked again at once, so it shows up again.
"""

from __future__ import annotations

from scheduling.policy_harness import Workload

NO_IO_COST = {"io_issue_cost": 0, "io_done_cost": 0}


def test_a_short_job_preempts_a_long_one_and_finishes_quickly() -> None:
    # OSTEP figure 8.3 (left) with the short job arriving mid-quantum: A (200) sinks to
    # the bottom after a quantum at each level; B (20) arrives at 105, preempts A,
    # runs a quantum at level 0 and one at level 1; A resumes its quantum at 125.
    w = Workload("mlfq", {"levels": 3, "quantum": 10}).job(200).job(20, at=105).run()
    a, b = w.procs
    assert w.runs_of(0)[:4] == [(0, 0, 0), (10, 0, 1), (20, 0, 2), (30, 0, 2)]
    assert w.runs_of(1) == [(105, 0, 0), (115, 0, 1)]
    assert w.runs_of(0)[10:14] == [(100, 0, 2), (125, 0, 2), (130, 0, 2), (140, 0, 2)]
    assert w.table() == [(0, 220), (105, 125)]
    assert (a.acct.preemptions, a.level, b.level) == (1, 2, 1)


GAMER = "cpu 3\nio 2\ncpu 3\nio 2\ncpu 3\nio 2\ncpu 3\nexit 0"


def test_the_allotment_counts_cpu_time_across_io() -> None:
    # quantum = allotment = 4; G computes 3 then does I/O (free here), C is CPU-bound.
    # G 0-3 (L0, 1 left), C 3-7 (L0, demoted), G 7-8 (L0, its last tick: demoted),
    # C 8-12 (L1, demoted), G 12-14 (L1, blocks with 2 left), C 14-16 (L2), G back at
    # 16 preempts C (L1 beats L2) and runs 16-18 (demoted), C finishes its quantum 18-20,
    # G 20-21 (blocks), C 21-25, G 25-28 (exit), C 28-42.
    w = Workload("mlfq", {"levels": 3, "quantum": 4}, **NO_IO_COST).job(GAMER).job(30).run()
    assert w.runs_of(0) == [(0, 0, 0), (7, 0, 0), (12, 0, 1), (16, 0, 1), (20, 0, 2),
                            (25, 0, 2)]
    assert w.runs_of(1)[:6] == [(3, 0, 0), (8, 0, 1), (14, 0, 2), (18, 0, 2), (21, 0, 2),
                                (28, 0, 2)]
    assert w.table() == [(0, 28), (3, 42)]
    assert w.procs[1].acct.preemptions == 1


def test_io_resets_allotment_lets_a_job_that_blocks_in_time_stay_on_top() -> None:
    # OSTEP -S: G 0-3 and blocks (fresh allotment at L0), C 3-7 (demoted), G 7-10,
    # C 10-12 (L1) until G, back at 12, preempts it; G 12-15; C 15-17 until G preempts
    # again (C demoted: it used its allotment); G 17-20 ends; C 20-42.
    w = (Workload("mlfq", {"levels": 3, "quantum": 4, "io_resets_allotment": True},
                  **NO_IO_COST).job(GAMER).job(30).run())
    assert w.runs_of(0) == [(0, 0, 0), (7, 0, 0), (12, 0, 0), (17, 0, 0)]
    assert w.runs_of(1)[:4] == [(3, 0, 0), (10, 0, 1), (15, 0, 1), (20, 0, 2)]
    assert w.table() == [(0, 20), (3, 42)]
    assert w.procs[1].acct.preemptions == 2


def test_a_preempted_job_keeps_its_place_and_the_rest_of_its_quantum() -> None:
    # quantum 4: A 0-4 and B 4-8 drop to L1; A 8-12; B 12-13 until C (2) arrives at 13
    # and preempts it; C 13-15; B goes first again and finishes its quantum 15-18;
    # then A 18-22 and B 22-26
    w = Workload("mlfq", {"levels": 2, "quantum": 4}).job(20).job(20).job(2, at=13).run()
    assert w.runs_of(1)[:4] == [(4, 0, 0), (12, 0, 1), (15, 0, 1), (22, 0, 1)]
    assert w.runs_of(0)[:4] == [(0, 0, 0), (8, 0, 1), (18, 0, 1), (26, 0, 1)]
    assert w.table()[2] == (13, 15)


def io_to_front(front: bool) -> Workload:
    options = {"levels": 1, "quantum": 4, "io_to_front": front}
    return (Workload("mlfq", options, **NO_IO_COST)
            .job("cpu 1\nio 3\ncpu 1\nexit 0").job(10).job(10).run())


def test_a_job_back_from_io_joins_the_back_of_its_queue_by_default() -> None:
    # A 0-1 (blocks till 4), B 1-5; at 4 A queues behind C: C 5-9, A 9-10
    w = io_to_front(False)
    assert w.order() == [0, 1, 2, 0, 1, 2, 1, 2]
    assert w.table() == [(0, 10), (1, 20), (5, 22)]


def test_io_to_front_puts_it_at_the_front() -> None:
    # OSTEP -I: back at 4, A goes before C: A 5-6
    w = io_to_front(True)
    assert w.order() == [0, 1, 0, 2, 1, 2, 1, 2]
    assert w.table() == [(0, 6), (1, 20), (6, 22)]


def stream(boost: int) -> Workload:
    """A long job L (40) and ten short jobs of 5 arriving every 5 ticks from 3."""
    w = Workload("mlfq", {"levels": 2, "quantum": 5, "boost": boost}).job(40)
    for k in range(10):
        w.job(5, at=3 + 5 * k)
    return w.run()


def test_without_boost_new_jobs_starve_the_long_one() -> None:
    # L 0-5 (demoted), then each short job at the top in turn: 5-10, ..., 50-55
    w = stream(0)
    assert w.runs_of(0) == [(0, 0, 0), *((t, 0, 1) for t in range(55, 90, 5))]
    assert w.table()[1:] == [(5 + 5 * k, 10 + 5 * k) for k in range(10)]
    assert w.table()[0] == (0, 90)


def test_the_boost_brings_the_long_job_back_to_the_top() -> None:
    # boosts at 20, 40, 60, 80: L joins the top queue behind the short jobs waiting
    # there and runs 25-30, 50-55, 65-70 (then demoted: 70-75, 75-80 ending at the
    # boost), 80-85 and 85-90.
    w = stream(20)
    assert w.runs_of(0) == [(0, 0, 0), (25, 0, 0), (50, 0, 0), (65, 0, 0), (70, 0, 1),
                            (75, 0, 1), (80, 0, 0), (85, 0, 1)]
    shorts = [(5, 10), (10, 15), (15, 20), (20, 25), (30, 35), (35, 40), (40, 45),
              (45, 50), (55, 60), (60, 65)]
    assert w.table() == [(0, 90), *shorts]
    assert w.now == 90  # the boost due at 100 was cancelled when the last job ended


def test_a_slice_below_the_top_ends_at_the_boost() -> None:
    # quanta 2 and 10, boost 15: A 0-2, B 2-4, A 4-14 at L1; B's L1 slice is cut to 14-15
    # by the boost, after which A (moved up) and then B (back from its slice) run at L0
    w = Workload("mlfq", {"levels": 2, "quantum": [2, 10], "boost": 15}).job(40).job(40).run()
    assert w.runs_of(1)[:4] == [(2, 0, 0), (14, 0, 1), (17, 0, 0), (29, 0, 1)]
    assert w.runs_of(0)[:4] == [(0, 0, 0), (4, 0, 1), (15, 0, 0), (19, 0, 1)]


def test_a_job_blocked_across_a_boost_comes_back_at_the_top_and_no_timer_lingers() -> None:
    # quantum 1: 0-1 at L0, 1-2 at L1, 2-3 at L2, picked again at 3 for the sleep (it
    # takes no time), asleep 3-53 across the boosts at 10..50: back at the top
    code = "cpu 3\nsleep 50\ncpu 1\nexit 0"
    boosted = Workload("mlfq", {"levels": 3, "quantum": 1, "boost": 10}).job(code).run()
    assert boosted.runs_of(0) == [(0, 0, 0), (1, 0, 1), (2, 0, 2), (3, 0, 2), (53, 0, 0)]
    assert boosted.now == 54
    plain = Workload("mlfq", {"levels": 3, "quantum": 1}).job(code).run()
    assert plain.runs_of(0)[-1] == (53, 0, 2)


def test_quantum_and_allotment_per_level() -> None:
    # quanta 1, 2, 4 and allotments 2, 2, 4: a lone job runs 0-1, 1-2 at L0, 2-4 at L1,
    # then 4-8, 8-10 at L2
    w = Workload("mlfq", {"quantum": [1, 2, 4], "allotment": [2, 2, 4]}).job(10).run()
    assert w.runs_of(0) == [(0, 0, 0), (1, 0, 0), (2, 0, 1), (4, 0, 2), (8, 0, 2)]

"""fifo, sjf and stcf on hand-computed workloads (job index = creation order)."""

from __future__ import annotations

from scheduling.policy_harness import Workload

# I/O-bound: cpu 1, then (issue 1, wait 5, done 1), twice, then cpu 1: 7 ticks of CPU.
IO_JOB = "cpu 1\nio 5\ncpu 1\nio 5\ncpu 1\nexit 0"


def homework(scheduler: str) -> Workload:
    """The OSTEP chapter 7 homework workload: jobs of 300, 100, 200 and 100, all at 0."""
    return Workload(scheduler).job(300).job(100).job(200).job(100).run()


def test_sjf_homework_published_result() -> None:
    w = homework("sjf")
    assert w.order() == [1, 3, 2, 0]
    assert w.averages() == (175.00, 350.00, 175.00)
    assert w.table() == [(400, 700), (0, 100), (200, 400), (100, 200)]


def test_fifo_homework() -> None:
    # by hand: 0 runs 0-300, 1 300-400, 2 400-600, 3 600-700
    w = homework("fifo")
    assert w.order() == [0, 1, 2, 3]
    assert w.table() == [(0, 300), (300, 400), (400, 600), (600, 700)]
    assert w.metrics() == [(0, 300, 0), (300, 400, 300), (400, 600, 400), (600, 700, 600)]
    assert w.averages() == (325.00, 500.00, 325.00)


def test_fifo_is_not_preemptive_and_a_job_arriving_at_an_idle_cpu_runs_at_once() -> None:
    w = Workload("fifo").job(10).job(2, at=1).job(3, at=20).run()
    assert w.table() == [(0, 10), (10, 12), (20, 23)]
    assert w.metrics() == [(0, 10, 0), (9, 11, 9), (0, 3, 0)]


def test_fifo_sends_a_job_back_from_io_to_the_end_of_the_queue() -> None:
    # IO_JOB: cpu 0-1, issue 1-2, blocked 2-7; job 1 runs 2-12 and job 2 12-15 while
    # the I/O job, ready since 7, waits; then done 15-16, cpu 16-17, issue 17-18,
    # blocked 18-23, done 23-24, cpu 24-25 and exit.
    w = Workload("fifo").job(IO_JOB).job(10).job(3).run()
    io = w.procs[0]
    assert w.order() == [0, 1, 2, 0]
    assert w.table() == [(0, 25), (2, 12), (12, 15)]
    assert (io.acct.cpu, io.acct.blocked, io.acct.ready) == (7, 10, 8)


def test_sjf_ties_break_by_arrival_and_unknown_lengths_go_last_in_fifo_order() -> None:
    w = (Workload("sjf").job(5, expected=None).job(3).job(3).job(2, expected=None).run())
    assert w.order() == [1, 2, 0, 3]
    assert w.table() == [(6, 11), (0, 3), (3, 6), (11, 13)]


def test_sjf_does_not_preempt_and_picks_the_shortest_waiting_job() -> None:
    w = Workload("sjf").job(10).job(5, at=2).job(2, at=3).run()
    assert w.order() == [0, 2, 1]
    assert w.table() == [(0, 10), (12, 17), (10, 12)]
    assert w.metrics() == [(0, 10, 0), (10, 15, 10), (7, 9, 7)]


def test_stcf_published_example() -> None:
    # OSTEP figure 7.5: A (100) at 0, B and C (10 each) at 10; average turnaround 50
    w = Workload("stcf").job(100).job(10, at=10).job(10, at=10).run()
    assert w.order() == [0, 1, 2, 0]
    assert w.table() == [(0, 120), (10, 20), (20, 30)]
    assert w.metrics() == [(0, 120, 20), (0, 10, 0), (10, 20, 10)]
    assert w.averages()[1] == 50.00
    assert w.procs[0].acct.preemptions == 1


def test_stcf_needs_strictly_less_remaining_time_to_preempt() -> None:
    # at 5 job 0 has 5 left and job 1 needs 5: no preemption
    w = Workload("stcf").job(10).job(5, at=5).run()
    assert w.table() == [(0, 10), (10, 15)]
    assert w.procs[0].acct.preemptions == 0


def test_stcf_counts_the_cpu_used_in_the_current_slice() -> None:
    # at 7 job 0 has run 7 of 10 (3 left, all in this slice): job 1 (4) must wait
    w = Workload("stcf").job(10).job(4, at=7).run()
    assert w.table() == [(0, 10), (10, 14)]
    # at 5 it has 5 left: job 1 (4) preempts
    w = Workload("stcf").job(10).job(4, at=5).run()
    assert w.table() == [(0, 14), (5, 9)]


def test_stcf_lets_an_io_bound_job_preempt_when_it_comes_back() -> None:
    # IO_JOB declares 7; the CPU job 20.  0: io job (7 < 20) cpu 0-1, issue 1-2, blocks;
    # cpu job 2-7; at 7 the io job (5 left) preempts it (15 left): done 7-8, cpu 8-9,
    # issue 9-10, blocks till 15; cpu job 10-15; at 15 (2 left vs 10) it preempts again:
    # done 15-16, cpu 16-17, exit; the cpu job runs 17-27.
    w = Workload("stcf").job(IO_JOB, expected=7).job(20).run()
    io, cpu = w.procs
    assert w.order() == [0, 1, 0, 1, 0, 1]
    assert w.table() == [(0, 17), (2, 27)]
    assert (io.acct.ready, io.acct.blocked, cpu.acct.ready) == (0, 10, 7)
    assert cpu.acct.preemptions == 2


def test_stcf_unknown_lengths_are_infinite_and_always_lose() -> None:
    # job 0 declares nothing: job 1 (5) preempts it at 3, job 2 (unknown) does not
    w = Workload("stcf").job(10, expected=None).job(5, at=3).job(4, at=4, expected=None).run()
    assert w.order() == [0, 1, 0, 2]
    assert w.table() == [(0, 15), (3, 8), (15, 19)]


def test_stcf_on_two_cpus_preempts_the_job_with_the_most_time_left() -> None:
    # 0 (20) on CPU 0 and 1 (30) on CPU 1; at 5 job 2 (5) displaces job 1 (25 left)
    w = Workload("stcf", cpus=2).job(20).job(30).job(5, at=5).run()
    assert w.table() == [(0, 20), (0, 35), (5, 10)]
    assert w.cpus_of(2) == {1}
    assert (w.procs[0].acct.preemptions, w.procs[1].acct.preemptions) == (0, 1)


def test_stcf_only_displaces_a_job_on_a_cpu_the_newcomer_may_use() -> None:
    # job 2 may only run on CPU 0 (job 0, 15 left at 5), not CPU 1 (job 1, 25 left)
    w = (Workload("stcf", cpus=2).job(20).job(30)
         .job(5, at=5, affinity=frozenset({0})).run())
    assert w.table() == [(0, 25), (0, 30), (5, 10)]
    assert w.cpus_of(2) == {0}
    assert w.procs[0].acct.preemptions == 1

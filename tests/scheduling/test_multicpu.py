"""Several CPUs: shared and per-CPU queues, placement, stealing, affinity, for every policy."""

from __future__ import annotations

import pytest
from scheduling.policy_harness import POLICIES, Workload

from osmodel.kernel.errors import ConfigError

PER_CPU = {"queues": "per-cpu"}


def five_jobs(options: dict[str, object]) -> Workload:
    return Workload("fifo", options, cpus=2).job(10).job(2).job(10).job(10).job(10).run()


def test_shared_fifo_runs_the_oldest_job_on_whichever_cpu_comes_free() -> None:
    # CPU 0: 0 (0-10), 3 (10-20); CPU 1: 1 (0-2), 2 (2-12), 4 (12-22)
    w = five_jobs({})
    assert w.table() == [(0, 10), (0, 2), (2, 12), (10, 20), (12, 22)]


def test_per_cpu_fifo_places_new_jobs_on_the_shortest_queue_and_steals_when_idle() -> None:
    # 0 and 1 go to the idle CPUs 0 and 1; then the shortest queue, lowest on ties:
    # 2 -> CPU 0, 3 -> CPU 1, 4 -> CPU 0.  CPU 1 runs 1 (0-2) and 3 (2-12), then finds
    # its queue empty and steals the oldest of CPU 0's queue: 4 (12-22).
    w = five_jobs(PER_CPU)
    assert w.table() == [(0, 10), (0, 2), (10, 20), (2, 12), (12, 22)]
    assert [w.cpus_of(j) for j in range(5)] == [{0}, {1}, {0}, {1}, {1}]


def test_per_cpu_a_cpu_that_runs_dry_steals_from_the_longest_queue() -> None:
    # three CPUs busy with jobs 0-2 at 0; jobs 3-6 arrive at 1, 2, 3, 4 and join the
    # shortest queue: CPU 0, 1, 2, 0.  CPU 2 runs job 5 (5-10), then its queue is empty:
    # it takes job 3 from CPU 0's queue (2 waiting, CPU 1's has 1), then job 6 (a tie
    # at 1 each: the lower CPU), then job 4.
    w = Workload("fifo", PER_CPU, cpus=3).job(30).job(30).job(5)
    for at in (1, 2, 3, 4):
        w.job(5, at=at)
    w.run()
    assert w.table()[3:] == [(10, 15), (20, 25), (5, 10), (15, 20)]
    assert all(w.cpus_of(j) == {2} for j in range(2, 7))


def test_per_cpu_round_robin_keeps_a_process_on_its_cpu_until_another_steals_it() -> None:
    # quantum 2.  CPU 0 queue: 0 and 2; CPU 1: 1.  CPU 0: 0-2 job 0, 2-4 job 2, 4-6 job 0;
    # CPU 1: job 1 0-5; then CPU 1 steals job 2 (5-7, 7-9) and CPU 0 keeps job 0 (6-8).
    w = Workload("rr", {"quantum": 2, **PER_CPU}, cpus=2).job(6).job(5).job(6).run()
    assert w.table() == [(0, 8), (0, 5), (2, 9)]
    assert w.runs_of(2) == [(2, 0, 0), (5, 1, 0), (7, 1, 0)]
    assert (w.cpus_of(0), w.cpus_of(1)) == ({0}, {1})


def test_per_cpu_a_woken_process_takes_an_idle_cpu_rather_than_wait_for_its_own() -> None:
    # job 0 on CPU 0 sleeps 2-7 while job 2 takes CPU 0 till 22; CPU 1 is idle from 3:
    # job 0 wakes onto CPU 1 at 7 instead of waiting for CPU 0 at 22
    sleeper = "cpu 2\nsleep 5\ncpu 2\nexit 0"
    w = Workload("fifo", PER_CPU, cpus=2).job(sleeper).job(3).job(20).run()
    assert w.runs_of(0) == [(0, 0, 0), (7, 1, 0)]
    assert w.procs[0].acct.ended == 9


def test_per_cpu_a_newcomer_preempts_only_on_the_cpu_whose_queue_it_joined() -> None:
    # stcf: job 2 (5) arrives at 5 and joins CPU 0's queue (both empty: lowest index);
    # it displaces job 0 (15 left) there, though job 1 on CPU 1 has more left (25)
    w = Workload("stcf", PER_CPU, cpus=2).job(20).job(30).job(5, at=5).run()
    assert w.table() == [(0, 25), (0, 30), (5, 10)]
    assert w.cpus_of(2) == {0}


@pytest.mark.parametrize("queues", ["shared", "per-cpu"])
def test_a_pinned_newcomer_preempts_on_its_cpu_though_another_cpu_is_idle(queues: str) -> None:
    # CPU 1 is idle; job 1 (5, pinned to CPU 0) displaces job 0 (15 left, pinned too) at 5
    only_0 = frozenset({0})
    w = (Workload("stcf", {"queues": queues}, cpus=2)
         .job(20, affinity=only_0).job(5, at=5, affinity=only_0).run())
    assert w.table() == [(0, 25), (5, 10)]


@pytest.mark.parametrize("queues", ["shared", "per-cpu"])
def test_pinned_jobs_share_their_cpu_while_the_other_runs_the_rest(queues: str) -> None:
    only_1 = frozenset({1})
    w = (Workload("fifo", {"queues": queues}, cpus=2)
         .job(10, affinity=only_1).job(10, affinity=only_1).job(10).job(10).run())
    assert w.table() == [(0, 10), (10, 20), (0, 10), (10, 20)]
    assert [w.cpus_of(j) for j in range(4)] == [{1}, {1}, {0}, {0}]


IO = "cpu 3\nio 4\ncpu 2\nexit 0"  # 3 + 1 + 1 + 2 = 7 ticks of CPU


def mixed(scheduler: str, queues: str) -> Workload:
    """Twelve jobs on three CPUs: pinned, free, CPU- and I/O-bound, arriving over time."""
    w = Workload(scheduler, {"queues": queues}, cpus=3, seed=3)
    pins = [None, frozenset({0}), frozenset({1, 2}), frozenset({2}), None, frozenset({0, 1})]
    for i in range(12):
        affinity = pins[i % len(pins)]
        if i % 3 == 2:
            w.job(IO, at=2 * i, expected=7, affinity=affinity, priority=i % 4,
                  nice=i % 5 - 2, tickets=10 * (i + 1))
        else:
            w.job(5 + 3 * i, at=2 * i, affinity=affinity, priority=i % 4, nice=i % 5 - 2,
                  tickets=10 * (i + 1))
    return w.run()


@pytest.mark.parametrize("queues", ["shared", "per-cpu"])
@pytest.mark.parametrize("scheduler", POLICIES)
def test_every_policy_runs_everything_on_allowed_cpus_only(scheduler: str, queues: str) -> None:
    w = mixed(scheduler, queues)
    assert all(p.exit is not None and p.exit.kind == "normal" for p in w.procs)
    for job, proc in enumerate(w.procs):
        assert proc.affinity is None or w.cpus_of(job) <= proc.affinity, job
        assert proc.acct.cpu == proc.expected
    busy = sum(cpu.busy for cpu in w.kernel.cpus) if w.kernel else 0
    assert busy == sum(p.expected or 0 for p in w.procs)
    # a second run is the same run
    again = mixed(scheduler, queues)
    assert again.picks == w.picks


@pytest.mark.parametrize("queues", ["shared", "per-cpu"])
@pytest.mark.parametrize("scheduler", POLICIES)
def test_an_affinity_naming_no_cpu_of_the_machine_is_an_error(scheduler: str,
                                                               queues: str) -> None:
    w = Workload(scheduler, {"queues": queues}, cpus=2).job(5).job(5, affinity=frozenset({4}))
    kernel = w.start()
    with pytest.raises(ConfigError, match=r"may run only on CPU\(s\) 4, and the machine has "
                                          r"CPUs 0 to 1"):
        kernel.run()


# --- the kernel's part: offering a ready process to idle CPUs and to preemption ---------


def test_a_second_newcomer_at_the_same_tick_may_preempt_while_the_idle_cpu_takes_the_first(
        ) -> None:
    # job 0 (100) on CPU 0, CPU 1 idle; jobs 1 and 2 (5 each) at 10: job 1 takes CPU 1,
    # and job 2 displaces job 0 (90 left) rather than wait behind job 1
    w = Workload("stcf", cpus=2).job(100).job(5, at=10).job(5, at=10).run()
    assert w.table() == [(0, 105), (10, 15), (10, 15)]
    assert w.procs[0].acct.preemptions == 1


@pytest.mark.parametrize("queues", ["shared", "per-cpu"])
def test_a_process_whose_quantum_ends_moves_to_an_idle_cpu(queues: str) -> None:
    # rr on two CPUs: job 1 is pinned to CPU 0, so CPU 1 went idle at 0; when job 0's
    # quantum ends at 2, CPU 0 takes job 1 and job 0 moves to the idle CPU 1
    w = (Workload("rr", {"quantum": 2, "queues": queues}, cpus=2).job(10)
         .job(10, affinity=frozenset({0})).run())
    assert w.table() == [(0, 10), (2, 12)]
    assert (w.cpus_of(0), w.cpus_of(1)) == ({0, 1}, {0})

"""The multi-CPU homework's cache model: closed-form runs agree with tick-by-tick steps."""

from __future__ import annotations

import random

import pytest

from osmodel.plugins.schedule.cache import CpuCache


def make(size: int = 100, warmup: int = 10, rate: int = 2) -> CpuCache:
    return CpuCache({"a": 50, "b": 60, "c": 30, "big": 150}, size, warmup, rate)


def test_warms_after_the_warm_up_and_runs_faster() -> None:
    cache = make()
    cache.arrive("a")
    work = [cache.step("a") for _ in range(12)]
    assert work == [1] * 10 + [2, 2]  # the tick that finishes warming still runs cold
    assert cache.warm("a")


def test_no_warm_up_is_warm_at_once() -> None:
    cache = make(warmup=0)
    cache.arrive("a")
    assert cache.step("a") == 2


def test_newest_warm_job_evicts_from_the_back_and_restarts_its_warm_up() -> None:
    cache = make(warmup=1)
    for job in ("a", "c", "b"):
        cache.arrive(job)
        cache.step(job)
    # a(50) c(30) fit; b(60) comes to the front, then c and a go from the back
    assert cache.contents == ["b", "c"]
    assert cache.warming == {"a": 1}


def test_a_job_larger_than_the_cache_empties_it_and_never_stays_warm() -> None:
    cache = make(warmup=2)
    cache.arrive("a")
    assert cache.run("a", 2).warm == 0 and cache.warm("a")
    cache.arrive("big")
    assert [cache.step("big") for _ in range(6)] == [1] * 6
    assert cache.contents == []
    assert cache.warming == {"a": 2, "big": 2}


def test_half_warmed_job_keeps_its_count() -> None:
    cache = make(warmup=5)
    cache.arrive("a")
    cache.step("a")
    cache.step("a")
    cache.arrive("a")
    assert cache.warming["a"] == 3


@pytest.mark.parametrize("seed", range(40))
def test_closed_form_matches_stepping(seed: int) -> None:
    rng = random.Random(seed)
    size, warmup, rate = rng.choice([40, 100, 200]), rng.randrange(0, 6), rng.randrange(1, 4)
    stepped, jumped = make(size, warmup, rate), make(size, warmup, rate)
    for _ in range(30):
        job = rng.choice(["a", "b", "c", "big"])
        ticks = rng.randrange(0, 9)
        left = rng.randrange(0, 25)
        stepped.arrive(job)
        jumped.arrive(job)
        # when the work runs out, stepping one tick at a time
        probe = CpuCache(stepped.sizes, size, warmup, rate, list(stepped.contents),
                         dict(stepped.warming))
        done = count = 0
        while True:
            done += probe.step(job)
            count += 1
            if done >= left:
                break
        assert jumped.ticks_to_finish(job, left) == count
        work = warm = 0
        for _ in range(ticks):
            warm += stepped.warm(job)
            work += stepped.step(job)
        ran = jumped.run(job, ticks)
        assert (ran.ticks, ran.work, ran.warm) == (ticks, work, warm)
        assert jumped.contents == stepped.contents
        assert jumped.warming == stepped.warming

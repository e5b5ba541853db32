"""Scheduling benchmarks, reported as rates and ratios measured in one run (not timed tests).

1. Round robin with quantum 1 over 2,000 and 20,000 CPU-bound jobs (every
   tick a slice, every slice a context switch), through ``osmodel schedule``'s
   engine: simulated slices per second.  The rate should stay flat from 2,000
   to 20,000 jobs.
2. 50 processes of 2,000 instructions, 20% of them I/O (process-run.py's
   ``-l 2000:80``, 50 times), under the homework's ``cyclic`` policy: process-ticks
   per second (processes x simulated ticks, what a tick-by-tick simulator
   steps through), without and with the tick-by-tick table.

These are osmodel's own rates, with garbage collection on as users run it.
Ratios against the homework simulators come from bench_peers.py, which runs
them side by side on the same workloads; none is computed here.

Run: python benchmarks/bench_scheduling.py [--jobs 2000,20000] [--length 10]
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from collections.abc import Callable

from osmodel.kernel.manager import make_plugin_manager
from osmodel.plugins.schedule import engine
from osmodel.plugins.schedule.workload import Step, Workload, described_steps, jobs_from


def timed(run: Callable[[], engine.Outcome], repeats: int = 3) -> tuple[engine.Outcome, float]:
    """The outcome and the best time of ``repeats`` runs (a shared machine only adds noise)."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()  # each run starts from the same heap; the collector stays on
        start = time.perf_counter()
        outcome = run()
        best = min(best, time.perf_counter() - start)
    return outcome, best


def round_robin(count: int, length: int) -> tuple[int, float]:
    """Slices run and seconds taken for ``count`` jobs of ``length`` ticks, quantum 1."""
    pm = make_plugin_manager(autoload=False)
    workload = Workload(jobs_from([(Step("cpu", length),)] * count, None))
    setup = engine.Setup("rr", (("quantum", 1),))
    outcome, seconds = timed(lambda: engine.run(pm, workload, setup))
    slices = outcome.slices.runs()
    assert slices == count * length, "every tick of every job should be a slice of its own"
    return slices, seconds


def mixed(processes: int, instructions: int, cpu_percent: int,
          table: bool) -> tuple[int, int, float]:
    """Process-ticks, elapsed ticks and seconds for the process-state workload."""
    pm = make_plugin_manager(autoload=False)
    rng = random.Random(0)
    steps = [described_steps(f"{instructions}:{cpu_percent}", rng, 5)
             for _ in range(processes)]
    workload = Workload(jobs_from(steps, None), mixed=table)
    setup = engine.Setup("cyclic", (("switch", "on-io"), ("io_done", "later")))
    outcome, seconds = timed(lambda: engine.run(pm, workload, setup))
    return processes * outcome.elapsed, outcome.elapsed, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--jobs", default="2000,20000", help="job counts for round robin")
    parser.add_argument("--length", type=int, default=10, help="ticks per round-robin job")
    args = parser.parse_args()

    print("1. round robin, quantum 1 (a slice per tick)")
    base = None
    for count in (int(n) for n in args.jobs.split(",")):
        slices, seconds = round_robin(count, args.length)
        rate = slices / seconds
        base = base or rate
        print(f"  {count:>7,} jobs x {args.length} ticks: {slices:>9,} slices in {seconds:6.2f} s"
              f" = {rate:>10,.0f} slices/s  x{rate / base:4.2f}")

    print("2. 50 processes x 2,000 instructions, 20% I/O (cyclic, switch on I/O)")
    for table in (False, True):
        work, elapsed, seconds = mixed(50, 2000, 80, table)
        rate = work / seconds
        what = "with the tick table" if table else "simulation only    "
        print(f"  {what}: {elapsed:,} ticks x 50 = {work:,} process-ticks in {seconds:6.2f} s"
              f" = {rate:>12,.0f} process-ticks/s")


if __name__ == "__main__":
    main()

"""Sweep benchmarks: runs per second of ``osmodel sweep`` beside a shell loop (not timed tests).

1. Small runs (20 jobs of at most 50 ticks; fifo, sjf, rr, mlfq on 1 and 2 CPUs):
   a shell loop of single ``osmodel schedule --seed N --solve`` commands, then
   ``osmodel sweep`` with the local executor on 1 and 2 workers and on a Dask
   LocalCluster of 2 workers.  Every figure is a whole command's wall time,
   start-up included, as a user sees it.
2. Runs of 50 ms or more (600 jobs of at most 100 ticks arriving over 15,000 ticks,
   fifo and stcf on 2 CPUs): the local executor on 1 and 2 workers, and Dask.
3. From 1, each executor's start-up and CPU per run: sweeps of 8 runs and of the
   full size, cpu(n) = start + n * per_run solved for both.  CPU time, not wall
   time: it does not grow when other work shares the cores.

The CSV of every sweep of one grid is checked to be the same bytes.  Each
command runs with bytecode writing on (after a warm-up run), as an installed
osmodel does.  Prints a table, then one JSON line.

Every sweep figure is the best of three runs of the command (the machine may be
busy with other work, which only ever adds time).

Run: python benchmarks/bench_sweep.py [--seeds 50] [--loop 20] [--big-seeds 60]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SMALL = """\
[sweep]
seeds = "0-{last}"
[grid]
policy = ["fifo", "sjf", "rr", "mlfq"]
cpus = [1, 2]
[workload]
count = 20
max_length = 50
"""
BIG = """\
[sweep]
seeds = "0-{last}"
[grid]
policy = ["fifo", "stcf"]
cpus = [2]
[workload]
count = 600
max_length = 100
max_arrival = 15000
"""


def osmodel() -> list[str]:
    found = shutil.which("osmodel", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "osmodel.kernel.cli"]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled once, then cached
    return env


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall seconds, and CPU seconds of the command and every process it waited for (pool
    workers, Dask's nannies and workers): the CPU time does not grow when other work
    shares the cores, so the per-run costs come from it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=environment())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def shell_loop(count: int) -> float:
    """Seconds for ``count`` single commands, one interpreter each (a bash loop)."""
    command = " ".join(osmodel())
    script = (f"for seed in $(seq 0 {count - 1}); do {command} schedule --policy rr --cpus 2 "
              "--seed $seed --count 20 --max-length 50 --solve > /dev/null; done")
    start = time.perf_counter()
    subprocess.run(["bash", "-c", script], check=True, env=environment())
    return time.perf_counter() - start


def sweep(folder: Path, text: str, name: str, *args: str,
          repeats: int = 3) -> tuple[float, float, bytes]:
    """The best wall and CPU times of ``repeats`` sweeps (other work on the machine only
    adds time), and the CSV they wrote (the same bytes each time)."""
    spec = folder / f"{name}.toml"
    spec.write_text(text)
    out = folder / f"{name}.csv"
    best = cpu = float("inf")
    made: bytes | None = None
    for _ in range(repeats):
        wall, used = timed([*osmodel(), "sweep", str(spec), "-o", str(out), *args])
        best, cpu = min(best, wall), min(cpu, used)
        assert made is None or out.read_bytes() == made, "a sweep wrote other bytes"
        made = out.read_bytes()
    assert made is not None
    return best, cpu, made


EXECUTORS = {
    "local, 1 worker": ("--workers", "1"),
    "local, 2 workers": ("--workers", "2"),
    "dask LocalCluster, 2 workers": ("--executor", "dask", "--workers", "2"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50, help="seeds per cell, small runs")
    parser.add_argument("--loop", type=int, default=20, help="commands in the shell loop")
    parser.add_argument("--big-seeds", type=int, default=60, help="seeds per cell, big runs")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    small_runs, big_runs = 8 * args.seeds, 2 * args.big_seeds
    timed([*osmodel(), "schedule", "--jobs", "1"])  # warm-up: write the bytecode
    report: dict[str, object] = {"cores": os.cpu_count()}

    loop = shell_loop(args.loop)
    rates = {"shell loop of osmodel schedule": args.loop / loop}
    print(f"1. small runs: {small_runs} runs (8 cells x {args.seeds} seeds) per sweep")
    print(f"  {'shell loop of osmodel schedule':32} {args.loop:>6} runs {loop:7.2f} s "
          f"{rates['shell loop of osmodel schedule']:9.1f} runs/s")
    costs: dict[str, dict[str, float]] = {}
    reference: bytes | None = None
    for label, options in EXECUTORS.items():
        seconds, cpu, made = sweep(folder, SMALL.format(last=args.seeds - 1), "small",
                                   *options)
        few, few_cpu, _ = sweep(folder, SMALL.format(last=0), "one", *options)
        rates[label] = small_runs / seconds
        per_run = (cpu - few_cpu) / (small_runs - 8)
        costs[label] = {"start_cpu_s": round(few_cpu - 8 * per_run, 3),
                        "start_wall_s": round(few, 3),
                        "cpu_ms_per_run": round(per_run * 1000, 3)}
        assert reference is None or made == reference, f"{label}: other bytes than before"
        reference = made
        times = rates[label] / rates["shell loop of osmodel schedule"]
        print(f"  {'sweep ' + label:32} {small_runs:>6} runs {seconds:7.2f} s "
              f"{rates[label]:9.1f} runs/s  x{times:.1f} the shell loop")
    report["small"] = {k: round(v, 2) for k, v in rates.items()}

    print(f"2. runs of 50 ms or more: {big_runs} runs (2 cells x {args.big_seeds} seeds)")
    big: dict[str, float] = {}
    first: bytes | None = None
    for label, options in EXECUTORS.items():
        seconds, _, made = sweep(folder, BIG.format(last=args.big_seeds - 1), "big", *options)
        assert first is None or made == first, f"{label}: other bytes than the first sweep"
        first = made
        big[label] = big_runs / seconds
        print(f"  {'sweep ' + label:32} {big_runs:>6} runs {seconds:7.2f} s "
              f"{big[label]:9.2f} runs/s  x{big[label] / big['local, 1 worker']:.2f} 1 worker")
    report["big"] = {k: round(v, 3) for k, v in big.items()}

    print("3. start-up and CPU per run (small runs: sweeps of 8 and of "
          f"{small_runs} runs; CPU of all processes)")
    base = costs["local, 1 worker"]["cpu_ms_per_run"]
    for label, cost in costs.items():
        print(f"  {label:32} start {cost['start_wall_s']:5.2f} s wall, "
              f"{cost['start_cpu_s']:5.2f} s CPU; {cost['cpu_ms_per_run']:6.2f} ms CPU a run "
              f"({cost['cpu_ms_per_run'] - base:+.2f} ms beside one worker)")
    report["costs"] = costs
    shutil.rmtree(folder)
    print(json.dumps(report, sort_keys=True))


if __name__ == "__main__":
    main()

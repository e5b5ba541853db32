"""Kernel benchmarks, reported as ratios measured in one run (not timed tests).

1. Slices per second (a process dispatched on a CPU, ran, and left it) with
   1k, 10k, 100k and 1M processes in the system:
   (a) all of them runnable, round robin with quantum 1 (every tick a slice);
   (b) all of them asleep while ten busy processes run: idle processes must cost nothing.
   The cost per slice should stay flat as the process count grows.  Slices are
   taken one by one (``Kernel.fast_forward`` off): a fast-forwarded round
   robin counts turns it never takes, and a rate of those would flatter.
2. A copy-on-write share of a 1-page and of a 65,536-page address space (both
   fully resident): the cost should be about equal.

Run: python benchmarks/bench_kernel.py [--max 1000000]
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable, Mapping
from typing import Any

from osmodel.kernel import hookimpl
from osmodel.kernel.asm import parse
from osmodel.kernel.boot import boot
from osmodel.kernel.isa import val
from osmodel.kernel.kernel import Kernel
from osmodel.kernel.link import OpSpec
from osmodel.kernel.machine import Limits, Machine
from osmodel.kernel.manager import make_plugin_manager
from osmodel.kernel.memory import AddressSpace, FramePool
from osmodel.kernel.platform import Platform
from osmodel.kernel.process import ExitStatus, Process


def sys_exit(k: Kernel, p: Process, a: Any, r: Any) -> int:
    k.exit(p, ExitStatus("normal", val(p, a[0]) if a else 0))
    return 0


class Bench(Platform):
    """The least a platform can be: processes that run and exit."""

    name = "bench"

    def syscalls(self) -> Mapping[str, OpSpec]:
        return {"exit": OpSpec("exit", "v?", 0, sys_exit, "end the caller")}


class BenchPlugin:
    @hookimpl
    def osmodel_platforms(self) -> dict[str, type[Platform]]:
        return {"bench": Bench}


def kernel_for(programs: dict[str, str], quantum: int) -> Kernel:
    pm = make_plugin_manager(autoload=False,
                             builtins=[("rr", "osmodel.plugins.schedulers.rr")])
    pm.register(BenchPlugin(), name="bench")
    machine = Machine(frames=1 << 24, scheduler_options={"quantum": quantum},
                      limits=Limits(processes=None, time=None))
    parsed = {name: parse(text, name) for name, text in programs.items()}
    kernel = boot(machine, "bench", pm, programs=parsed)
    kernel.fast_forward = False  # every slice taken, so slices/s measures the loop
    return kernel


def timed(run: Callable[[], int]) -> tuple[int, float]:
    """What ``run`` counted and how long it took, the garbage collector on as users run."""
    gc.collect()
    start = time.perf_counter()
    events = run()
    return events, time.perf_counter() - start


def runnable(n: int) -> tuple[int, float]:
    kernel = kernel_for({"job": "cpu 3\nexit 0"}, quantum=1)
    for _ in range(n):
        kernel.create("job", cause="batch")

    def go() -> int:
        before = kernel.counters.switches
        kernel.run()
        return kernel.counters.switches - before

    return timed(go)


def idle_crowd(n: int, slices: int = 200_000) -> tuple[int, float]:
    kernel = kernel_for({"sleeper": "sleep 1000000000\nexit 0",
                         "busy": f"cpu {slices // 10}\nexit 0"}, quantum=1)
    for _ in range(n):
        kernel.create("sleeper", cause="batch")
    kernel.run(until=1)  # everyone is asleep now
    for _ in range(10):
        kernel.create("busy", cause="batch")

    def go() -> int:
        before = kernel.counters.switches
        kernel.run(until=kernel.now + slices)
        return kernel.counters.switches - before

    return timed(go)


def cow_share(pages: int, repeats: int = 2000) -> float:
    pool = FramePool(pages + 16, 8)
    space = AddressSpace(pool)
    space.map_private("data", 16, pages)
    for page in range(pages):
        space.write((16 + page) * 8, 1)
    gc.collect()
    start = time.perf_counter()
    for _ in range(repeats):
        child = space.share_copy_on_write()
        child.release()
    return (time.perf_counter() - start) / repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=1_000_000, help="largest process count")
    args = parser.parse_args()
    sizes = [n for n in (1_000, 10_000, 100_000, 1_000_000) if n <= args.max]

    print("slices per second (a: all runnable, RR quantum 1; b: all asleep + 10 busy)")
    base_a = base_b = None
    for n in sizes:
        ea, ta = runnable(n)
        eb, tb = idle_crowd(n)
        rate_a, rate_b = ea / ta, eb / tb
        base_a = base_a or rate_a
        base_b = base_b or rate_b
        print(f"  {n:>9,} processes: (a) {rate_a:>10,.0f} /s  x{rate_a / base_a:4.2f}   "
              f"(b) {rate_b:>10,.0f} /s  x{rate_b / base_b:4.2f}")

    small, large = cow_share(1), cow_share(65_536, repeats=500)
    print("copy-on-write share (fork of a fully resident space)")
    print(f"  1 page: {small * 1e6:.2f} us   65,536 pages: {large * 1e6:.2f} us   "
          f"ratio {large / small:.2f}")


if __name__ == "__main__":
    main()

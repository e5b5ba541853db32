"""Released processes are kept as small records: what reports of an ended process read.

A run keeps every released process in ``Simulation.history`` for its report;
with the budgets off that list is as long as the run makes it.  Each record
keeps its identity, program, times, exit and the platform's data, and drops
its memory, resources, policy entry and saved registers (`Process.retire`).
"""

from __future__ import annotations

import gc
import tracemalloc

from osmodel.kernel.process import RETIRED_CONTEXT
from osmodel.kernel.report import build_report
from osmodel.kernel.scenario import loads_scenario
from osmodel.kernel.simulation import simulate


def jobs(count: int) -> str:
    return ('[scenario]\nplatform = "bare"\n[programs.job]\ncode = "cpu 2\\nexit 3"\n'
            + "".join(f'[[timeline]]\nat = {i}\nbatch = "job"\n' for i in range(count)))


def test_a_released_process_keeps_what_its_report_entry_needs() -> None:
    sim = simulate(loads_scenario(jobs(5)), record=False)
    assert len(sim.history) == 5
    for proc in sim.history:
        assert proc.sched is None and proc.wakeup is None and proc.cpu is None
        assert proc._space is None and proc._resources is None
        assert proc.space.segments == [] and list(proc.resources) == []
    # the CPU that ran the last one still shows its context until it switches again
    assert all(proc.context is RETIRED_CONTEXT for proc in sim.history[:-1])
    entries = build_report(sim)["processes"]
    assert [(e["pid"], e["name"], e["state"], e["cause"], e["exit"]["code"],
             e["times"]["cpu"], e["times"]["ended"]) for e in entries] == [
        (pid, "job", "terminated", "batch", 3, 2, 2 * pid) for pid in range(1, 6)]


def test_a_traced_switch_still_shows_the_last_process_as_it_ended() -> None:
    sim = simulate(loads_scenario(jobs(2)))
    saved = [e.info["saved"] for e in sim.recorder.events if e.kind == "switch"]
    assert saved[0] is None  # the first switch has nothing to save
    assert saved[1]["pc"] == 2 and saved[1]["memory"] == [] and saved[1]["resources"] == []
    assert saved[1]["accounting"]["ended"] == 2


def test_an_ended_process_costs_a_few_hundred_bytes() -> None:
    count = 2000
    source = jobs(count)
    simulate(loads_scenario(jobs(10)), record=False)  # imports and caches first
    gc.collect()
    tracemalloc.start()
    try:
        sim = simulate(loads_scenario(source), record=False)
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
        sim.history.clear()
        gc.collect()
        left, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    per_process = (held - left) / count
    assert per_process < 700, per_process  # 1,163 bytes before records were retired

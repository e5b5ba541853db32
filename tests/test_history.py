"""Released processes are kept as small records: what reports of an ended process read.

A run keeps every released process in ``Simulation.history`` for its report;
with the budgets off that list is as long as the run makes it.  Each record
keeps its identity, program, times, exit and the platform's data, and drops
its memory, resources, policy entry and saved registers (`Process.retire`).
"""

from __future__ import annotations

import gc
import tracemalloc
from typing import Any

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


def varied(count: int) -> str:
    """Jobs of different lengths arriving together, so each waits a different time."""
    programs = "".join(f'[programs.j{n}]\ncode = "cpu {n}\\nexit 0"\n' for n in (1, 3, 5))
    return ('[scenario]\nplatform = "bare"\n' + programs
            + "".join(f'[[timeline]]\nat = {i // 3}\nbatch = "j{(1, 3, 5)[i % 3]}"\n'
                      for i in range(count)))


def capped_report(source: str, kept: int) -> dict[str, Any]:
    sim = simulate(loads_scenario(source), record=False, run=False)
    sim.kernel.history_kept = kept
    sim.run()
    assert len(sim.history) == min(kept, sim.kernel.counters.ended)
    return build_report(sim)


def test_history_keeps_the_first_released_and_counts_the_rest() -> None:
    source = varied(12)
    whole, capped = capped_report(source, 100), capped_report(source, 5)
    assert whole["summary"]["processes_unlisted"] == 0
    assert capped["summary"]["processes_unlisted"] == 7
    first = sorted(whole["processes"], key=lambda e: e["times"]["ended"])[:5]
    assert capped["processes"] == sorted(first, key=lambda e: e["pid"])
    # every count and average is of the whole run, not of the processes listed
    assert {k: v for k, v in capped["summary"].items() if k != "processes_unlisted"} == {
        k: v for k, v in whole["summary"].items() if k != "processes_unlisted"}
    turnarounds = [e["metrics"]["turnaround"] for e in whole["processes"]]
    assert capped["summary"]["average"]["turnaround"] == round(sum(turnarounds) / 12, 2)
    assert len(set(turnarounds)) > 3  # the averages are not of equal values


def test_the_text_summary_says_how_many_are_not_listed() -> None:
    from osmodel.kernel.render import summary_lines

    lines = summary_lines(capped_report(varied(6), 4))
    assert "2 released processes not listed" in "\n".join(lines)
    assert not any("not listed" in line for line in summary_lines(capped_report(varied(6), 6)))

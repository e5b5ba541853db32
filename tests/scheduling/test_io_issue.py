"""An I/O starts when it is issued, even when the process loses its CPU in that same tick.

The ``io`` instruction is an issue tick, the start of the request, then the
completion tick.  A process whose issue tick ends as its quantum ends, or as
a preempting process becomes ready, is blocked with its I/O in flight; it is
never put back on the ready queue with the request not yet made (OSTEP's
mlfq.py starts the I/O in the tick it is issued, whatever happens next).
"""

from __future__ import annotations

import pytest

from osmodel.kernel.manager import make_plugin_manager
from osmodel.plugins.schedule import engine
from osmodel.plugins.schedule.workload import Workload, jobs_from, program_steps

PM = make_plugin_manager(autoload=False)


def column(policy: str, options: tuple[tuple[str, object], ...], programs: list[str],
           arrivals: list[int], priorities: list[int] | None = None,
           job: int = 0) -> list[str]:
    fields = [("--priorities", "priority", priorities)] if priorities else []
    workload = Workload(jobs_from([program_steps(p) for p in programs], arrivals, fields),
                        mixed=True)
    outcome = engine.run(PM, workload, engine.Setup(policy, options))
    return [tick.states[job] for tick in outcome.ticks]


def test_mlfq_the_issue_tick_preempted_by_a_job_back_from_io_still_blocks() -> None:
    # osmodel schedule --policy mlfq --quantum 10 --process c11,i5,c1 --process i2,c1
    # --arrivals 0,10: P0 issues its I/O in tick 13, as P1's I/O completes and P1
    # (higher queue) takes the CPU; P0's I/O runs from 13 to 18, done at 19
    states = column("mlfq", (("quantum", 10),), ["c11,i5,c1", "i2,c1"], [0, 10])
    assert states[12] == "RUN:io"
    assert states[13:18] == ["BLOCKED"] * 5
    assert states[18:] == ["RUN:io_done", "RUN:cpu"]
    assert "READY" not in states[12:]


def test_mlfq_an_issue_tick_that_ends_the_quantum_blocks() -> None:
    # quantum 3, both in the top queue: P0's quantum ends with its issue tick (ticks 1-2
    # compute, 3 issues); its I/O runs while P1 has its quantum, not after it
    options = (("quantum", 3), ("allotment", 6), ("boost", 0))
    states = column("mlfq", options, ["c2,i4,c1", "c6"], [0, 0])
    assert states[:7] == ["RUN:cpu", "RUN:cpu", "RUN:io", *["BLOCKED"] * 4]
    assert column("mlfq", options, ["c2,i4,c1", "c6"], [0, 0], job=1)[3:6] == ["RUN:cpu"] * 3


@pytest.mark.parametrize("policy, options", [
    ("priority", (("preemptive", True),)),
    ("stcf", ()),
])
def test_a_preempting_arrival_in_the_issue_tick_finds_the_process_blocked(
        policy: str, options: tuple[tuple[str, object], ...]) -> None:
    # P0 computes 2 ticks and issues an I/O of 3 in tick 3; P1 (priority 1, 1 tick long)
    # arrives as the issue tick ends: P0 is blocked from tick 4 to 6, back at 7
    states = column(policy, options, ["c2,i3,c1", "c1"], [0, 3], priorities=[5, 1])
    assert states == ["RUN:cpu", "RUN:cpu", "RUN:io", "BLOCKED", "BLOCKED", "BLOCKED",
                      "RUN:io_done", "RUN:cpu"]


def test_round_robin_quantum_ending_with_the_issue_tick_blocks() -> None:
    # quantum 3: P0's third tick is the issue; its I/O starts there, P1 runs meanwhile
    states = column("rr", (("quantum", 3),), ["c2,i3,c1", "c4"], [0, 0])
    assert states[:6] == ["RUN:cpu", "RUN:cpu", "RUN:io", "BLOCKED", "BLOCKED", "BLOCKED"]
    other = column("rr", (("quantum", 3),), ["c2,i3,c1", "c4"], [0, 0], job=1)
    assert other[3:6] == ["RUN:cpu", "RUN:cpu", "RUN:cpu"]

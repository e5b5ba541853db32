"""The process-state homework: published results, and tick-for-tick agreement with its simulator.

The homework simulator (OSTEP's process-run.py) advances one tick at a time:
at the start of a tick I/O completions make processes ready (and, by its
rules, may hand them the CPU); then the current process runs one
instruction; at the end of the tick an I/O start blocks it and, when it
switches on I/O, the next ready process after it (in process order) gets
the CPU, as it does when a process runs out of instructions.  `homework`
below restates those rules in a few lines; osmodel's event-driven kernel with
the ``cyclic`` policy must print the same table for any workload.
"""

from __future__ import annotations

import random

import pytest

from osmodel.kernel.manager import make_plugin_manager
from osmodel.plugins.schedule import engine
from osmodel.plugins.schedule.workload import Step, Workload, jobs_from, program_steps

Row = tuple[int, bool, tuple[str, ...], int, int]


def homework(programs: list[tuple[Step, ...]], *, on_end: bool,
             immediate: bool) -> tuple[list[Row], int, int, int]:
    """The homework simulator's rules, one tick at a time: rows, CPU busy, I/O busy, time.

    Its I/Os all last the same; here each lasts what its step says, by the same rules.
    """
    code = [[op for step in steps
             for op in ([("cpu", 0)] * step.ticks if step.kind == "cpu"
                        else [("io", step.ticks), ("io_done", 0)])]
            for steps in programs]
    count = len(code)
    state = ["READY"] * count
    finishes: list[list[int]] = [[] for _ in range(count)]
    current = 0
    state[0] = "RUNNING"

    def runnable() -> int:
        return sum(1 for s in state if s in ("READY", "RUNNING"))

    def switch_to(pid: int | None = None) -> None:
        nonlocal current
        if pid is None:
            order = [*range(current + 1, count), *range(current + 1)]
            pid = next((p for p in order if state[p] == "READY"), None)
            if pid is None:
                return
        current = pid
        state[pid] = "RUNNING"

    def end_if_done() -> None:
        if not code[current] and state[current] == "RUNNING":
            state[current] = "DONE"
            switch_to()

    rows: list[Row] = []
    tick = cpu_busy = io_busy = 0
    while any(s != "DONE" for s in state):
        tick += 1
        completed = False
        for pid in range(count):
            if tick in finishes[pid]:
                completed = True
                state[pid] = "READY"
                if immediate:
                    if current != pid and state[current] == "RUNNING":
                        state[current] = "READY"
                    switch_to(pid)
                elif (on_end and runnable() > 1) or runnable() == 1:
                    switch_to(pid)
                end_if_done()
        op, length = (code[current].pop(0) if state[current] == "RUNNING" and code[current]
                      else (None, 0))
        cpu_busy += op is not None
        in_flight = sum(1 for times in finishes for t in times if t > tick)
        io_busy += in_flight > 0
        states = tuple(f"RUN:{op}" if pid == current and op else state[pid]
                       for pid in range(count))
        rows.append((tick, completed, states, int(op is not None), in_flight))
        if op == "io":
            state[current] = "BLOCKED"
            finishes[current].append(tick + length + 1)
            if not on_end:
                switch_to()
        end_if_done()
    return rows, cpu_busy, io_busy, tick


def simulate(programs: list[tuple[Step, ...]], *, on_end: bool = False,
             immediate: bool = False) -> engine.Outcome:
    workload = Workload(jobs_from(programs, None), mixed=True)
    options = (("switch", "on-end" if on_end else "on-io"),
               ("io_done", "immediate" if immediate else "later"))
    return engine.run(PM, workload, engine.Setup("cyclic", options))


PM = make_plugin_manager(autoload=False)


def rows_of(outcome: engine.Outcome) -> list[Row]:
    return [(t.tick, t.io_done, t.states, t.cpu, t.io) for t in outcome.ticks]


# ------------------------------------------------------------------- the published results


def test_io_then_cpu_switching_on_io_takes_7_ticks() -> None:
    outcome = simulate([program_steps("i5"), program_steps("c4")])
    assert outcome.elapsed == 7
    assert sum(outcome.busy) == 6 and engine.fixed(engine.percent(6, 7)) == "85.71"
    assert outcome.io_busy == 5 and engine.fixed(engine.percent(5, 7)) == "71.43"
    assert rows_of(outcome) == [
        (1, False, ("RUN:io", "READY"), 1, 0),
        (2, False, ("BLOCKED", "RUN:cpu"), 1, 1),
        (3, False, ("BLOCKED", "RUN:cpu"), 1, 1),
        (4, False, ("BLOCKED", "RUN:cpu"), 1, 1),
        (5, False, ("BLOCKED", "RUN:cpu"), 1, 1),
        (6, False, ("BLOCKED", "DONE"), 0, 1),
        (7, True, ("RUN:io_done", "DONE"), 1, 0),
    ]


def test_io_then_cpu_switching_only_at_the_end_takes_11_ticks() -> None:
    outcome = simulate([program_steps("i5"), program_steps("c4")], on_end=True)
    assert (outcome.elapsed, sum(outcome.busy), outcome.io_busy) == (11, 6, 5)
    assert [t.states[1] for t in outcome.ticks] == ["READY"] * 7 + ["RUN:cpu"] * 4
    assert [t.cpu for t in outcome.ticks] == [1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]


def test_cpu_then_io_takes_11_ticks_either_way() -> None:
    # the homework's question 2: the I/O starts only after the CPU-bound process ends
    for on_end in (False, True):
        outcome = simulate([program_steps("c4"), program_steps("i5")], on_end=on_end)
        assert (outcome.elapsed, sum(outcome.busy), outcome.io_busy) == (11, 6, 5)


def test_one_io_process_and_three_cpu_bound_ones() -> None:
    # the homework's questions 6 and 7: waiting its turn, the I/O-bound process gets
    # the CPU back only after everyone else; running at once, it keeps the device busy
    programs = [program_steps("i,i,i"), *[program_steps("c5")] * 3]
    later = simulate(programs)
    assert (later.elapsed, sum(later.busy), later.io_busy) == (31, 21, 15)
    immediate = simulate(programs, immediate=True)
    assert (immediate.elapsed, sum(immediate.busy), immediate.io_busy) == (21, 21, 15)


# ------------------------------------------------------------- agreement tick for tick


def random_program(rng: random.Random, io_lengths: list[int]) -> tuple[Step, ...]:
    text = ",".join(rng.choice([f"c{rng.randint(1, 4)}", f"i{rng.choice(io_lengths)}"])
                    for _ in range(rng.randint(1, 5)))
    return program_steps(text)


@pytest.mark.parametrize("on_end", [False, True], ids=["on-io", "on-end"])
@pytest.mark.parametrize("immediate", [False, True], ids=["later", "immediate"])
def test_every_tick_agrees_with_the_homework_simulator(on_end: bool, immediate: bool) -> None:
    rng = random.Random(f"{on_end}{immediate}")
    for case in range(300):
        # half the cases as in the homework (every I/O as long), half with lengths mixed
        lengths = [rng.randint(1, 6)] if case % 2 else [1, 2, 3, 5]
        programs = [random_program(rng, lengths) for _ in range(rng.randint(1, 4))]
        rows, cpu_busy, io_busy, total = homework(programs, on_end=on_end,
                                                  immediate=immediate)
        outcome = simulate(programs, on_end=on_end, immediate=immediate)
        label = str([",".join(map(str, p)) for p in programs])
        assert rows_of(outcome) == rows, label
        assert (outcome.elapsed, sum(outcome.busy), outcome.io_busy) == \
            (total, cpu_busy, io_busy), label

"""Fast-forwarded round robin gives exactly the run that slice-by-slice scheduling gives.

The kernel counts the turns of a round-robin cycle instead of taking them
(`Kernel._forward`); every number a user sees must be what the plain loop
produces.  Each property runs the same workload twice, with
``Kernel.fast_forward`` on and off, and compares everything the run measured.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osmodel.kernel.kernel import Kernel
from osmodel.kernel.manager import make_plugin_manager
from osmodel.kernel.runs import Alive, Phase
from osmodel.plugins.schedule import engine, report
from osmodel.plugins.schedule.workload import Step, Workload, jobs_from

PM = make_plugin_manager(autoload=False)
POLICIES = engine.known_policies(PM)


def outcome(workload: Workload, setup: engine.Setup, *, forward: bool,
            monkeypatch: pytest.MonkeyPatch) -> engine.Outcome:
    with monkeypatch.context() as patch:
        patch.setattr(Kernel, "fast_forward", forward)
        return engine.run(PM, workload, setup)


def measured(result: engine.Outcome) -> dict[str, Any]:
    """Everything a run reports, slices replayed one by one."""
    return {"jobs": result.jobs, "slices": list(result.slices), "runs": result.slices.runs(),
            "elapsed": result.elapsed, "busy": result.busy, "switching": result.switching,
            "switches": result.switches, "io_busy": result.io_busy,
            "overlap": result.overlap(), "text": report.answer_lines(result, 60, None),
            "json": "".join(report.json_chunks(report.answer_json(result, None)))}


def setups(policy: str, quantum: int, cost: int) -> engine.Setup:
    options = (("quantum", quantum),) if policy in ("rr", "mlfq") else ()
    return engine.Setup(policy, options, switch_cost=cost)


job_steps = st.lists(
    st.one_of(st.builds(Step, st.just("cpu"), st.integers(1, 40)),
              st.builds(Step, st.just("io"), st.integers(1, 6))),
    min_size=1, max_size=3,
).filter(lambda steps: steps[0].kind == "cpu")


@settings(max_examples=150, deadline=None)
@given(steps=st.lists(job_steps, min_size=1, max_size=14),
       arrivals=st.lists(st.integers(0, 80), min_size=14, max_size=14),
       spread=st.booleans(), quantum=st.integers(1, 6), cost=st.sampled_from([0, 0, 1, 3]),
       policy=st.sampled_from(["rr", "rr", "rr", *POLICIES]))
def test_forwarding_changes_nothing_a_user_sees(steps: list[list[Step]], arrivals: list[int],
                                                spread: bool, quantum: int, cost: int,
                                                policy: str) -> None:
    count = len(steps)
    jobs = jobs_from([tuple(s) for s in steps], arrivals[:count] if spread else None)
    workload = Workload(jobs)
    setup = setups(policy, quantum, cost)
    with pytest.MonkeyPatch.context() as patch:
        fast = measured(outcome(workload, setup, forward=True, monkeypatch=patch))
        plain = measured(outcome(workload, setup, forward=False, monkeypatch=patch))
    assert fast == plain


@pytest.mark.parametrize(("policy", "cost"), [("rr", 0), ("rr", 2), ("mlfq", 0), ("mlfq", 1)])
def test_many_jobs_become_one_phase_with_the_same_answers(
        policy: str, cost: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    lengths = [rng.randint(1, 30) for _ in range(400)]
    workload = Workload(jobs_from([(Step("cpu", n),) for n in lengths], None))
    setup = engine.Setup(policy, (("quantum", 1),), switch_cost=cost)
    fast = outcome(workload, setup, forward=True, monkeypatch=monkeypatch)
    plain = outcome(workload, setup, forward=False, monkeypatch=monkeypatch)
    assert fast.slices.log.phases, "the round robin was not fast-forwarded"
    # the first round is taken turn by turn (a job that has not run has no burst yet;
    # under mlfq, the rounds above the bottom level too), the rest is a phase
    rounds = 3 if policy == "mlfq" else 1
    assert len(fast.slices.log.pids) < 2 * rounds * len(lengths) + 50 < sum(lengths) / 2
    assert not plain.slices.log.phases
    assert fast.slices.runs() == plain.slices.runs() == sum(lengths)
    assert measured(fast) == measured(plain)


def test_a_lone_job_keeps_its_quantum_without_a_slice_each_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    workload = Workload(jobs_from([(Step("cpu", 100_000),)], None))
    setup = engine.Setup("rr", (("quantum", 1),))
    fast = outcome(workload, setup, forward=True, monkeypatch=monkeypatch)
    assert len(fast.slices.log.pids) <= 3
    assert list(fast.slices) == [engine.Slice(0, 0, 0, 100_000)]
    assert measured(fast) == measured(outcome(workload, setup, forward=False,
                                              monkeypatch=monkeypatch))


def test_a_huge_run_is_drawn_from_samples_without_replaying_it() -> None:
    lengths = [3, 1, 2] * 40_000  # 240,000 one-tick slices
    workload = Workload(jobs_from([(Step("cpu", n),) for n in lengths], None))
    result = engine.run(PM, workload, engine.Setup("rr", (("quantum", 1),)))
    assert result.slices.runs() == sum(lengths) > report.MAX_GANTT
    lines = report.gantt_lines(result, 60)
    assert "job running at its middle tick" in lines[0]
    # the first column's middle tick is in round two: among the jobs still there
    # (lengths 3 and 2, every third job of which has left), its slot is a job's
    step = -(-result.elapsed // 60)
    expected = next(s.job for s in result.slices if s.start <= step // 2 < s.end)
    assert lines[2][6] == report.symbol(expected)
    assert report.answer_json(result, None)["gantt"] is None


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 30), data=st.data())
def test_alive_counts_and_finds_like_a_list(n: int, data: st.DataObject) -> None:
    alive = Alive(n)
    present = list(range(n))
    for position in data.draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n)):
        alive.remove(position)
        present.remove(position)
        assert alive.count == len(present)
        for p in range(n + 1):
            assert alive.below(p) == sum(1 for q in present if q < p)
        for rank, position_ in enumerate(present):
            assert alive.kth(rank) == position_


@settings(max_examples=200, deadline=None)
@given(n=st.integers(2, 8), quantum=st.integers(1, 4), cost=st.integers(0, 2),
       data=st.data())
def test_a_phase_answers_who_ran_as_its_turns_say(n: int, quantum: int, cost: int,
                                                  data: st.DataObject) -> None:
    """who_at and slices agree with replaying every turn, whatever the exits."""
    phase = Phase(0, 5, tuple(range(100, 100 + n)), quantum, cost)
    alive = [True] * n
    slots = [(r, p) for r in range(4) for p in range(n)]
    end = data.draw(st.integers(0, len(slots) - 1))
    for rnd, position in slots[:end]:
        if alive[position] and sum(alive) > 2 and data.draw(st.booleans()):
            phase.exits.append((rnd, position, data.draw(st.integers(1, quantum))))
            alive[position] = False
    phase.end_round, phase.end_position = slots[end]
    turns = list(phase.turns())
    assert phase.slices() == len(turns)
    phase.end = turns[-1][1] + cost + turns[-1][2] if turns else phase.start
    owner: list[int | None] = []
    for pid, begin, ran in turns:
        assert begin == phase.start + len(owner)
        owner += [None] * cost + [pid] * ran
    assert phase.who_at(list(range(phase.start, phase.end))) == owner

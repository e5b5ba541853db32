"""xv6rr: each CPU scans the process table in slot order from the slot after the last it ran."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from osmodel.kernel.errors import ConfigError
from osmodel.kernel.simulation import Simulation
from osmodel.testing import Run

from osmodel_xv6.scheduler import Xv6RoundRobin
from xv6testing import machine


def proc(slot: int) -> Any:
    return SimpleNamespace(pid=100 + slot, extra={"slot": slot}, exit=None)


def cpu(index: int = 0) -> Any:
    return SimpleNamespace(index=index)


def test_it_runs_in_slot_order_not_in_arrival_order() -> None:
    sched = Xv6RoundRobin(SimpleNamespace(processes={}), {})  # type: ignore[arg-type]
    five, one, three = proc(5), proc(1), proc(3)
    for p in (five, one, three):
        sched.admit(p, "woken")
    assert [sched.pick(cpu())] == [one]
    sched.admit(one, "quantum expired")  # back at once: it must wait for the loop
    assert [sched.pick(cpu()), sched.pick(cpu())] == [three, five]
    assert sched.pick(cpu()) is one  # past the last slot: round to proc[0]
    assert sched.pick(cpu()) is None


def test_each_cpu_has_its_own_place_in_the_loop() -> None:
    sched = Xv6RoundRobin(SimpleNamespace(processes={}), {})  # type: ignore[arg-type]
    procs = [proc(s) for s in (0, 1, 2, 3)]
    for p in procs:
        sched.admit(p, "new")
    picked = [sched.pick(cpu(0)), sched.pick(cpu(0)), sched.pick(cpu(1))]
    assert picked == procs[:3]  # cpu1 starts at slot 0, but 0 and 1 are taken
    sched.admit(procs[0], "woken")
    assert sched.pick(cpu(0)) is procs[3]  # cpu0 goes on after slot 1
    assert sched.pick(cpu(1)) is procs[0]  # cpu1 went past slot 2: wraps round


def test_a_removed_process_leaves_the_loop() -> None:
    sched = Xv6RoundRobin(SimpleNamespace(processes={}), {})  # type: ignore[arg-type]
    a, b = proc(0), proc(1)
    sched.admit(a, "new")
    sched.admit(b, "new")
    sched.remove(a)
    assert [sched.pick(cpu()), sched.pick(cpu())] == [b, None]


def test_the_default_quantum_is_one_tick_as_xv6s_timer() -> None:
    sched = Xv6RoundRobin(SimpleNamespace(processes={}), {})  # type: ignore[arg-type]
    assert sched.slice(proc(0), cpu()) == 1
    unlimited = Xv6RoundRobin(SimpleNamespace(processes={}), {"quantum": 0})  # type: ignore[arg-type]
    assert unlimited.slice(proc(0), cpu()) is None


@pytest.mark.parametrize(("options", "message"), [
    ({"slice": 2}, "xv6rr has no option 'slice'"),
    ({"quantum": -1}, "quantum must be an integer >= 0"),
    ({"quantum": True}, "quantum must be an integer >= 0"),
])
def test_bad_options_are_named(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Xv6RoundRobin(SimpleNamespace(processes={}), options)  # type: ignore[arg-type]


REUSED_SLOT = """
        spawn brief -> r1           ; slot 3
        spawn kid, 0 -> r2          ; slot 4: "early"
        wait r1 -> r3               ; slot 3 is free again
        spawn kid, 1 -> r3          ; slot 3: "late", a higher pid
        uptime -> r6
        sub 38, r6 -> r6
        sleep r6                    ; wake at 38 and compute: main (slot 2) runs last
        cpu 5
        wait r2 -> r4
        wait r3 -> r4
"""
#: Sleeps until tick 40 whenever it starts, then says which kid it is.
KID = "uptime -> r6\nsub 40, r6 -> r6\nsleep r6\nprint r0"


@pytest.mark.parametrize(("scheduler", "order"), [("xv6rr", ["1", "0"]), ("rr", ["0", "1"])])
def test_a_reused_low_slot_runs_before_an_earlier_arrival(
        xv6: Callable[..., Run], scheduler: str, order: list[str]) -> None:
    """Both kids become runnable at tick 40, "early" first.  A FIFO queue (rr) runs
    "early" first; xv6's loop, having last run main in slot 2, reaches slot 3 ("late")
    first."""
    options = {"quantum": 1}
    sim = xv6({"main": REUSED_SLOT, "kid": KID, "brief": "exit 0"},
              machine=machine(scheduler=scheduler, scheduler_options=options))
    assert sim.said()[1:] == order
    kids = sim.procs("kid")
    assert [k.extra["slot"] for k in kids] == [4, 3]


def test_it_works_on_other_platforms_with_slots_of_its_own(
        osmodel_run: Callable[..., Simulation]) -> None:
    import attrs
    from osmodel.kernel.machine import Machine

    import osmodel_xv6

    machine = attrs.evolve(Machine(), scheduler="xv6rr")
    sim = osmodel_run({"main": "spawn kid -> r1\nwait r1 -> r2\nprint r2", "kid": "exit 4"},
                      platform="unix", machine=machine, plugins=(osmodel_xv6,))
    assert next(text for *_, text in sim.kernel.output) == "4"

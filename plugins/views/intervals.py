"""Turn the event stream into intervals: who was in which state, what ran where, when.

Every view (the terminal timeline, the Perfetto export, the HTML report) is
drawn from these, so they always agree with the trace.
"""

from __future__ import annotations

from collections.abc import Iterable

from attrs import frozen

from osmodel.kernel.events import Event


@frozen
class Interval:
    """``who`` (a pid, or a CPU index) was ``what`` from ``start`` to ``end``."""

    who: int
    what: str
    start: int
    end: int
    cpu: int | None = None


def state_intervals(events: Iterable[Event], clock: int) -> list[Interval]:
    """Each process's states over time, from its creation to its release or the end."""
    open_: dict[int, tuple[str, int, int | None]] = {}
    out: list[Interval] = []
    for event in events:
        pid = event.pid
        if pid is None:
            continue
        if event.kind == "create":
            open_[pid] = ("new", event.time, None)
        elif event.kind == "state":
            if pid in open_:
                state, since, cpu = open_[pid]
                if event.time > since:
                    out.append(Interval(pid, state, since, event.time, cpu))
            open_[pid] = (event.info["new"], event.time, event.cpu)
        elif event.kind == "release" and pid in open_:
            state, since, cpu = open_.pop(pid)
            if event.time > since:
                out.append(Interval(pid, state, since, event.time, cpu))
    for pid, (state, since, cpu) in open_.items():
        if clock > since and state != "terminated":
            out.append(Interval(pid, state, since, clock, cpu))
    return sorted(out, key=lambda i: (i.who, i.start))


def cpu_intervals(events: Iterable[Event], clock: int) -> list[Interval]:
    """What each CPU ran: ``who`` is the CPU, ``what`` the pid as text."""
    return sorted(
        (Interval(i.cpu, str(i.who), i.start, i.end) for i in state_intervals(events, clock)
         if i.what == "running" and i.cpu is not None),
        key=lambda i: (i.who, i.start),
    )

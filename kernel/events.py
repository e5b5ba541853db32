"""Trace events: what happened, when, to whom and why, and the table of their kinds.

Events are frozen values.  Sinks receive them in order; the kernel builds an
event only when at least one sink is attached, so an untraced run pays
nothing for tracing (`Kernel.trace` returns at once; no call site needs to
guard it).

Every kind is a contract between the plugin that emits it and the views and
sinks that read it: `CORE_EVENTS` documents the kernel's kinds and their
fields, and a platform documents its own in `Platform.events`;
tests/test_events.py runs every installed platform's demo and checks that
each event it emits is documented there, with its fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from attrs import field, frozen

#: Fields every event has, beside its ``info`` (see `Event.as_dict`).
BASE_FIELDS = ("time", "seq", "kind", "pid", "cpu")


@frozen
class Event:
    """One trace event.

    ``kind`` names what happened (``create``, ``state``, ``switch``, ``exit``,
    ``fault``, or a platform's own kind such as ``signal``); ``info`` holds
    the details, JSON-ready.
    """

    time: int
    seq: int
    kind: str
    pid: int | None = None
    cpu: int | None = None
    info: Mapping[str, Any] = field(factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"time": self.time, "seq": self.seq, "kind": self.kind}
        if self.pid is not None:
            out["pid"] = self.pid
        if self.cpu is not None:
            out["cpu"] = self.cpu
        for key, value in self.info.items():
            out.setdefault(key, value)  # details never hide time, seq or kind
        return out


class TraceSink(Protocol):
    """Receives every event of a run, in order.  Obtained once at boot."""

    def emit(self, event: Event) -> None: ...

    def close(self) -> None: ...


class Recorder:
    """A sink that keeps every event in memory (for reports and tests)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def close(self) -> None:
        pass

    def of_kind(self, *kinds: str) -> list[Event]:
        return [e for e in self.events if e.kind in kinds]


class StateWatch:
    """A sink that keeps, of all the events, only what a run's summary says of its states:
    which were entered, in order, how often each transition happened (and why a running
    process was made ready), and the most processes running at once.  It costs no
    memory per event, so a run whose trace nobody asked for keeps none."""

    def __init__(self) -> None:
        self.states: list[str] = []
        #: (old, new) -> how many times, in the order each first happened.
        self.transitions: dict[tuple[str, str], int] = {}
        #: Why running processes were made ready (``quantum expired``, ``preempted``).
        self.preempted: dict[str, int] = {}
        self.running = 0
        self.most_running = 0

    def emit(self, event: Event) -> None:
        if event.kind == "state":
            info = event.info
            new, old = info["new"], info["old"]
            if new not in self.states:
                self.states.append(new)
            key = (old, new)
            self.transitions[key] = self.transitions.get(key, 0) + 1
            if old == "running":
                self.running -= 1
                if new == "ready":
                    reason = info["reason"]
                    self.preempted[reason] = self.preempted.get(reason, 0) + 1
            if new == "running":
                self.running += 1
                if self.running > self.most_running:
                    self.most_running = self.running
        elif event.kind == "create" and "new" not in self.states:
            self.states.append("new")

    @property
    def preemptions(self) -> int:
        """Times a running process lost its CPU and stayed ready: its quantum expired, or
        a more urgent process took the CPU."""
        return sum(self.preempted.values())

    def close(self) -> None:
        pass


@frozen
class EventKind:
    """What one kind of event means and the fields of its ``info``.

    ``fields`` maps each field to its meaning; ``optional`` names those that
    only some events of the kind carry (the rest are always there).
    """

    summary: str
    fields: Mapping[str, str] = field(factory=dict)
    optional: frozenset[str] = frozenset()

    def problems(self, info: Mapping[str, Any]) -> list[str]:
        """What an event's ``info`` lacks or has beyond this description (empty: none)."""
        missing = sorted(set(self.fields) - self.optional - set(info))
        unknown = sorted(set(info) - set(self.fields))
        return ([f"lacks {', '.join(missing)}"] if missing else []) + (
            [f"has undocumented {', '.join(unknown)}"] if unknown else [])


def kind(summary: str, optional: tuple[str, ...] = (), **fields: str) -> EventKind:
    """An `EventKind`: ``kind(summary, (optional, ...), field=meaning, ...)``."""
    return EventKind(summary, fields, frozenset(optional))


#: The kinds the kernel itself emits, on every platform.  ``pid`` is the process the
#: event is about (None for the machine), ``cpu`` the CPU it happened on, if any.
CORE_EVENTS: Mapping[str, EventKind] = {
    "create": kind("a process exists (state new)", name="its name", program="its program",
                    cause="boot, user, batch or syscall",
                    creator="the creating process's pid, or None"),
    "state": kind("a state transition", old="the state left", new="the state entered",
                   reason="why, in words (dispatched, quantum expired, io:disk ...)"),
    "switch": kind("a context switch onto ``cpu``", old="the pid switched out, or None",
                    cost="ticks the switch takes", saved="the context saved, or None",
                    loaded="the context loaded: pc and sp"),
    "exit": kind("a process ended", end="normal, error, killed or fatal",
                  code="the exit code, or None", signal="the signal that ended it, or None",
                  reason="why, in the platform's words"),
    "release": kind("the record of an ended process is gone; its pid is free"),
    "fault": kind("a hardware fault, before the platform turns it into a signal or "
                   "exception", ("address", "write"), fault="divide_by_zero, bad_address, "
                   "illegal_instruction or out_of_memory", pc="the faulting instruction",
                   address="the bad address", write="whether it was a write"),
    "io": kind("an I/O request starts or completes", ("ticks",), device="the device",
                phase="start or done", ticks="how long it takes (start only)"),
    "print": kind("a line of output (`Console.write`), also kept in ``kernel.output``",
                   text="the line"),
    "return": kind("a handler's ``ret`` resumed the interrupted code",
                    pc="where it resumed"),
    "outside": kind("a timeline event arrives from outside the machine",
                     ("program", "key", "target", "signal", "background", "result"),
                     event="user, batch, key or kill", program="the program, or None",
                     key="the key, or None", target="the kill's target, or None",
                     signal="the kill's signal, or None",
                     background="whether a user command runs in the background",
                     result="why nothing was done (no such process)"),
    "limit": kind("a budget ran out: the run stops", reason="what ran out and how to "
                   "raise it"),
}


def describe(kind: str, platform_events: Mapping[str, EventKind]) -> EventKind | None:
    """The documentation of ``kind`` in a run on a platform with ``platform_events``."""
    return CORE_EVENTS.get(kind) or platform_events.get(kind)

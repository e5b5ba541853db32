"""Trace events: what happened, when, to whom and why.

Events are frozen values.  Sinks receive them in order; the kernel builds an
event only when at least one sink is attached, so an untraced run pays
nothing for tracing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from attrs import field, frozen


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

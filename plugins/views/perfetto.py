"""The Chrome trace-event format, which Perfetto and chrome://tracing open.

One track per CPU (what ran there) and one per process (its states), as
complete ("X") slices; instant ("i") events for creation, exit, faults and
every platform event.  One simulated tick is shown as one microsecond.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from osmodel.kernel.events import Event

from .intervals import cpu_intervals, state_intervals

CPU_TRACK = 1
PROCESS_TRACK = 2
QUIET_KINDS = {"state", "switch", "print"}


def chrome_trace(events: Sequence[Event], names: Mapping[int, str], ncpus: int,
                 clock: int, platform: str) -> dict[str, Any]:
    out: list[dict[str, Any]] = [
        {"ph": "M", "name": "process_name", "pid": CPU_TRACK, "tid": 0,
         "args": {"name": f"CPUs ({platform})"}},
        {"ph": "M", "name": "process_name", "pid": PROCESS_TRACK, "tid": 0,
         "args": {"name": "processes"}},
    ]
    for cpu in range(ncpus):
        out.append({"ph": "M", "name": "thread_name", "pid": CPU_TRACK, "tid": cpu,
                    "args": {"name": f"cpu{cpu}"}})
    for pid, name in sorted(names.items()):
        out.append({"ph": "M", "name": "thread_name", "pid": PROCESS_TRACK, "tid": pid,
                    "args": {"name": f"{pid} {name}"}})
    for interval in cpu_intervals(events, clock):
        pid = int(interval.what)
        out.append({"ph": "X", "name": f"{pid} {names.get(pid, '?')}", "cat": "cpu",
                    "pid": CPU_TRACK, "tid": interval.who, "ts": interval.start,
                    "dur": interval.end - interval.start})
    for interval in state_intervals(events, clock):
        out.append({"ph": "X", "name": interval.what, "cat": "state", "pid": PROCESS_TRACK,
                    "tid": interval.who, "ts": interval.start,
                    "dur": interval.end - interval.start})
    for event in events:
        if event.kind in QUIET_KINDS or event.pid is None:
            continue
        args = {k: v for k, v in event.info.items() if v is not None}
        out.append({"ph": "i", "s": "t", "name": event.kind, "cat": "event",
                    "pid": PROCESS_TRACK, "tid": event.pid, "ts": event.time, "args": args})
    return {"traceEvents": out, "displayTimeUnit": "ms",
            "otherData": {"generator": "osmodel", "platform": platform, "clock": clock}}

"""The Chrome trace-event format, which Perfetto and chrome://tracing open.

One track per CPU (what ran there) and one per process (its states; a
reused pid gets a new track for the new process), as
complete ("X") slices; instant ("i") events for creation, exit, faults and
every platform event.  One simulated tick is shown as one microsecond.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import Any

from osmodel.kernel.events import Event

from .intervals import cpu_intervals, state_intervals

CPU_TRACK = 1
PROCESS_TRACK = 2
QUIET_KINDS = {"state", "switch", "print"}


class Lives:
    """Which process a pid named at a given time: Windows reuses pids, so one pid can
    stand for several processes in one trace, each with a track of its own."""

    def __init__(self, processes: Iterable[tuple[int, int, str]]) -> None:
        #: (pid, created, name) per process, in creation order; the track is the index + 1.
        self.processes = sorted(processes, key=lambda p: (p[1], p[0]))
        self._by_pid: dict[int, tuple[list[int], list[int]]] = {}
        for track, (pid, created, _) in enumerate(self.processes, start=1):
            times, tracks = self._by_pid.setdefault(pid, ([], []))
            times.append(created)
            tracks.append(track)

    def track(self, pid: int, time: int) -> int | None:
        """The track of the process that had ``pid`` at ``time`` (the latest created by then)."""
        found = self._by_pid.get(pid)
        if found is None:
            return None
        times, tracks = found
        index = bisect_right(times, time) - 1
        return tracks[max(index, 0)]

    def label(self, track: int) -> str:
        pid, _, name = self.processes[track - 1]
        return f"{pid} {name}"


def chrome_trace(events: Sequence[Event], processes: Iterable[tuple[int, int, str]], ncpus: int,
                 clock: int, platform: str) -> dict[str, Any]:
    """The trace for Perfetto; ``processes`` are (pid, created, name) of every process."""
    lives = Lives(processes)
    out: list[dict[str, Any]] = [
        {"ph": "M", "name": "process_name", "pid": CPU_TRACK, "tid": 0,
         "args": {"name": f"CPUs ({platform})"}},
        {"ph": "M", "name": "process_name", "pid": PROCESS_TRACK, "tid": 0,
         "args": {"name": "processes"}},
    ]
    for cpu in range(ncpus):
        out.append({"ph": "M", "name": "thread_name", "pid": CPU_TRACK, "tid": cpu,
                    "args": {"name": f"cpu{cpu}"}})
    for tid in range(1, len(lives.processes) + 1):
        out.append({"ph": "M", "name": "thread_name", "pid": PROCESS_TRACK, "tid": tid,
                    "args": {"name": lives.label(tid)}})
    for interval in cpu_intervals(events, clock):
        track = lives.track(int(interval.what), interval.start)
        out.append({"ph": "X", "name": lives.label(track) if track else interval.what,
                    "cat": "cpu", "pid": CPU_TRACK, "tid": interval.who, "ts": interval.start,
                    "dur": interval.end - interval.start})
    for interval in state_intervals(events, clock):
        track = lives.track(interval.who, interval.start)
        if track is not None:
            out.append({"ph": "X", "name": interval.what, "cat": "state",
                        "pid": PROCESS_TRACK, "tid": track, "ts": interval.start,
                        "dur": interval.end - interval.start})
    for event in events:
        if event.kind in QUIET_KINDS or event.pid is None:
            continue
        track = lives.track(event.pid, event.time)
        if track is None:
            continue
        args = {k: v for k, v in event.info.items() if v is not None}
        out.append({"ph": "i", "s": "t", "name": event.kind, "cat": "event",
                    "pid": PROCESS_TRACK, "tid": track, "ts": event.time, "args": args})
    return {"traceEvents": out, "displayTimeUnit": "ms",
            "otherData": {"generator": "osmodel", "platform": platform, "clock": clock}}

"""xv6rr: xv6's scheduler loop, round robin over the slots of the process table.

Each CPU of xv6 runs ``for(p = proc; p < &proc[NPROC]; p++) if(p->state ==
RUNNABLE) run it``, forever.  When the process it ran gives the CPU back, the
loop goes on from the next slot, so each CPU runs the runnable processes in
slot order, starting after the last one it ran, wrapping at the end.  Arrival
order does not matter, unlike a FIFO queue: a process in a low slot that
becomes runnable waits only until the loop comes round to its slot.

The timer interrupts every tick and usertrap() yields, so the default
quantum is 1 tick; ``quantum = 0`` runs each process until it sleeps or ends.
A process's slot is read from ``process.extra["slot"]`` (the xv6 platform
publishes it there); on other platforms the scheduler keeps a table of its
own, giving each process the lowest slot whose holder's record is gone, as
allocproc() would.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from osmodel.kernel import BaseScheduler, ConfigError

from .proc import SLOT_KEY

if TYPE_CHECKING:
    from osmodel.kernel import CPU, Kernel, Process


class Xv6RoundRobin(BaseScheduler):
    """Round robin in slot order, each CPU going on from the slot after the last it ran."""

    options: Mapping[str, Any] = {"quantum": 1}

    def __init__(self, kernel: Kernel, options: Mapping[str, Any]) -> None:
        super().__init__(kernel, options)
        unknown = set(self.config) - set(self.options)
        if unknown:
            raise ConfigError(f"xv6rr has no option {sorted(unknown)[0]!r} (options: quantum)")
        quantum = self.config["quantum"]
        if isinstance(quantum, bool) or not isinstance(quantum, int) or quantum < 0:
            raise ConfigError(f"xv6rr quantum must be an integer >= 0, not {quantum!r}")
        self.quantum: int | None = quantum or None
        #: Slots of the runnable processes, sorted; and who is in each.
        self.runnable: list[int] = []
        self.at: dict[int, Process] = {}
        #: Per CPU: the slot its loop looks at next.
        self.next: dict[int, int] = {}
        #: Slots given out by this scheduler when the platform publishes none.
        self.own: dict[int, Process] = {}
        self.assigned: dict[Process, int] = {}

    def slot(self, process: Process) -> int:
        found = process.extra.get(SLOT_KEY)
        if found is not None:
            return int(found)
        mine = self.assigned.get(process)
        return mine if mine is not None else self._allocate(process)

    def _allocate(self, process: Process) -> int:
        """The lowest slot whose holder's record is gone, as allocproc() scans."""
        live = self.kernel.processes
        slot = 0
        while True:
            holder = self.own.get(slot)
            if holder is None or live.get(holder.pid) is not holder:
                if holder is not None:
                    del self.assigned[holder]
                self.own[slot] = process
                self.assigned[process] = slot
                return slot
            slot += 1

    def admit(self, process: Process, reason: str) -> None:
        slot = self.slot(process)
        self.at[slot] = process
        insort(self.runnable, slot)

    def pick(self, cpu: CPU) -> Process | None:
        runnable = self.runnable
        if not runnable:
            return None
        i = bisect_left(runnable, self.next.get(cpu.index, 0))
        if i == len(runnable):
            i = 0  # past the last slot: the loop starts again at proc[0]
        slot = runnable.pop(i)
        self.next[cpu.index] = slot + 1
        return self.at.pop(slot)

    def remove(self, process: Process) -> None:
        slot = self.slot(process)
        if self.at.get(slot) is process:
            del self.at[slot]
            self.runnable.remove(slot)

    def slice(self, process: Process, cpu: CPU) -> int | None:
        return self.quantum

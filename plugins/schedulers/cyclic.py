"""cyclic: the policy of the classic process-state homework (OSTEP's ``process-run.py``).

A process keeps the CPU until it ends or, with ``switch = "on-io"`` (the
default), until it issues an I/O; there is no quantum.  The next process is
the first ready one *after the last one that ran*, in process order (pid),
wrapping round: arrival order does not matter.  With ``switch = "on-end"``
the CPU stays with its process while that process is blocked (the CPU idles)
and nothing else runs until it ends; one CPU only.

When a process's wait ends (its I/O completes), ``io_done = "later"`` (the
default) puts it among the ready ones to wait its turn; ``"immediate"`` gives
it the CPU at once, preempting the running process (the latest completion
wins).

One rule of the homework simulator decides ties in time: when a process
finishes an instruction at the very tick another's I/O completes, the
running process's step comes first (it ends or issues its I/O, and the CPU
chooses among the processes that were ready before), then the completion.
That is why the policy looks at which processes woke *now*, and why an
immediate preemption is made after everything else due at that time.

Its options are read like every policy's (`osmodel.plugins.schedulers.options`);
it has no ``queues`` option, as its order is not a queue's but the pids': it
keeps its own ready list (no queue entries, so no ``qtoken``, no ``sched``)
and answers every scheduler call itself.  The policy
of ``osmodel schedule --process``, registered by the ``schedule`` plugin.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from osmodel.kernel.states import READY

from .policy import Policy

if TYPE_CHECKING:
    from osmodel.kernel.cpu import CPU
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process

SWITCHES = ("on-io", "on-end")
IO_DONE = ("later", "immediate")


class Cyclic(Policy):
    """Non-preemptive, next ready process after the last one, in pid order."""

    name = "cyclic"
    options: Mapping[str, Any] = {"switch": "on-io", "io_done": "later"}

    def __init__(self, kernel: Kernel, options: Mapping[str, Any]) -> None:
        super().__init__(kernel, options)
        switch = self.read.choice("switch", SWITCHES)
        io_done = self.read.choice("io_done", IO_DONE)
        if switch == "on-end" and self.ncpus > 1:
            raise self.read.fail("switch", f"'on-io' on a machine of {self.ncpus} CPUs "
                                 "(on-end models one CPU that waits for its process)")
        self.hold = switch == "on-end"
        self.immediate = io_done == "immediate"
        self.preemptive = self.immediate
        #: Pids of the ready processes, sorted, and the processes themselves.
        self.ready: list[int] = []
        self.procs: dict[int, Process] = {}
        #: The pid of the process picked last: the search for the next starts after it.
        self.last = 0
        #: Processes that left their CPU to wait; when one is admitted again, its wait ended.
        self.waiting: set[int] = set()
        #: When each woken process woke (io_done = later: those woken now come last).
        self.woke: dict[int, int] = {}
        #: io_done = immediate: the process whose completion takes the CPU.
        self.urgent: Process | None = None
        self.urgent_at = -1
        self._due: set[int] = set()
        #: switch = on-end: the process the CPU stays with until it ends.
        self.holder: Process | None = None

    def admit(self, process: Process, reason: str) -> None:
        pid = process.pid
        insort(self.ready, pid)
        self.procs[pid] = process
        if pid in self.waiting:
            self.waiting.discard(pid)
            if self.immediate:
                # I/Os completing together preempt in process order: the last one wins
                urgent = self.urgent
                if urgent is None or self.urgent_at != self.kernel.now or pid > urgent.pid:
                    self.urgent, self.urgent_at = process, self.kernel.now
            else:
                self.woke[pid] = self.kernel.now

    def _take(self, pid: int) -> Process:
        self.ready.remove(pid)
        self.woke.pop(pid, None)
        self.last = pid
        process = self.procs.pop(pid)
        if self.hold:
            self.holder = process
        return process

    def pick(self, cpu: CPU) -> Process | None:
        holder = self.holder
        if holder is not None:
            if holder.exit is None:
                # the CPU stays with its process: run it if it is back, else idle
                return self._take(holder.pid) if holder.pid in self.procs else None
            self.holder = None
        ready = self.ready
        if not ready:
            return None
        urgent = self.urgent
        if urgent is not None:
            self.urgent = None
            if urgent.pid in self.procs:
                return self._take(urgent.pid)
        now = self.kernel.now
        start = bisect_right(ready, self.last)
        order = ready[start:] + ready[:start]
        for pid in order:
            if self.woke.get(pid) != now:
                return self._take(pid)
        # only processes woken this very tick: the simulator completes I/Os in process
        # order, and the first finds the CPU free
        return self._take(ready[0])

    def remove(self, process: Process) -> None:
        pid = process.pid
        if pid in self.procs:
            self.ready.remove(pid)
            del self.procs[pid]
            self.woke.pop(pid, None)
        if self.urgent is process:
            self.urgent = None

    def ran(self, process: Process, ticks: int, reason: str) -> None:
        if reason == "blocked":
            self.waiting.add(process.pid)
        elif reason == "exit" and self.holder is process:
            self.holder = None

    def victim(self, process: Process, running: list[CPU]) -> CPU | None:
        if process is not self.urgent:
            return None
        if process.pid not in self._due:
            # first let whatever else is due now happen (the running process may be
            # finishing an instruction this very tick), then preempt
            self.kernel.at(self.kernel.now, self._preempt, process)
            return None
        return min(running, key=lambda cpu: cpu.index) if running else None

    def _preempt(self, process: Process) -> None:
        if process is self.urgent and process.state is READY:
            self._due.add(process.pid)
            try:
                self.kernel.offer(process)  # offer it again: now it displaces the runner
            finally:
                self._due.discard(process.pid)

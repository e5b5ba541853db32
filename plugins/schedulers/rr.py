"""Round robin: one FIFO ready queue, each process runs for at most a quantum.

A process whose quantum ends goes to the back of the queue, as does one
that becomes ready.  Ties break by arrival: the order in which processes
became ready; at one tick, the order the kernel made them ready (jobs
created together: pid order).

Options: ``quantum`` (ticks, default 2; 0 runs each process until it blocks
or ends, which is first come first served) and ``queues`` (``"shared"``,
the default, or ``"per-cpu"``: see `osmodel.plugins.schedulers.policy`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from osmodel.kernel import hookimpl

from .fifo import FirstComeFirstServed

if TYPE_CHECKING:
    from osmodel.kernel.cpu import CPU
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process
    from osmodel.kernel.scheduler import SchedulerFactory


class RoundRobin(FirstComeFirstServed):
    name = "rr"
    options: Mapping[str, Any] = {"quantum": 2, "queues": "shared"}

    def __init__(self, kernel: Kernel, options: Mapping[str, Any]) -> None:
        super().__init__(kernel, options)
        self.quantum: int | None = self.read.integer("quantum", 0) or None

    def slice(self, process: Process, cpu: CPU) -> int | None:
        return self.quantum

    # Fast-forward (see `Kernel._forward`): with one shared queue and no affinity, the
    # processes in the queue take their turns in order, a quantum each, round after round.

    def cycle(self, cpu: CPU, first: Process) -> tuple[list[Process], int] | None:
        """``first`` and then the ready queue in order, with the quantum; None when the
        next turns are not a plain round (no quantum, per-CPU queues, affinity)."""
        lean = self.lean
        if self.quantum is None or lean is None or lean.pinned or first.affinity is not None:
            return None
        return [first, *(p for _, token, p in lean.any if token == p.qtoken)], self.quantum

    def forwarded(self, process: Process, turns: int) -> None:
        """``process`` had ``turns`` more quanta, each ending in expiry, without being asked."""
        if turns:
            self.seq += turns
            job = process.sched
            if job is not None:
                job.last = "expired"
                job.mark = process.acct.cpu

    def requeue(self, order: list[Process], members: list[Process]) -> None:
        """After a fast-forward: ``order`` at the front of the queue, then whoever else
        arrived meanwhile; the other ``members`` have left."""
        lean = self.lean
        assert lean is not None
        lean.requeue(order, members, self.next_seq)
        for process in order:
            job = process.sched
            if job is not None:
                job.queue = lean


@hookimpl
def osmodel_schedulers() -> dict[str, SchedulerFactory]:
    return {"rr": RoundRobin}

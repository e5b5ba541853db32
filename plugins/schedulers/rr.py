"""Round robin: one FIFO ready queue, each process runs for at most a quantum.

A process whose quantum ends goes to the back of the queue, as does one
that becomes ready.  Ties break by arrival: the order in which processes
became ready; at one tick, the order the kernel made them ready (jobs
created together: pid order).

Options: ``quantum`` (ticks, default 2; 0 runs each process until it blocks
or ends, which is first come first served) and ``queues`` (``"shared"``,
the default, or ``"per-cpu"``: see `osmodel.plugins.schedulers.base`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from osmodel.kernel import hookimpl
from osmodel.kernel.cpu import CPU
from osmodel.kernel.kernel import Kernel
from osmodel.kernel.process import Process
from osmodel.kernel.scheduler import SchedulerFactory

from .fifo import FirstComeFirstServed


class RoundRobin(FirstComeFirstServed):
    name = "rr"
    options: Mapping[str, Any] = {"quantum": 2, "queues": "shared"}

    def __init__(self, kernel: Kernel, options: Mapping[str, Any]) -> None:
        super().__init__(kernel, options)
        self.quantum: int | None = self.read.integer("quantum", 0) or None

    def slice(self, process: Process, cpu: CPU) -> int | None:
        return self.quantum


@hookimpl
def osmodel_schedulers() -> dict[str, SchedulerFactory]:
    return {"rr": RoundRobin}

"""Round robin: one FIFO ready queue, each process runs for at most a quantum.

Ties break by the order processes became ready (arrival, then creation
order).  With ``quantum = 0`` it is plain first-come first-served.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any

from osmodel.kernel import hookimpl
from osmodel.kernel.cpu import CPU
from osmodel.kernel.errors import ConfigError
from osmodel.kernel.kernel import Kernel
from osmodel.kernel.process import Process
from osmodel.kernel.scheduler import BaseScheduler, SchedulerFactory


class RoundRobin(BaseScheduler):
    options = {"quantum": 2}

    def __init__(self, kernel: Kernel, options: Mapping[str, Any]) -> None:
        super().__init__(kernel, options)
        unknown = set(self.config) - set(self.options)
        if unknown:
            raise ConfigError(f"round robin has no option {sorted(unknown)[0]!r} "
                              f"(options: quantum)")
        quantum = self.config["quantum"]
        if isinstance(quantum, bool) or not isinstance(quantum, int) or quantum < 0:
            raise ConfigError(f"round robin quantum must be an integer >= 0, not {quantum!r}")
        self.quantum: int | None = quantum or None
        self.queue: deque[tuple[int, Process]] = deque()

    def admit(self, process: Process, reason: str) -> None:
        self.queue.append((process.qtoken, process))

    def pick(self, cpu: CPU) -> Process | None:
        queue = self.queue
        while queue:
            token, process = queue.popleft()
            if token == process.qtoken:
                process.qtoken += 1
                return process
        return None

    def slice(self, process: Process, cpu: CPU) -> int | None:
        return self.quantum


@hookimpl
def osmodel_schedulers() -> dict[str, SchedulerFactory]:
    return {"rr": RoundRobin}

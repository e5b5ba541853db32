"""Small workloads under a scheduling policy, on the toy platform, with what each job saw.

``Workload("sjf").job(300).job(100).run()`` makes job 0 (``cpu 300``) and job 1,
both arriving at 0, runs them and keeps each job's process (``w.procs[i]``),
and every pick the scheduler made (``w.picks``: time, job, CPU, level).
A job given as an integer N is ``cpu N`` then ``exit 0`` and declares
``expected = N`` unless told otherwise; one given as text is that program.
PCB fields (``expected``, ``priority``, ``nice``, ``tickets``, ``affinity``)
are set before the scheduler first sees the job.
"""

from __future__ import annotations

from typing import Any

import toyplatform

from osmodel.kernel.asm import parse
from osmodel.kernel.boot import boot
from osmodel.kernel.cpu import CPU
from osmodel.kernel.kernel import Kernel
from osmodel.kernel.machine import Machine
from osmodel.kernel.manager import make_plugin_manager
from osmodel.kernel.process import Process

POLICIES = ("fifo", "rr", "sjf", "stcf", "priority", "mlfq", "lottery", "stride", "cfs")
SCHEDULER_PLUGINS = [(name, f"osmodel.plugins.schedulers.{name}") for name in POLICIES]


def boot_toy(scheduler: str, options: dict[str, Any] | None = None, *, cpus: int = 1,
             seed: int = 0, programs: dict[str, str] | None = None, **machine: Any) -> Kernel:
    """A booted toy kernel whose scheduler is ``scheduler`` with ``options``."""
    pm = make_plugin_manager(autoload=False, builtins=SCHEDULER_PLUGINS)
    pm.register(toyplatform, name="toy")
    parsed = {name: parse(text, name) for name, text in (programs or {}).items()}
    spec = Machine(cpus=cpus, scheduler=scheduler, scheduler_options=options or {},
                   **machine)
    return boot(spec, "toy", pm, programs=parsed, seed=seed)


class Workload:
    def __init__(self, scheduler: str, options: dict[str, Any] | None = None, *,
                 cpus: int = 1, seed: int = 0, **machine: Any) -> None:
        self.scheduler = scheduler
        self.options = options or {}
        self.cpus = cpus
        self.seed = seed
        self.machine = machine
        self.jobs: list[tuple[str, int, dict[str, Any]]] = []
        self.procs: list[Process] = []
        self.picks: list[tuple[int, int, int, int]] = []
        self.kernel: Kernel | None = None

    def job(self, work: int | str, *, at: int = 0, **fields: Any) -> Workload:
        if isinstance(work, int):
            code = f"cpu {work}\nexit 0"
            fields.setdefault("expected", work)
        else:
            code = work
        self.jobs.append((code, at, fields))
        return self

    def start(self) -> Kernel:
        """Boot and schedule the arrivals; nothing has run yet."""
        programs = {f"j{i}": code for i, (code, _, _) in enumerate(self.jobs)}
        kernel = self.kernel = boot_toy(self.scheduler, self.options, cpus=self.cpus,
                                        seed=self.seed, programs=programs, **self.machine)
        self.procs = [None] * len(self.jobs)  # type: ignore[list-item]
        index: dict[int, int] = {}

        def arrive(i: int) -> None:
            _, _, fields = self.jobs[i]
            proc = kernel.create(f"j{i}", cause="batch", start=False)
            for name, value in fields.items():
                setattr(proc, name, value)
            self.procs[i] = proc
            index[id(proc)] = i
            kernel.ready(proc, "created")

        for i, (_, at, _) in enumerate(self.jobs):
            kernel.at(at, arrive, i)
        pick = kernel.scheduler.pick

        def spy(cpu: CPU) -> Process | None:
            proc = pick(cpu)
            if proc is not None:
                self.picks.append((kernel.now, index[id(proc)], cpu.index, proc.level))
            return proc

        kernel.scheduler.pick = spy  # type: ignore[method-assign]
        kernel.fast_forward = False  # the spy sees every pick: no turn is counted unseen
        return kernel

    def run(self, until: int | None = None) -> Workload:
        kernel = self.start()
        kernel.run(until=until)
        kernel.settle()
        return self

    # -- what came out

    def order(self) -> list[int]:
        """Jobs in the order they were picked, a job picked again straight away counted once."""
        out: list[int] = []
        for _, job, _, _ in self.picks:
            if not out or out[-1] != job:
                out.append(job)
        return out

    def runs_of(self, job: int) -> list[tuple[int, int, int]]:
        """(time, CPU, level) of each pick of ``job``."""
        return [(t, cpu, level) for t, j, cpu, level in self.picks if j == job]

    def cpus_of(self, job: int) -> set[int]:
        return {cpu for _, j, cpu, _ in self.picks if j == job}

    def table(self) -> list[tuple[int | None, int | None]]:
        """(first run, end) of every job."""
        return [(p.acct.first_run, p.acct.ended) for p in self.procs]

    def metrics(self) -> list[tuple[int | None, int | None, int]]:
        """(response, turnaround, wait) of every job."""
        return [(p.acct.response, p.acct.turnaround, p.acct.wait) for p in self.procs]

    def averages(self) -> tuple[float, float, float]:
        rows = self.metrics()
        n = len(rows)
        return (round(sum(r[0] or 0 for r in rows) / n, 2),
                round(sum(r[1] or 0 for r in rows) / n, 2),
                round(sum(r[2] for r in rows) / n, 2))

    @property
    def now(self) -> int:
        assert self.kernel is not None
        return self.kernel.now

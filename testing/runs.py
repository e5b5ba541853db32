"""Run programs or a scenario on a platform and ask the run what happened.

The helpers every platform's tests wrote for themselves: `run_programs` and
`run_scenario` boot a platform with the plugins a test names (installed
third-party plugins stay out unless asked for), and `Run` answers the usual
questions: what was printed, which processes existed, what the trace says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from osmodel.kernel.machine import Limits, Machine

if TYPE_CHECKING:
    from osmodel.kernel.events import Event
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process
    from osmodel.kernel.program import Program
    from osmodel.kernel.simulation import Simulation


def run_programs(
    programs: Mapping[str, str | Program],
    *,
    platform: str,
    start: Iterable[str] = ("main",),
    machine: Machine | None = None,
    plugins: Iterable[object] = (),
    autoload: bool = False,
    until: int | None = None,
    pm_builtins: Iterable[tuple[str, str]] | None = None,
    **options: Any,
) -> Simulation:
    """Run programs (text or Program) on ``platform``; each of ``start`` is a user command at 0."""
    from osmodel.kernel.asm import parse
    from osmodel.kernel.scenario import Scenario, TimelineEvent
    from osmodel.kernel.simulation import simulate

    parsed = {name: parse(text, name) if isinstance(text, str) else text
              for name, text in programs.items()}
    timeline = tuple(TimelineEvent(0, "user", program=name) for name in start)
    scenario = Scenario(machine or Machine(), parsed, timeline, {}, platform=platform)
    pm = _plugin_manager(plugins, autoload, pm_builtins)
    return simulate(scenario, pm=pm, until=until, **options)


def run_scenario(text: str, *, platform: str | None = None, plugins: Iterable[object] = (),
                 autoload: bool = False, until: int | None = None) -> Simulation:
    """Run a scenario's TOML text (on ``platform``, else the one the text names)."""
    from osmodel.kernel.scenario import loads_scenario
    from osmodel.kernel.simulation import simulate

    pm = _plugin_manager(plugins, autoload, None)
    return simulate(loads_scenario(text), platform=platform, pm=pm, until=until)


def _plugin_manager(plugins: Iterable[object], autoload: bool,
                    builtins: Iterable[tuple[str, str]] | None) -> Any:
    from osmodel.kernel.manager import make_plugin_manager

    pm = (make_plugin_manager(autoload=autoload) if builtins is None
          else make_plugin_manager(autoload=autoload, builtins=builtins))
    for plugin in plugins:
        pm.register(plugin)
    return pm


def machine_with(*, cpus: int = 1, quantum: int = 2, limits: Limits | None = None,
                 **fields: Any) -> Machine:
    """A test machine: ``cpus`` CPUs, the scheduler's ``quantum``, other Machine fields as given."""
    return Machine(cpus=cpus, scheduler_options={"quantum": quantum},
                   limits=limits or Limits(), **fields)


class Run:
    """A finished (or paused) run and the questions tests ask of it."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.kernel: Kernel = sim.kernel

    @property
    def recorder(self) -> Any:
        return self.sim.recorder

    def processes(self) -> list[Process]:
        """Every process of the run (released ones too), by pid then creation."""
        return self.sim.processes()

    def said(self) -> list[str]:
        """Every line the run printed, in order, whoever printed it."""
        return [text for *_, text in self.kernel.output]

    def out(self) -> list[str]:
        """What the users' processes printed: not the boot processes (pids may be reused)."""
        return [text for time, pid, text in self.kernel.output
                if self.at(pid, time).cause != "boot"]

    def at(self, pid: int, time: int) -> Process:
        """The process that had ``pid`` at ``time`` (the latest one created by then)."""
        found = [p for p in self.sim.processes() if p.pid == pid and p.acct.created <= time]
        return max(found, key=lambda p: p.acct.created)

    def procs(self, name: str | None = None) -> list[Process]:
        """Every process of the run (released ones too), by pid; optionally by name."""
        return [p for p in self.sim.processes() if name is None or p.name == name]

    def proc(self, name: str, index: int = 0) -> Process:
        """The ``index``-th process called ``name``, in order of creation."""
        return sorted(self.procs(name), key=lambda p: p.acct.created)[index]

    def pid(self, pid: int) -> Process:
        """The first process that had ``pid``."""
        return next(p for p in self.sim.processes() if p.pid == pid)

    def events(self, *kinds: str) -> list[Event]:
        return self.sim.recorder.of_kind(*kinds)

    def state(self, proc: Process) -> str:
        return proc.state.name

    def released(self, proc: Process) -> bool:
        """Whether the kernel has let go of ``proc``'s record."""
        return self.kernel.processes.get(proc.pid) is not proc

    def ints(self, index: int = -1) -> list[int]:
        """The integers in a line the users' processes printed (``"x = 5 and 7"`` -> [5, 7])."""
        line = self.out()[index]
        return [int(w) for w in line.replace(",", " ").split() if w.lstrip("-").isdigit()]

    def more(self, until: int | None = None) -> Run:
        """Run on (to the end, or to ``until``)."""
        self.sim.run(until)
        return self

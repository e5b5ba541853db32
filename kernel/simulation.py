"""Running a scenario: boot, feed the timeline, run, and report failures by plugin.

This is what the command line, the pytest plugin and ``compare`` share.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs
from attrs import define, field

from .boot import UnknownChoice, boot
from .errors import (
    ConfigError,
    LimitTooSmall,
    Location,
    PluginError,
    SourceError,
)
from .events import Recorder, StateWatch, TraceSink
from .guard import guarded
from .hookcalls import call, first
from .kernel import Kernel
from .machine import MAX_CPUS, Machine
from .manager import PluginManager, make_plugin_manager
from .process import Process
from .scenario import Scenario, TimelineEvent


@define(eq=False)
class Simulation:
    """One run of a scenario on a platform, with everything it recorded."""

    scenario: Scenario
    platform: str
    kernel: Kernel
    recorder: Recorder
    history: list[Process] = field(factory=list)
    #: The states the run entered and the most running at once, watched whether or not
    #: its events are recorded.
    watch: StateWatch = field(factory=StateWatch)

    def run(self, until: int | None = None,
            progress: Callable[[Kernel], None] | None = None) -> Simulation:
        """Run to the end (or to ``until``); a failing plugin becomes a PluginError."""
        if until is not None and until < self.kernel.now:
            raise ConfigError(f"cannot run until time {until}: the run is at time "
                              f"{self.kernel.now} already")
        guarded(self.kernel, lambda: self.kernel.run(until, progress=progress))
        return self

    def finish(self) -> None:
        """End the run as the command line does: ``osmodel_finish``, then every sink's
        ``close()``; a sink that fails to close is named, and the others still close."""
        kernel = self.kernel
        guarded(kernel, lambda: call(kernel.pm, "osmodel_finish", kernel=kernel))
        failed: PluginError | None = None
        for sink in kernel.sinks:
            try:
                guarded(kernel, sink.close)
            except PluginError as error:
                failed = failed or error
        if failed is not None:
            raise failed

    def close(self) -> None:
        """Unregister the run's platform instance, so the manager can run another platform."""
        self.kernel.close()

    def __enter__(self) -> Simulation:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def processes(self) -> list[Process]:
        """Every process of the run, released ones included, by pid then creation."""
        everyone = [*self.history, *self.kernel.processes.values()]
        return sorted(everyone, key=lambda p: (p.pid, p.acct.created))


def machine_for(scenario: Scenario, *, cpus: int | None = None,
                scheduler: str | None = None, quantum: int | None = None) -> Machine:
    """The scenario's machine with command-line overrides applied."""
    machine: Machine = scenario.machine
    if cpus is not None:
        if not 1 <= cpus <= MAX_CPUS:
            raise ConfigError(f"--cpus must be from 1 to {MAX_CPUS}, not {cpus}")
        machine = attrs.evolve(machine, cpus=cpus)
    if scheduler is not None and scheduler != machine.scheduler:
        machine = attrs.evolve(machine, scheduler=scheduler, scheduler_options={})
    if quantum is not None:
        options = {**machine.scheduler_options, "quantum": quantum}
        machine = attrs.evolve(machine, scheduler_options=options)
    return machine


def simulate(
    scenario: Scenario,
    *,
    platform: str | None = None,
    pm: PluginManager | None = None,
    machine: Machine | None = None,
    seed: int | None = None,
    until: int | None = None,
    sinks: Sequence[TraceSink] = (),
    run: bool = True,
    record: bool = True,
) -> Simulation:
    """Boot ``scenario`` on ``platform`` (or the scenario's own), schedule its timeline, run.

    With ``record`` off, the events are watched but not kept (``recorder`` stays
    empty): a run whose trace nobody asked for holds no memory for it, and it
    emits the same events, so it meets the same budgets and gives the same report.
    """
    name = platform or scenario.platform
    if name is None:
        raise ConfigError("no platform given: pass --platform or set [scenario] platform")
    pm = pm if pm is not None else make_plugin_manager()
    recorder = Recorder()
    watch = StateWatch()
    history: list[Process] = []

    def prepare(kernel: Kernel) -> None:
        kernel.history = history
        for file, words in scenario.files.items():
            kernel.fs.create(file, list(words))

    try:
        kernel = guarded(None, lambda: boot(
            machine or scenario.machine, name, pm, programs=scenario.programs,
            seed=seed if seed is not None else scenario.seed or 0,
            sinks=(watch, *((recorder,) if record else ()), *sinks),
            before_boot=prepare), pm)
    except ConfigError as error:
        location = _written_at(error, scenario, platform=platform, machine=machine)
        if location is None:
            raise
        raise SourceError(str(error), location) from None
    for event in scenario.timeline:
        kernel.at(event.time, lambda e, k=kernel: _outside(k, e), event)
    sim = Simulation(scenario, name, kernel, recorder, watch=watch, history=history)
    if run:
        sim.run(until)
    return sim


def _written_at(error: ConfigError, scenario: Scenario, *, platform: str | None,
                machine: Machine | None) -> Location | None:
    """Where the scenario file gave the name or option that boot refused, if it gave it
    (a command-line override has no place in the file)."""
    where = scenario.locations
    if isinstance(error, LimitTooSmall):
        return where.get(f"limits.{error.limit}")
    if isinstance(error, UnknownChoice):
        if error.kind == "platform":
            return where.get("platform") if platform is None else None
        if machine is not None and machine.scheduler != scenario.machine.scheduler:
            return None
        return where.get("scheduler")
    option = getattr(error, "option", None)  # a scheduler's OptionError names its option
    if option is None or (machine is not None and (
            machine.scheduler != scenario.machine.scheduler
            or machine.scheduler_options != scenario.machine.scheduler_options)):
        return None
    return where.get(f"scheduler_options.{option}", where.get("scheduler_options"))


def _outside(kernel: Kernel, event: TimelineEvent) -> None:
    """Deliver one timeline event; a value the platform refuses (an unknown signal name,
    say) is reported at the event's place in the scenario file."""
    try:
        _deliver(kernel, event)
    except ConfigError as error:
        raise SourceError(str(error), event.location) from None


def _deliver(kernel: Kernel, event: TimelineEvent) -> None:
    """Deliver one timeline event to whichever plugin serves it."""
    pm = kernel.pm
    kernel.trace("outside", None, None, event=event.kind, program=event.program,
                 key=event.key, target=event.target, signal=event.signal,
                 background=event.background)
    if event.kind == "user":
        with kernel.launching(event.launch):
            done = first(pm, "osmodel_user_command", kernel=kernel, program=event.program,
                         background=event.background, args=list(event.args))
    elif event.kind == "batch":
        with kernel.launching(event.launch):
            done = first(pm, "osmodel_batch_job", kernel=kernel, program=event.program,
                         args=list(event.args))
    elif event.kind == "key":
        done = first(pm, "osmodel_interrupt", kernel=kernel, key=event.key)
    else:
        target = find_process(kernel, event.target)
        if target is None:
            kernel.trace("outside", None, None, event="kill", target=event.target,
                         result="no such process")
            return
        done = first(pm, "osmodel_operator_kill", kernel=kernel, target=target,
                     signal=event.signal)
    if done is None:
        raise ConfigError(f"platform {kernel.platform.name} does not handle {event.kind} "
                          "events")


def find_process(kernel: Kernel, target: int | str | None) -> Process | None:
    """A live process by pid, or the lowest-pid live process with that name."""
    if isinstance(target, int):
        proc = kernel.processes.get(target)
        return proc if proc is not None and proc.exit is None else None
    for proc in kernel.live():
        if proc.name == target:
            return proc
    return None

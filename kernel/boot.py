"""Building a kernel for one run: the only place plugins are asked for decision objects.

Boot asks the hooks once for the platform, the scheduler, the instruction
set and the trace sinks, checks every program against that instruction set
(so a bad program fails before anything runs), then lets the platform
initialise the system.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import pluggy

from .errors import ConfigError, PluginError
from .events import TraceSink
from .hookcalls import call, collect, resolved
from .isa import CORE_OPS
from .kernel import Kernel
from .link import Linker, OpSpec
from .machine import Machine
from .manager import PluginManager
from .platform import Platform
from .program import Program
from .scheduler import SchedulerFactory

#: Hooks the kernel calls only when some plugin implements them.
ANNOUNCEMENTS = ("osmodel_process_created", "osmodel_process_ended", "osmodel_process_released")

T = TypeVar("T")


def _registry(pm: PluginManager, hook: str, what: str) -> dict[str, tuple[T, str]]:
    """Merge the name -> object mappings that plugins return, refusing duplicates."""
    found: dict[str, tuple[T, str]] = {}
    for plugin, offered in collect(pm, hook):
        for name, obj in offered.items():
            if name in found:
                raise PluginError(pm.label(plugin), f"{what} {name!r} is also offered by "
                                  f"plugin {pm.label(found[name][1])!r}", hook=hook)
            found[name] = (obj, plugin)
    return found


def platforms(pm: PluginManager, *only: str) -> dict[str, type[Platform]]:
    """Installed platforms by name (or those of ``only`` that are installed), each imported;
    `platform_names` gives the names without importing any."""
    found: dict[str, tuple[type[Platform], str]] = _registry(pm, "osmodel_platforms", "platform")
    return {name: resolved(pm, "osmodel_platforms", owner, name, cls)
            for name, (cls, owner) in found.items() if not only or name in only}


def schedulers(pm: PluginManager) -> dict[str, SchedulerFactory]:
    """Installed scheduling policies by name, each imported."""
    found: dict[str, tuple[SchedulerFactory, str]] = _registry(pm, "osmodel_schedulers",
                                                               "scheduler")
    return {name: resolved(pm, "osmodel_schedulers", owner, name, factory)
            for name, (factory, owner) in found.items()}


def platform_names(pm: PluginManager) -> list[str]:
    """The installed platforms' names, sorted, without importing any of them."""
    return sorted(_registry(pm, "osmodel_platforms", "platform"))


def scheduler_names(pm: PluginManager) -> list[str]:
    """The installed policies' names, sorted, without importing any of them."""
    return sorted(_registry(pm, "osmodel_schedulers", "scheduler"))


class UnknownChoice(ConfigError):
    """A platform or scheduler name no plugin offers; ``kind`` says which, so an error
    can point at where the name was written (`Scenario.locations`)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


def _choose(kind: str, name: str, choices: Mapping[str, T]) -> T:
    if name not in choices:
        known = ", ".join(sorted(choices)) or "none"
        raise UnknownChoice(f"unknown {kind} {name!r}; installed: {known}", kind)
    return choices[name]


def boot(
    machine: Machine,
    platform: str,
    pm: PluginManager,
    *,
    programs: Mapping[str, Program] | None = None,
    seed: int = 0,
    sinks: Sequence[TraceSink] = (),
    before_boot: Callable[[Kernel], None] | None = None,
) -> Kernel:
    """A kernel with ``platform`` and the machine's scheduler, after system initialisation.

    The platform instance is registered in ``pm`` for the run; `Kernel.close`
    takes it out again (a failed boot does so itself), so one manager can
    run one platform after another.
    """
    kernel = Kernel(machine, pm=pm, programs=programs, seed=seed)
    offered: dict[str, tuple[type[Platform], str]] = _registry(pm, "osmodel_platforms",
                                                               "platform")
    cls, owner = _choose("platform", platform, offered)
    cls = resolved(pm, "osmodel_platforms", owner, platform, cls)
    kernel.platform = cls(kernel)
    try:
        _register_platform(pm, kernel.platform, platform, owner)
        _configure(kernel, machine, platform, pm, sinks, before_boot)
    except BaseException:
        kernel.close()
        raise
    return kernel


def _register_platform(pm: PluginManager, instance: Platform, name: str, owner: str) -> None:
    """Register the run's platform instance; its hook methods are checked like a plugin's,
    and a bad one is blamed on the plugin that offered the platform."""
    plugin = f"platform:{name}"
    where = f"platform {name} ({type(instance).__name__})"
    try:
        pm.register(instance, name=plugin)
    except pluggy.PluginValidationError as error:
        raise PluginError(pm.label(owner), f"{where}: bad hook implementation: {error}",
                          ) from error
    for unknown, hook in pm.unknown_hooks():
        if unknown == plugin:
            wrong = pm.unknown_hook_error(plugin, hook)
            raise PluginError(pm.label(owner), f"{where}: {wrong.message}")
    pm.check_hooks()  # plugins registered since the manager was made (tests register some)


def _configure(kernel: Kernel, machine: Machine, platform: str, pm: PluginManager,
               sinks: Sequence[TraceSink], before_boot: Callable[[Kernel], None] | None) -> None:
    offered: dict[str, tuple[SchedulerFactory, str]] = _registry(pm, "osmodel_schedulers",
                                                                 "scheduler")
    factory, owner = _choose("scheduler", machine.scheduler, offered)
    factory = resolved(pm, "osmodel_schedulers", owner, machine.scheduler, factory)
    kernel.scheduler = factory(kernel, machine.scheduler_options)
    kernel._preemptive = bool(getattr(kernel.scheduler, "preemptive", False))
    ops: dict[str, OpSpec] = {spec.name: spec for spec in CORE_OPS}
    ops.update(kernel.platform.syscalls())
    for _, extra in collect(pm, "osmodel_syscalls", kernel=kernel, platform=platform):
        ops.update(extra)
    kernel.ops = ops
    kernel.linker = Linker(ops, kernel.platform.constants(), kernel.programs, platform=platform,
                           equivalents=kernel.platform.equivalents())
    for program in kernel.programs.values():
        kernel.linker.check(program)
    kernel.sinks = (*sinks, *(sink for _, offered in collect(pm, "osmodel_trace_sinks",
                                                               kernel=kernel)
                              for sink in offered))
    for hook in ANNOUNCEMENTS:
        kernel._announce[hook] = bool(getattr(pm.hook, hook).get_hookimpls())
    call(pm, "osmodel_configure", kernel=kernel)
    if before_boot is not None:
        before_boot(kernel)
    call(pm, "osmodel_boot", kernel=kernel)

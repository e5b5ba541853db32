"""Building a kernel for one run: the only place plugins are asked for decision objects.

Boot asks the hooks once for the platform, the scheduler, the instruction
set and the trace sinks, checks every program against that instruction set
(so a bad program fails before anything runs), then lets the platform
initialise the system.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from .errors import ConfigError, PluginError
from .events import TraceSink
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
    for impl in reversed(getattr(pm.hook, hook).get_hookimpls()):
        offered: Mapping[str, T] | None = impl.function()
        for name, obj in (offered or {}).items():
            if name in found:
                raise PluginError(impl.plugin_name, f"{what} {name!r} is also offered by "
                                  f"plugin {found[name][1]!r}", hook=hook)
            found[name] = (obj, impl.plugin_name)
    return found


def platforms(pm: PluginManager) -> dict[str, type[Platform]]:
    """Installed platforms by name."""
    found: dict[str, tuple[type[Platform], str]] = _registry(pm, "osmodel_platforms", "platform")
    return {name: cls for name, (cls, _) in found.items()}


def schedulers(pm: PluginManager) -> dict[str, SchedulerFactory]:
    """Installed scheduling policies by name."""
    found: dict[str, tuple[SchedulerFactory, str]] = _registry(pm, "osmodel_schedulers",
                                                               "scheduler")
    return {name: factory for name, (factory, _) in found.items()}


def _choose(kind: str, name: str, choices: Mapping[str, T]) -> T:
    if name not in choices:
        known = ", ".join(sorted(choices)) or "none"
        raise ConfigError(f"unknown {kind} {name!r}; installed: {known}")
    return choices[name]


def _collect(results: Iterable[Any]) -> list[Any]:
    return [item for result in results if result for item in result]


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
    cls = _choose("platform", platform, platforms(pm))
    kernel.platform = cls(kernel)
    pm.register(kernel.platform, name=f"platform:{platform}")
    try:
        _configure(kernel, machine, platform, pm, sinks, before_boot)
    except BaseException:
        kernel.close()
        raise
    return kernel


def _configure(kernel: Kernel, machine: Machine, platform: str, pm: PluginManager,
               sinks: Sequence[TraceSink], before_boot: Callable[[Kernel], None] | None) -> None:
    factory = _choose("scheduler", machine.scheduler, schedulers(pm))
    kernel.scheduler = factory(kernel, machine.scheduler_options)
    kernel._preemptive = bool(getattr(kernel.scheduler, "preemptive", False))
    ops: dict[str, OpSpec] = {spec.name: spec for spec in CORE_OPS}
    ops.update(kernel.platform.syscalls())
    for extra in pm.hook.osmodel_syscalls(kernel=kernel, platform=platform):
        ops.update(extra or {})
    kernel.ops = ops
    kernel.linker = Linker(ops, kernel.platform.constants(), kernel.programs, platform=platform,
                           equivalents=kernel.platform.equivalents())
    for program in kernel.programs.values():
        kernel.linker.check(program)
    kernel.sinks = (*sinks, *_collect(pm.hook.osmodel_trace_sinks(kernel=kernel)))
    for hook in ANNOUNCEMENTS:
        kernel._announce[hook] = bool(getattr(pm.hook, hook).get_hookimpls())
    pm.hook.osmodel_configure(kernel=kernel)
    if before_boot is not None:
        before_boot(kernel)
    pm.hook.osmodel_boot(kernel=kernel)

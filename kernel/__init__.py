"""osmodel's plugin API: the one module a plugin imports from.

Everything a platform, scheduler, tracer or command uses is exported here:
``from osmodel.kernel import Kernel, Platform, hookimpl``.  The names are
``__all__``; tests/test_public_api.py pins them and the signature of every
callable, and docs/changelog.md records each change.  ``HOOK_CONTRACT_VERSION``
is the version of this face and of the hooks together: it goes up with an
incompatible change (a name removed or renamed, a parameter removed, renamed
or made required, a meaning changed); additions leave it as it is.

The submodules (``osmodel.kernel.kernel``, ``.process``, ``.link`` ...) are
internal: they may be split, merged or renamed in any release without notice.
A name is public because it is in ``__all__``, not because a submodule has it.

Importing this module stays as cheap as importing the hook markers: every
other name is imported from its home module when it is first read (PEP 562),
so a plugin pays only for what it touches, and a type checker reads the
``TYPE_CHECKING`` imports below.
"""

from __future__ import annotations

if __name__ != "osmodel.kernel":  # pragma: no cover - guards the python -m pytest trap
    raise ImportError(
        f"imported as {__name__!r}: import osmodel.kernel from the installed package "
        "(run the `pytest` command, not `python -m pytest`, from the source tree)"
    )

from typing import TYPE_CHECKING

from .hookspecs import HOOK_CONTRACT_VERSION, hookimpl, hookspec

if TYPE_CHECKING:
    from .asm import parse
    from .builder import ProgramBuilder, Str
    from .cpu import CPU
    from .errors import (
        ConfigError,
        LimitExceeded,
        Location,
        OsmodelError,
        PluginError,
        SourceError,
    )
    from .events import Event, Recorder, TraceSink
    from .files import ResourceError, ResourceTable, Slot
    from .isa import put, val
    from .kernel import Kernel, PidAllocator, ProcessLimit, Timer
    from .link import Args, Handler, Label, OpSpec, Res
    from .machine import MAX_TICKS, Limits, Machine
    from .manager import LazyModule
    from .memory import AddressSpace, BadAddress, MemoryObject, OutOfMemory
    from .platform import Platform
    from .process import ExitStatus, Frame, Process
    from .program import Mem, Program
    from .render import table
    from .report import build_report
    from .scenario import Scenario, TimelineEvent
    from .scheduler import BaseScheduler, Cycler, Scheduler, SchedulerFactory
    from .simulation import Simulation, simulate
    from .states import BLOCKED, NEW, READY, RUNNING, TERMINATED, State

__all__ = [
    "BLOCKED",
    "CPU",
    "HOOK_CONTRACT_VERSION",
    "MAX_TICKS",
    "NEW",
    "READY",
    "RUNNING",
    "TERMINATED",
    "AddressSpace",
    "Args",
    "BadAddress",
    "BaseScheduler",
    "ConfigError",
    "Cycler",
    "Event",
    "ExitStatus",
    "Frame",
    "Handler",
    "Kernel",
    "Label",
    "LazyModule",
    "LimitExceeded",
    "Limits",
    "Location",
    "Machine",
    "Mem",
    "MemoryObject",
    "OpSpec",
    "OsmodelError",
    "OutOfMemory",
    "PidAllocator",
    "Platform",
    "PluginError",
    "Process",
    "ProcessLimit",
    "Program",
    "ProgramBuilder",
    "Recorder",
    "Res",
    "ResourceError",
    "ResourceTable",
    "Scenario",
    "Scheduler",
    "SchedulerFactory",
    "Simulation",
    "Slot",
    "SourceError",
    "State",
    "Str",
    "TimelineEvent",
    "Timer",
    "TraceSink",
    "build_report",
    "hookimpl",
    "hookspec",
    "parse",
    "put",
    "simulate",
    "table",
    "val",
]

#: The names each home module exports: the TYPE_CHECKING imports above, for the
#: interpreter (tests/test_public_api.py checks that the two agree).
_EXPORTS = {
    "asm": ("parse",),
    "builder": ("ProgramBuilder", "Str"),
    "cpu": ("CPU",),
    "errors": ("ConfigError", "LimitExceeded", "Location", "OsmodelError", "PluginError",
               "SourceError"),
    "events": ("Event", "Recorder", "TraceSink"),
    "files": ("ResourceError", "ResourceTable", "Slot"),
    "isa": ("put", "val"),
    "kernel": ("Kernel", "PidAllocator", "ProcessLimit", "Timer"),
    "link": ("Args", "Handler", "Label", "OpSpec", "Res"),
    "machine": ("MAX_TICKS", "Limits", "Machine"),
    "manager": ("LazyModule",),
    "memory": ("AddressSpace", "BadAddress", "MemoryObject", "OutOfMemory"),
    "platform": ("Platform",),
    "process": ("ExitStatus", "Frame", "Process"),
    "program": ("Mem", "Program"),
    "render": ("table",),
    "report": ("build_report",),
    "scenario": ("Scenario", "TimelineEvent"),
    "scheduler": ("BaseScheduler", "Cycler", "Scheduler", "SchedulerFactory"),
    "simulation": ("Simulation", "simulate"),
    "states": ("BLOCKED", "NEW", "READY", "RUNNING", "TERMINATED", "State"),
}
_HOMES = {name: home for home, names in _EXPORTS.items() for name in names}

if not TYPE_CHECKING:  # a type checker reads the imports above instead

    def __getattr__(name: str) -> object:
        """Import a public name from its home module the first time it is read."""
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from importlib import import_module

        value = getattr(import_module(f"{__name__}.{home}"), name)
        globals()[name] = value  # later reads are plain attribute lookups
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})

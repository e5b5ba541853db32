"""The platform interface: what a platform plugin gives the kernel.

A platform plugin returns its `Platform` subclass from ``osmodel_platforms``.
When a run selects it, the kernel makes one instance and registers that
instance as a plugin.  The base class implements the hooks every platform
answers (boot, user commands, exit, faults, hierarchy, reports) and calls a
plain method for each (`boot`, `user_command`, `process_exit` ...), so a
platform overrides methods instead of writing hook implementations; a
subclass may still write its own ``@hookimpl osmodel_...`` method, which
replaces the base's for that hook (pluggy registers the instance, and the
subclass's attribute hides the base's).  The syscall table, constants and
error codes are read from it once at boot.  Built-in platforms use nothing
else, so they are models for third parties.

Per-process platform data hangs off ``process.platform``; `ProcessData`
reads it back typed, and says so clearly when a process belongs to another
platform.  `MachineData` does the same for the platform's machine-wide
state (``kernel.platform.system``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from .errors import PluginError
from .events import EventKind
from .hookspecs import hookimpl
from .states import State

if TYPE_CHECKING:
    from typing import Self

    from .kernel import Kernel
    from .link import OpSpec
    from .process import Process

D = TypeVar("D")


class ProcessData(Generic[D]):
    """The typed accessor of one platform's per-process data: ``unix(process)``.

    Made once per platform (``unix = ProcessData(UnixProc, "unix")``); calling
    it returns ``process.platform`` as a ``D``, or raises `PluginError` naming
    both platforms when the data is another's (a plugin handed a process of the
    wrong run).  The check is one class comparison.
    """

    __slots__ = ("kind", "owner")

    def __init__(self, kind: type[D], owner: str) -> None:
        self.kind = kind
        self.owner = owner

    def __call__(self, process: Process) -> D:
        data = process.platform
        if data.__class__ is self.kind or isinstance(data, self.kind):
            return data
        raise PluginError(self.owner, f"process {process.name} (pid {process.pid}) has no "
                          f"{self.owner} data: it holds {_data_name(data)}, so it belongs to "
                          "a run on another platform")

    def __repr__(self) -> str:
        return f"<{self.owner} data of a process: {self.kind.__name__}>"


class MachineData(Generic[D]):
    """The typed accessor of one platform's machine-wide state: ``system(kernel)``.

    The state is the platform instance's attribute ``attribute`` (``system``
    by convention); calling the accessor returns it as a ``D``, or raises
    `PluginError` when the kernel runs another platform.
    """

    __slots__ = ("attribute", "kind", "owner")

    def __init__(self, kind: type[D], owner: str, attribute: str = "system") -> None:
        self.kind = kind
        self.owner = owner
        self.attribute = attribute

    def __call__(self, kernel: Kernel) -> D:
        state = getattr(kernel.platform, self.attribute, None)
        if state.__class__ is self.kind or isinstance(state, self.kind):
            return state
        raise PluginError(self.owner, f"the run is on platform {kernel.platform.name!r}, "
                          f"which has no {self.owner} {self.kind.__name__} (it holds "
                          f"{_data_name(state)} as {self.attribute})")

    def __repr__(self) -> str:
        return f"<{self.owner} machine state: {self.kind.__name__}>"


def _data_name(data: object) -> str:
    return "nothing" if data is None else f"a {type(data).__name__}"


class Platform:
    """Base class for platforms; subclasses override what their system does."""

    #: The name users type after ``--platform``.
    name: ClassVar[str] = ""
    #: One line for ``osmodel plugins`` and ``--help``.
    summary: ClassVar[str] = ""
    #: States this platform adds to the core's (zombie, stopped ...).
    states: ClassVar[tuple[State, ...]] = ()
    #: Access rights recorded on a file slot opened by the core's ``open``.
    file_rights: ClassVar[int] = 0
    #: Whether a slot opened by the core's ``open`` passes to children (UNIX descriptors
    #: do; Windows handles only when marked inheritable).
    file_inheritable: ClassVar[bool] = True
    #: The trace event kinds this platform emits beyond the kernel's (`CORE_EVENTS`),
    #: each with its fields: what views and sinks may rely on.
    events: ClassVar[Mapping[str, EventKind]] = {}

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    @classmethod
    def of(cls, kernel: Kernel) -> Self:
        """The running platform of ``kernel``, as this class (a plugin's own helpers
        reach their platform's machine-wide state this way)."""
        platform = kernel.platform
        if not isinstance(platform, cls):
            raise PluginError(cls.name or cls.__name__, f"the run is on platform "
                              f"{platform.name!r}, not {cls.name!r}")
        return platform

    def syscalls(self) -> Mapping[str, OpSpec]:
        """The system calls programs may use, including the portable
        ``spawn``, ``wait``, ``kill`` and ``exit``; read once at boot."""
        return {}

    def constants(self) -> Mapping[str, int]:
        """Named constants programs may write (``SIGINT``, ``WNOHANG``, ``INFINITE``)."""
        return {}

    def equivalents(self) -> Mapping[str, str]:
        """Other platforms' calls mapped to this platform's nearest one, for errors
        such as "fork is not a windows system call; windows has CreateProcess"."""
        return {}

    def error_code(self, reason: str) -> int:
        """The platform's number for a core error reason (``bad``, ``missing``, ``mode``)."""
        return 1

    @classmethod
    def demo(cls) -> str:
        """The TOML text of the scenario ``osmodel --platform NAME`` runs.

        By default, ``demo.toml`` beside the module that defines the class
        (ship it as package data).
        """
        package = cls.__module__.rpartition(".")[0] or cls.__module__
        try:
            from importlib import resources  # only for the demo: it costs every start

            return resources.files(package).joinpath("demo.toml").read_text(encoding="utf-8")
        except (FileNotFoundError, ModuleNotFoundError, TypeError):
            raise NotImplementedError(f"platform {cls.name} has no demo scenario") from None

    # --- what a platform overrides: one plain method per hook (see kernel/hookspecs.py) --

    def boot(self, kernel: Kernel) -> None:
        """Create the first processes (cause ``boot``); by default none."""

    def user_command(self, kernel: Kernel, program: str, background: bool,
                     args: Sequence[int]) -> Process | None:
        """The process made for a user's command, or None: the platform takes no commands."""
        return None

    def batch_job(self, kernel: Kernel, program: str, args: Sequence[int]) -> Process | None:
        """The process made for a batch job, or None: the platform takes no jobs."""
        return None

    def process_exit(self, kernel: Kernel, process: Process) -> State | None:
        """The state an ended process stays in while its record is kept, or None to
        release it at once (the default: nobody waits for it)."""
        return None

    def process_released(self, kernel: Kernel, process: Process) -> None:
        """The record of an ended process is gone; free what the platform kept for it."""

    def fault(self, kernel: Kernel, process: Process, fault: str,
              detail: Mapping[str, Any]) -> bool:
        """Turn a hardware fault into the platform's signal or exception; True once
        handled, False (the default) to let the kernel end the process as a fatal error."""
        return False

    def operator_kill(self, kernel: Kernel, target: Process, signal: str | None) -> None:
        """Kill ``target`` from outside (``signal`` None: the platform's forced kill).

        Not overriding it means the platform does not handle kill events.
        """

    def parent(self, kernel: Kernel, process: Process) -> int | None:
        """The parent's pid, or None (no hierarchy, the default; or the root)."""
        return None

    def interrupt(self, kernel: Kernel, key: str) -> Sequence[int] | None:
        """Deliver a key: the pids it reached (not those that ignored it), possibly
        none; None (the default) when the platform has no such key."""
        return None

    def process_info(self, kernel: Kernel, process: Process) -> Mapping[str, Any] | None:
        """Platform fields of a process for reports and JSON, or None."""
        return None

    def structure(self, kernel: Kernel) -> Sequence[str] | None:
        """The drawing of how processes are arranged, or None."""
        return None

    def report_section(self, kernel: Kernel) -> Mapping[str, Any] | None:
        """The platform's part of the run's report, put under its name, or None."""
        return None

    # --- the hook implementations: every platform has these unless it writes its own ----
    # Decision hooks are ``trylast`` so that a third-party plugin still wins.

    @hookimpl(trylast=True)
    def osmodel_boot(self, kernel: Kernel) -> None:
        self.boot(kernel)

    @hookimpl(trylast=True)
    def osmodel_user_command(self, kernel: Kernel, program: str, background: bool,
                             args: Sequence[int]) -> Process | None:
        return self.user_command(kernel, program, background, args)

    @hookimpl(trylast=True)
    def osmodel_batch_job(self, kernel: Kernel, program: str,
                          args: Sequence[int]) -> Process | None:
        return self.batch_job(kernel, program, args)

    @hookimpl(trylast=True)
    def osmodel_process_exit(self, kernel: Kernel, process: Process) -> State | None:
        return self.process_exit(kernel, process)

    @hookimpl
    def osmodel_process_released(self, kernel: Kernel, process: Process) -> None:
        self.process_released(kernel, process)

    @hookimpl(trylast=True)
    def osmodel_fault(self, kernel: Kernel, process: Process, fault: str,
                      detail: Mapping[str, Any]) -> bool | None:
        return True if self.fault(kernel, process, fault, detail) else None

    @hookimpl(trylast=True)
    def osmodel_operator_kill(self, kernel: Kernel, target: Process,
                              signal: str | None) -> bool | None:
        if type(self).operator_kill is Platform.operator_kill:
            return None  # not overridden: kill events are not this platform's
        self.operator_kill(kernel, target, signal)
        return True

    @hookimpl(trylast=True)
    def osmodel_parent(self, kernel: Kernel, process: Process) -> int | None:
        return self.parent(kernel, process)

    @hookimpl(trylast=True)
    def osmodel_interrupt(self, kernel: Kernel, key: str) -> Sequence[int] | None:
        return self.interrupt(kernel, key)

    @hookimpl
    def osmodel_process_info(self, kernel: Kernel, process: Process) -> Mapping[str, Any] | None:
        return self.process_info(kernel, process)

    @hookimpl(trylast=True)
    def osmodel_structure(self, kernel: Kernel) -> Sequence[str] | None:
        return self.structure(kernel)

    @hookimpl
    def osmodel_report(self, kernel: Kernel, report: dict[str, Any]) -> None:
        section = self.report_section(kernel)
        if section is not None:
            report[self.name] = section

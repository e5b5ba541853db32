"""The platform interface: what a platform plugin gives the kernel.

A platform plugin returns its `Platform` subclass from ``osmodel_platforms``.
When a run selects it, the kernel makes one instance and registers that
instance as a plugin, so the hook implementations written as its methods
(boot, user commands, exit, faults, hierarchy, reports) take part in the run;
the syscall table, constants and error codes are read from it once at boot.
Built-in platforms use nothing else, so they are models for third parties.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import TYPE_CHECKING, ClassVar

from .states import State

if TYPE_CHECKING:
    from .kernel import Kernel
    from .link import OpSpec


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
    #: For each kind of difference ``osmodel compare`` reports (``orphan``, ``memory``,
    #: ``forced_kill``, ``fatal_fault``, ``ctrl_c_reach``, ``ctrl_c_end``, ``exit_width``,
    #: ``presence``, ``end``), this platform's rule and its source, cited under the columns.
    rules: ClassVar[Mapping[str, str]] = {}

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

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
            return resources.files(package).joinpath("demo.toml").read_text(encoding="utf-8")
        except (FileNotFoundError, ModuleNotFoundError, TypeError):
            raise NotImplementedError(f"platform {cls.name} has no demo scenario") from None

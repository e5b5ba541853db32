"""Finding, loading, blocking and blaming plugins.

Built-in plugins are a list of module paths loaded by the same code as the
entry points of the ``osmodel`` group and the ``-p MODULE`` option, so a
third-party plugin meets exactly what the built-ins meet.

Every command loads every plugin, so a plugin module should be cheap to
import: what its hooks need only when they run (a platform's system calls, a
command's engine) is imported then, inside the function or through
`LazyModule`.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from collections.abc import Iterable, Sequence
from importlib.machinery import PathFinder
from types import ModuleType, TracebackType
from typing import Any

import pluggy
from attrs import frozen

from . import hookspecs
from .errors import PluginError

#: Modules registered in every run unless blocked with ``-p no:NAME``.
BUILTIN_PLUGINS: tuple[tuple[str, str], ...] = (
    ("unix", "osmodel.platforms.unix"),
    ("windows", "osmodel.platforms.windows"),
    ("bare", "osmodel.platforms.bare"),
    ("rr", "osmodel.plugins.schedulers.rr"),
    ("fifo", "osmodel.plugins.schedulers.fifo"),
    ("sjf", "osmodel.plugins.schedulers.sjf"),
    ("stcf", "osmodel.plugins.schedulers.stcf"),
    ("priority", "osmodel.plugins.schedulers.priority"),
    ("mlfq", "osmodel.plugins.schedulers.mlfq"),
    ("lottery", "osmodel.plugins.schedulers.lottery"),
    ("stride", "osmodel.plugins.schedulers.stride"),
    ("cfs", "osmodel.plugins.schedulers.cfs"),
    ("commands", "osmodel.plugins.commands"),
    ("views", "osmodel.plugins.views.commands"),
    ("schedule", "osmodel.plugins.schedule"),
)
#: Set to any non-empty value to skip the ``osmodel`` entry-point group.
DISABLE_AUTOLOAD_ENV = "OSMODEL_DISABLE_PLUGIN_AUTOLOAD"
ENTRY_POINT_GROUP = "osmodel"


@frozen
class Origin:
    """Where a plugin came from, for ``osmodel plugins`` and error messages."""

    name: str
    kind: str  # built-in | entry point | -p | instance
    module: str
    distribution: str | None = None
    version: str | None = None

    def __str__(self) -> str:
        if self.distribution:
            return f"{self.kind} ({self.distribution} {self.version})"
        return f"{self.kind} ({self.module})"


class LazyModule:
    """A stand-in for a module that is imported when one of its attributes is first read.

    For a plugin module whose hooks need heavy modules only when they run:
    ``syscalls = LazyModule("mypkg.syscalls")`` at the top, ``syscalls.table()``
    in the hook.  Registering the plugin then imports nothing more, and the
    import, when it happens, is the import statement's: it shows in
    ``sys.modules`` and ``-X importtime`` (which does not see
    ``importlib.import_module``), and its errors are raised where the
    attribute is read.
    """

    __slots__ = ("_module", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        module = self._module
        if module is None:
            __import__(self._name)
            module = self._module = sys.modules[self._name]
        return getattr(module, attr)

    def __repr__(self) -> str:
        state = "imported" if self._module is not None else "not imported yet"
        return f"<lazy module {self._name!r} ({state})>"


def may_declare_entry_points(group: str, path: Sequence[str] | None = None) -> bool:
    """Whether a distribution on ``path`` (default ``sys.path``) may have entry points of ``group``.

    A cheap look at the ``entry_points.txt`` files that ``importlib.metadata``
    would read, so that a run with no third-party plugin installed does not
    import ``importlib.metadata`` (tens of milliseconds at every start).  It
    errs towards True: a path entry it cannot list (a zip file) or another
    finder of distributions on ``sys.meta_path`` answers True, and the caller
    then asks ``importlib.metadata`` itself.
    """
    if any(hasattr(finder, "find_distributions") and finder is not PathFinder
           for finder in sys.meta_path):
        return True
    for entry in sys.path if path is None else path:
        root = entry or "."
        try:
            children = os.listdir(root)
        except OSError:
            if os.path.isfile(root):  # a zip of distributions: leave it to importlib.metadata
                return True
            continue
        egg = os.path.basename(root).lower().endswith(".egg")
        for child in children:
            low = child.lower()
            if not (low.endswith((".dist-info", ".egg-info")) or (egg and low == "egg-info")):
                continue
            try:
                with open(os.path.join(root, child, "entry_points.txt"), encoding="utf-8") as f:
                    text = f.read()
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
                continue
            except (OSError, ValueError):
                return True
            for line in text.splitlines():  # sections as importlib.metadata reads them
                line = line.strip()
                if line.startswith("[") and line.endswith("]") and line.strip("[]") == group:
                    return True
    return False


class PluginManager(pluggy.PluginManager):
    """pluggy's manager plus origins, load warnings and blame for failures."""

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT)
        self.add_hookspecs(hookspecs)
        self.origins: dict[str, Origin] = {}
        self.warnings: list[str] = []

    def register_origin(self, plugin: object, origin: Origin) -> None:
        try:
            self.register(plugin, name=origin.name)
        except pluggy.PluginValidationError as error:
            raise PluginError(self._label(origin), f"bad hook implementation: {error}") from error
        self.origins[origin.name] = origin

    @staticmethod
    def _label(origin: Origin) -> str:
        return f"{origin.name} from {origin.distribution}" if origin.distribution else origin.name

    def load_module(self, origin: Origin, *, strict: bool) -> None:
        """Import and register a plugin module; a failure is an error or a warning."""
        if self.is_blocked(origin.name):
            return
        try:
            module = importlib.import_module(origin.module)
        except Exception as error:
            failure = PluginError(self._label(origin), f"failed to import {origin.module}: "
                                  f"{type(error).__name__}: {error}")
            if strict:
                raise failure from error
            self.warnings.append(str(failure))
            return
        try:
            self.register_origin(module, origin)
        except PluginError as error:
            if strict:
                raise
            self.warnings.append(str(error))

    def plugin_name_for(self, module_name: str) -> str | None:
        for name, plugin in self.list_name_plugin():
            owner = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__
            if owner == module_name:
                return name
        return None

    def blame(self, error: BaseException) -> tuple[str, str] | None:
        """The plugin (and function) in which ``error`` was raised, innermost first."""
        tb: TracebackType | None = error.__traceback__
        frames = list(traceback.walk_tb(tb))
        owners: dict[str, str] = {}
        packages: list[tuple[str, str]] = []  # a package plugin owns its submodules too
        for name, plugin in self.list_name_plugin():
            owner = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__
            owners.setdefault(owner, name)
            if isinstance(plugin, ModuleType) and hasattr(plugin, "__path__"):
                packages.append((owner + ".", name))
        packages.sort(key=lambda item: -len(item[0]))  # the innermost package wins
        for frame, _ in reversed(frames):
            module = frame.f_globals.get("__name__", "")
            plugin_name = owners.get(module) or next(
                (name for prefix, name in packages if module.startswith(prefix)), None)
            if plugin_name is not None:
                origin = self.origins.get(plugin_name)
                label = self._label(origin) if origin else plugin_name
                return label, frame.f_code.co_name
        return None


def make_plugin_manager(
    plugins: Sequence[str] = (),
    *,
    autoload: bool | None = None,
    builtins: Iterable[tuple[str, str]] = BUILTIN_PLUGINS,
) -> PluginManager:
    """Build the manager for one run.

    ``plugins`` holds the ``-p`` values: a module to load (``-p mypkg.tracer``)
    or ``no:NAME`` to block a plugin by name.  Entry points load unless
    ``autoload`` is False or the environment variable DISABLE_AUTOLOAD_ENV is
    set.  A failing ``-p`` module is an error; a failing entry point is a
    warning in ``pm.warnings`` and the rest goes on.
    """
    pm = PluginManager()
    for value in plugins:
        if value.startswith("no:"):
            pm.set_blocked(value[3:])
    for name, module in builtins:
        pm.load_module(Origin(name, "built-in", module), strict=True)
    if autoload is None:
        autoload = not os.environ.get(DISABLE_AUTOLOAD_ENV)
    if autoload and may_declare_entry_points(ENTRY_POINT_GROUP):
        from importlib import metadata

        for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            dist = ep.dist
            origin = Origin(ep.name, "entry point", ep.value,
                            dist.name if dist else None, dist.version if dist else None)
            pm.load_module(origin, strict=False)
    for value in plugins:
        if not value.startswith("no:"):
            pm.load_module(Origin(value, "-p", value), strict=True)
    pm.hook.osmodel_addhooks.call_historic(kwargs={"pluginmanager": pm})
    return pm

"""Finding, loading, blocking and blaming plugins.

Built-in plugins are a list of module paths loaded by the same code as the
entry points of the ``osmodel`` group and the ``-p MODULE`` option, so a
third-party plugin meets exactly what the built-ins meet.

Every command loads every plugin, so a plugin module should be cheap to
import: what its hooks offer is named by where it lives (``"pkg.mod:Name"``,
see `import_target`) and imported when a run or a command uses it, and what
its hooks need only when they run is imported then, inside the function or
through `LazyModule`.
"""

from __future__ import annotations

import difflib
import importlib
import os
import re
import reprlib
import sys
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib.machinery import PathFinder
from types import ModuleType, TracebackType
from typing import Any

import pluggy
from attrs import frozen
from pluggy import HookImpl

from . import hookspecs
from .errors import ConfigError, PluginError

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
    ("views", "osmodel.plugins.views"),
    ("schedule", "osmodel.plugins.schedule"),
    ("ostep", "osmodel.plugins.ostep"),
    ("gallery", "osmodel.plugins.gallery"),
    ("quiz", "osmodel.plugins.quiz"),
    ("sweep", "osmodel.plugins.sweep"),
)
#: Set to 1 (true, yes, on) to skip the ``osmodel`` entry-point group; 0 (false, no, off)
#: or empty loads it.  Unlike PYTEST_DISABLE_PLUGIN_AUTOLOAD, where any value disables,
#: ``=0`` does what it says, and a value that is neither is an error.
DISABLE_AUTOLOAD_ENV = "OSMODEL_DISABLE_PLUGIN_AUTOLOAD"
#: Set to 1 to write every hook call (hook, plugins, arguments, result) to stderr.
TRACE_HOOKS_ENV = "OSMODEL_TRACE_HOOKS"
ENTRY_POINT_GROUP = "osmodel"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


def env_flag(name: str) -> bool:
    """An on/off environment variable: 1/true/yes/on or 0/false/no/off (any case), unset off."""
    value = os.environ.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={os.environ[name][:40]!r}: expected 1 (true, yes, on) or "
                      "0 (false, no, off)")


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


#: A reference to an object by where it lives: ``package.module:attribute`` (the attribute
#: may be dotted, ``module:Class.factory``), as entry points name theirs.
_TARGET = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def is_target(value: object) -> bool:
    """Whether ``value`` is a ``"package.module:attribute"`` reference (see `import_target`)."""
    return isinstance(value, str) and _TARGET.fullmatch(value) is not None


def import_target(target: str) -> Any:
    """The object that ``"package.module:attribute"`` names, importing its module now.

    How a plugin offers a platform class, a scheduler factory or a command
    without importing it when the plugin is registered: the reference is a
    string, and the import happens when a run or a command uses it.  Errors
    are the import's own (ImportError, AttributeError), or ValueError for a
    string that is not such a reference.
    """
    if not is_target(target):
        raise ValueError(f"{target[:80]!r} is not a reference of the form "
                         "package.module:attribute")
    module_name, _, path = target.partition(":")
    __import__(module_name)  # the import statement's: -X importtime sees it
    obj: Any = sys.modules[module_name]
    for attr in path.split("."):
        obj = getattr(obj, attr)
    return obj


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
        #: Hook calls are written to stderr (`trace_hooks`): callers that would call an
        #: implementation directly for speed go through pluggy instead, so none is missed.
        self.tracing = False

    def register_origin(self, plugin: object, origin: Origin) -> None:
        try:
            self.register(plugin, name=origin.name)
        except pluggy.PluginValidationError as error:
            raise PluginError(self._label(origin), f"bad hook implementation: {error}") from error
        self.origins[origin.name] = origin

    @staticmethod
    def _label(origin: Origin) -> str:
        return f"{origin.name} from {origin.distribution}" if origin.distribution else origin.name

    def label(self, name: str) -> str:
        """How errors name the plugin registered as ``name`` (with its distribution)."""
        origin = self.origins.get(name)
        return self._label(origin) if origin else name

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

    def unknown_hooks(self) -> list[tuple[str, str]]:
        """(plugin, hook) for each implementation of a hook no specification declares.

        A misspelt hook is never called, so the plugin would quietly do less
        than its author thinks; ``optionalhook=True`` implementations (for a
        hook another plugin may add) are let through, as pluggy's
        ``check_pending`` does.
        """
        found = []
        for name, caller in vars(self.hook).items():
            if name.startswith("_") or caller.has_spec():
                continue
            found += [(impl.plugin_name, name) for impl in caller.get_hookimpls()
                      if not impl.optionalhook]
        return sorted(found)

    def unknown_hook_error(self, plugin: str, hook: str) -> PluginError:
        known = [name for name, caller in vars(self.hook).items()
                 if not name.startswith("_") and caller.has_spec()]
        close = difflib.get_close_matches(hook, known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return PluginError(self.label(plugin), f"{hook} is not a hook{hint}")

    def check_hooks(self) -> None:
        """Every implementation names a known hook: an entry point that does not is left out
        with a warning (as one that fails to import), any other plugin is an error."""
        for plugin, hook in self.unknown_hooks():
            error = self.unknown_hook_error(plugin, hook)
            origin = self.origins.get(plugin)
            if origin is None or origin.kind != "entry point":
                raise error
            if self.has_plugin(plugin):
                self.unregister(name=plugin)
                self.warnings.append(f"{error}; left out")

    def trace_hooks(self, write: Callable[[str], object] | None = None) -> None:
        """Write every hook call from now on: the hook and the plugins it calls, its
        arguments, then what it returned (by default to stderr, for plugin authors)."""
        self.trace.root.setwriter(write or (lambda text: sys.stderr.write(text)))
        hooktrace = self.trace.root.get("hook")

        def before(hook: str, impls: Sequence[HookImpl], kwargs: Mapping[str, Any]) -> None:
            hooktrace.root.indent += 1
            called = ", ".join(impl.plugin_name for impl in reversed(impls)) or "nobody"
            hooktrace(hook, "->", called, kwargs)

        def after(outcome: pluggy.Result[Any], hook: str, impls: Sequence[HookImpl],
                  kwargs: Mapping[str, Any]) -> None:
            if outcome.exception is None:
                hooktrace("finish", hook, "-->", reprlib.repr(outcome.get_result()))
            else:
                hooktrace("raised", hook, "-->", type(outcome.exception).__name__)
            hooktrace.root.indent -= 1

        self.add_hookcall_monitoring(before, after)
        self.tracing = True

    def plugin_name_for(self, module_name: str) -> str | None:
        for name, plugin in self.list_name_plugin():
            owner = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__
            if owner == module_name:
                return name
        return None

    def _owners(self) -> Callable[[str], str | None]:
        """Which plugin a module belongs to: the plugin that is that module, or the innermost
        package plugin holding it (a package plugin owns its submodules too)."""
        owners: dict[str, str] = {}
        packages: list[tuple[str, str]] = []
        for name, plugin in self.list_name_plugin():
            owner = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__
            owners.setdefault(owner, name)
            if isinstance(plugin, ModuleType) and hasattr(plugin, "__path__"):
                packages.append((owner + ".", name))
        packages.sort(key=lambda item: -len(item[0]))  # the innermost package wins

        def owner_of(module: str) -> str | None:
            return owners.get(module) or next(
                (name for prefix, name in packages if module.startswith(prefix)), None)

        return owner_of

    def owner(self, module: str) -> str | None:
        """The name of the plugin ``module`` belongs to (see `_owners`), or None."""
        return self._owners()(module)

    def blame(self, error: BaseException) -> tuple[str, str] | None:
        """The plugin (and function) in which ``error`` was raised, innermost first."""
        tb: TracebackType | None = error.__traceback__
        owner_of = self._owners()
        for frame, _ in reversed(list(traceback.walk_tb(tb))):
            plugin_name = owner_of(frame.f_globals.get("__name__", ""))
            if plugin_name is not None:
                return self.label(plugin_name), frame.f_code.co_name
        return None

    def failure(self, error: Exception, *, time: int | None = None,
                pid: int | None = None) -> PluginError | None:
        """``error`` as the PluginError that names the plugin it came from, if it did."""
        blamed = self.blame(error)
        if blamed is None:
            return None
        plugin, function = blamed
        return PluginError(plugin, f"{type(error).__name__}: {error}", hook=function,
                           time=time, pid=pid)


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
    on.  A failing ``-p`` module is an error; a failing entry point is a
    warning in ``pm.warnings`` and the rest goes on.  TRACE_HOOKS_ENV on
    traces every hook call from the first.
    """
    for value in plugins:
        check_plugin_option(value)
    if autoload is None:
        autoload = not env_flag(DISABLE_AUTOLOAD_ENV)
    pm = PluginManager()
    if env_flag(TRACE_HOOKS_ENV):
        pm.trace_hooks()
    for value in plugins:
        if value.startswith("no:"):
            pm.set_blocked(value[3:])
    for name, module in builtins:
        pm.load_module(Origin(name, "built-in", module), strict=True)
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
    try:
        pm.hook.osmodel_addhooks.call_historic(kwargs={"pluginmanager": pm})
    except Exception as error:
        failure = pm.failure(error)
        if failure is None:
            raise
        raise failure from error
    pm.check_hooks()
    return pm


def check_plugin_option(value: str) -> None:
    """A ``-p`` value names a module, or a plugin after ``no:``."""
    if not value.strip():
        raise ConfigError(f"-p {value!r}: an empty value (expected -p MODULE or -p no:NAME)")
    if value.startswith("no:") and not value[3:].strip():
        raise ConfigError(f"-p {value!r}: no plugin name after no: (expected -p no:NAME)")

"""Calling the hooks whose answers osmodel uses: each answer checked where it is collected.

A wrong value that is used later fails in whatever code touches it first, and
is blamed on that code's plugin (a sink of 5 failed in the kernel's dispatch,
named as the platform).  So every hook that returns something is called here
one implementation at a time, and a value that breaks the hook's contract is
a `PluginError` naming the plugin that returned it.  Each call still goes
through pluggy's executor, so hook-call monitoring and ``OSMODEL_TRACE_HOOKS``
see every implementation's call.

When a wrapper (``wrapper=True`` or ``hookwrapper=True``) wraps the hook, the
implementations are called together as pluggy calls them, so the wrapper runs
once; a bad value is then named by every plugin that took part.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Mapping, Sequence
from functools import cache, partial
from importlib import import_module
from typing import TYPE_CHECKING, Any

from attrs import frozen

from .errors import PluginError
from .manager import is_target

if TYPE_CHECKING:
    from pluggy import HookImpl

    from .manager import PluginManager

#: Nesting a JSON-ready value from ``osmodel_process_info`` may have (the check recurses).
MAX_INFO_DEPTH = 32

_short = reprlib.Repr()
_short.maxstring = 40
_short.maxother = 40


def shown(value: object) -> str:
    """A value as an error shows it: short, and without addresses (the same bytes each run)."""
    if value is None or isinstance(value, bool | int | float | str | bytes):
        return f"{_short.repr(value)} ({type(value).__name__})"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


Problem = Callable[[Any], "str | None"]


@frozen
class Expect:
    """What a hook's implementations return besides None, in words and as a check."""

    #: Completes "expected ...": the contract in kernel/hookspecs.py.
    what: str
    #: The problem with a value (not None) that breaks the contract, or None.
    problem: Problem


@cache
def _kernel_class(module: str, name: str) -> type:
    """A kernel class, imported at the first check: plugins load, and this module with
    them, at every start, long before a kernel exists."""
    cls: type = getattr(import_module(module, __package__), name)
    return cls


def _instance_of(module: str, name: str) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, _kernel_class(module, name))


def _one_of(module: str, name: str) -> Problem:
    """A single instance of a kernel class (one call: `caller` checks each exit with it)."""

    def problem(value: Any) -> str | None:
        ok = isinstance(value, _kernel_class(module, name))
        return None if ok else f"returned {shown(value)}"

    return problem


def _one(test: Callable[[Any], bool]) -> Problem:
    """A single value that passes ``test``."""
    return lambda value: None if test(value) else f"returned {shown(value)}"


def _flag(value: Any) -> bool:
    return value is True or value is False


def _pid(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _nothing(value: Any) -> str | None:
    return f"returned {shown(value)}"


def _mapping(entry: Callable[[Any], bool], what: str) -> Problem:
    """A mapping whose keys are non-empty names and whose values pass ``entry``."""

    def problem(value: Any) -> str | None:
        if not isinstance(value, Mapping):
            return f"returned {shown(value)}"
        for key, item in value.items():
            if not isinstance(key, str) or not key:
                return f"returned a mapping with the key {shown(key)}"
            if not entry(item):
                return f"{key!r} maps to {shown(item)}, not {what}"
        return None

    return problem


def _sequence(entry: Callable[[Any], bool], what: str) -> Problem:
    """A list or tuple (not a string) whose items pass ``entry``."""

    def problem(value: Any) -> str | None:
        if not isinstance(value, Sequence) or isinstance(value, str | bytes):
            return f"returned {shown(value)}"
        for index, item in enumerate(value):
            if not entry(item):
                return f"item {index} is {shown(item)}, not {what}"
        return None

    return problem


def _platform_class(item: Any) -> bool:
    """A Platform subclass, or where one lives ("pkg.mod:Class", checked when imported)."""
    return is_target(item) or (isinstance(item, type)
                                and issubclass(item, _kernel_class(".platform", "Platform")))


def _factory(item: Any) -> bool:
    """A scheduler factory, or where one lives ("pkg.mod:Class", checked when imported)."""
    return is_target(item) or callable(item)


def _sink(item: Any) -> bool:
    return callable(getattr(item, "emit", None)) and callable(getattr(item, "close", None))


#: The types a JSON-ready value may be without looking further (subclasses are looked at).
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _json_ready(value: Any, depth: int = 0) -> bool:
    if value.__class__ in _PLAIN or isinstance(value, bool | int | float | str):
        return True
    if depth >= MAX_INFO_DEPTH:
        return False
    if isinstance(value, list | tuple):
        return all(_json_ready(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _json_ready(item, depth + 1)
                   for key, item in value.items())
    return False


_json_fields = _mapping(_json_ready, f"a JSON-ready value (nested at most {MAX_INFO_DEPTH} "
                                     "deep)")


def _fields(value: Any) -> str | None:
    """Fields for a process's report entry: checked for every process, so plain values
    (the usual pgid, sid, name) pass at a glance and the rest by `_json_fields`."""
    if value.__class__ is dict and all(key.__class__ is str and key and item.__class__ in _PLAIN
                                       for key, item in value.items()):
        return None
    return _json_fields(value)


_PROCESS = _one_of(".process", "Process")
_FLAG = _one(_flag)
_NOTHING = Expect("nothing (None)", _nothing)

#: What osmodel expects of every hook in kernel/hookspecs.py that it calls through this
#: module (all but osmodel_addhooks, and the announcements the kernel makes per process).
EXPECTED: dict[str, Expect] = {
    "osmodel_platforms": Expect("a mapping of names to Platform subclasses",
                                _mapping(_platform_class, "a Platform subclass")),
    "osmodel_schedulers": Expect("a mapping of names to scheduler factories",
                                 _mapping(_factory, "a scheduler factory (a callable)")),
    "osmodel_syscalls": Expect("a mapping of instruction names to OpSpecs, or None",
                               _mapping(_instance_of(".link", "OpSpec"), "an OpSpec")),
    "osmodel_trace_sinks": Expect(
        "a list of trace sinks (objects with emit() and close()), or None",
        _sequence(_sink, "a trace sink (an object with emit() and close())")),
    "osmodel_user_command": Expect("the Process created, or None", _PROCESS),
    "osmodel_batch_job": Expect("the Process created, or None", _PROCESS),
    "osmodel_process_exit": Expect("the State the process stays in, or None",
                                   _one_of(".states", "State")),
    "osmodel_fault": Expect("True once handled, or None", _FLAG),
    "osmodel_operator_kill": Expect("True once done, or None", _FLAG),
    "osmodel_parent": Expect("the parent's pid (an int), or None", _one(_pid)),
    "osmodel_interrupt": Expect(
        "the pids the key reached (a list of ints, possibly empty), True (delivered, whom "
        "not said: contract 1), or None",
        lambda value: None if value is True else _sequence(_pid, "a pid (an int)")(value)),
    "osmodel_process_info": Expect("a JSON-ready mapping of field names to values, or None",
                                   _fields),
    "osmodel_structure": Expect(
        "the drawing as a list of lines (str), or None",
        _sequence(lambda item: isinstance(item, str), "a line of text (a str)")),
    "osmodel_commands": _NOTHING,
    "osmodel_configure": _NOTHING,
    "osmodel_boot": _NOTHING,
    "osmodel_finish": _NOTHING,
    "osmodel_report": _NOTHING,
}


def _refuse(pm: PluginManager, hook: str, plugins: Sequence[str], problem: str,
            kwargs: Mapping[str, Any]) -> PluginError:
    """The error for a bad answer, at the run's time and for the process asked about."""
    kernel = kwargs.get("kernel")
    process = kwargs.get("process", kwargs.get("target"))
    if process is None and kernel is not None:
        process = kernel.current
    label = " or ".join(pm.label(name) for name in plugins)
    if problem.startswith("returned "):
        problem += f"; expected {EXPECTED[hook].what}"
    return PluginError(label, problem, hook=hook,
                       time=getattr(kernel, "now", None), pid=getattr(process, "pid", None))


def _checked(pm: PluginManager, hook: str, plugins: Sequence[str], value: Any,
             kwargs: Mapping[str, Any]) -> Any:
    problem = EXPECTED[hook].problem(value)
    if problem is not None:
        raise _refuse(pm, hook, plugins, problem, kwargs)
    return value


def resolved(pm: PluginManager, hook: str, plugin: str, name: str, value: Any) -> Any:
    """An offered object itself: a ``"pkg.mod:Name"`` reference (`is_target`) imported now
    and checked as the hook's answer would be; a failure names the plugin that offered it."""
    if not is_target(value):
        return value
    from .manager import import_target

    try:
        obj = import_target(value)
    except Exception as error:
        raise PluginError(pm.label(plugin), f"{name!r}: cannot import {value}: "
                          f"{type(error).__name__}: {error}", hook=hook) from error
    _checked(pm, hook, [plugin], {name: obj}, {})
    return obj


def _wrapped(impls: Sequence[HookImpl]) -> bool:
    return any(impl.wrapper or impl.hookwrapper for impl in impls)


def _answer(pm: PluginManager, hook: str, impl: HookImpl, kwargs: Mapping[str, Any]) -> Any:
    """One implementation's answer, through pluggy's executor (so monitoring sees it)."""
    return pm._hookexec(hook, [impl], kwargs, True)


def collect(pm: PluginManager, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Every implementation's answer but None, in pluggy's order, each checked, with its
    plugin's name."""
    impls = getattr(pm.hook, hook).get_hookimpls()
    if not impls:
        getattr(pm.hook, hook)(**kwargs)  # nothing to check, but a traced call all the same
        return []
    if _wrapped(impls):
        names = [impl.plugin_name for impl in reversed(impls)]
        values = getattr(pm.hook, hook)(**kwargs)
        return [(" or ".join(names), _checked(pm, hook, names, v, kwargs)) for v in values]
    found = []
    for impl in reversed(impls):
        value = _answer(pm, hook, impl, kwargs)
        if value is not None:
            found.append((impl.plugin_name, _checked(pm, hook, [impl.plugin_name], value,
                                                     kwargs)))
    return found


def first(pm: PluginManager, hook: str, **kwargs: Any) -> Any:
    """The first answer but None (a *first result* hook), checked; None if none answers."""
    impls = getattr(pm.hook, hook).get_hookimpls()
    if not impls or _wrapped(impls):
        value = getattr(pm.hook, hook)(**kwargs)
        names = [impl.plugin_name for impl in reversed(impls)]
        return None if value is None else _checked(pm, hook, names, value, kwargs)
    for impl in reversed(impls):
        value = _answer(pm, hook, impl, kwargs)
        if value is not None:
            return _checked(pm, hook, [impl.plugin_name], value, kwargs)
    return None


def call(pm: PluginManager, hook: str, **kwargs: Any) -> None:
    """Call a hook that returns nothing; an implementation returning something is an error
    (it meant something that would be lost: a report returned instead of added to)."""
    collect(pm, hook, **kwargs)


def _direct(pm: PluginManager, hook: str) -> tuple[str, Callable[..., Any]] | None:
    """The plugin and the checked function of the one plain implementation of ``hook``, or
    None when pluggy must call it (several implementations, a wrapper, calls traced)."""
    impls = getattr(pm.hook, hook).get_hookimpls()
    if pm.tracing or len(impls) != 1 or _wrapped(impls):
        return None
    function, names, plugin = impls[0].function, impls[0].argnames, impls[0].plugin_name
    problem = EXPECTED[hook].problem

    def direct(**kwargs: Any) -> Any:
        value = function(*[kwargs[name] for name in names])
        if value is not None:
            wrong = problem(value)
            if wrong is not None:
                raise _refuse(pm, hook, [plugin], wrong, kwargs)
        return value

    return plugin, direct


def caller(pm: PluginManager, hook: str) -> Callable[..., Any]:
    """`first` for a hot path: ``caller(pm, hook)(**kwargs)``, resolved once.

    When one plain implementation answers and hook calls are not traced, its
    function itself, with the check of its answer (no pluggy dispatch per
    call).  Resolve after the plugins are registered: a plugin registered
    later is not seen by a caller made before.
    """
    found = _direct(pm, hook)
    return found[1] if found is not None else partial(first, pm, hook)


def collector(pm: PluginManager, hook: str) -> Callable[..., list[tuple[str, Any]]]:
    """`collect` for a hot path (the report's entry of every process), resolved as `caller`."""
    found = _direct(pm, hook)
    if found is None:
        return partial(collect, pm, hook)
    plugin, direct = found

    def one(**kwargs: Any) -> list[tuple[str, Any]]:
        value = direct(**kwargs)
        return [] if value is None else [(plugin, value)]

    return one

"""The plugin API is one module, ``osmodel.kernel``, and every change to it is deliberate.

``EXPECTED`` pins each public name and the signature of what it names, so a
change to the face (a name added, removed or moved out, a parameter renamed,
a default changed) fails here until this file and docs/changelog.md say so.
The submodules behind the face are internal; the last tests check that the
xv6 example, written as a third party would write it, and docs/plugins.md
import nothing else.
"""

from __future__ import annotations

import ast
import inspect
import re
import subprocess
import sys
import types
import typing
from importlib import import_module
from pathlib import Path

import pluggy
import pytest

import osmodel.kernel

ROOT = Path(__file__).resolve().parent.parent
INIT = ROOT / "kernel" / "__init__.py"
CHANGELOG = ROOT / "docs" / "changelog.md"
PLUGINS_MD = ROOT / "docs" / "plugins.md"
XV6_PACKAGE = ROOT / "examples" / "osmodel-xv6" / "osmodel_xv6"


def describe(obj: object) -> str:
    """What a plugin relies on in ``obj``, as text: a class's bases and constructor, a
    protocol's methods, a function's signature, an alias's target, a constant's value."""
    if isinstance(obj, pluggy.HookimplMarker | pluggy.HookspecMarker):
        return f"{type(obj).__name__}({obj.project_name!r})"  # pluggy's own signature
    if isinstance(obj, type):
        if getattr(obj, "_is_protocol", False):
            methods = sorted(name for name, value in vars(obj).items()
                             if not name.startswith("_") and callable(value))
            return "protocol " + "; ".join(
                f"{name}{inspect.signature(getattr(obj, name))}" for name in methods)
        bases = ", ".join(base.__qualname__ for base in obj.__bases__)
        try:
            made = str(inspect.signature(obj))
        except ValueError:  # a constructor of a built-in base: an exception's
            made = "(*args)"
        return f"class[{bases}]{made}"
    if isinstance(obj, types.GenericAlias) or typing.get_origin(obj) is not None:
        return f"alias {obj!r}"
    if callable(obj):
        return str(inspect.signature(obj))
    return f"value {obj!r}"


def described(name: str) -> str:
    """``describe`` of a public name, without the addresses that reprs of functions hold."""
    return re.sub(r" at 0x[0-9a-f]+", "", describe(getattr(osmodel.kernel, name)))


#: The public face.  Changing it is an API change: record it in docs/changelog.md (a
#: removal, a rename or an incompatible signature raises HOOK_CONTRACT_VERSION), then
#: update this table (``python tests/test_public_api.py`` prints the current one).
EXPECTED = {
    "BLOCKED": "value State(name='blocked', textbook='blocked', letter='S')",
    "CPU":
        "class[object](index: 'int', proc: 'Process | None' = None, last: 'Process | "
        "None' = None, slice_end: 'float' = inf, run_start: 'int' = 0, burst_from: 'int' "
        "= 0, stepping: 'bool' = False, dispatching: 'bool' = False, gen: 'int' = 0, "
        "busy: 'int' = 0, switching: 'int' = 0, switches: 'int' = 0) -> None",
    "HOOK_CONTRACT_VERSION": 'value 2',
    "MAX_TICKS": 'value 1000000000000',
    "NEW": "value State(name='new', textbook='new', letter='N')",
    "READY": "value State(name='ready', textbook='ready', letter='R')",
    "RUNNING": "value State(name='running', textbook='running', letter='R')",
    "TERMINATED": "value State(name='terminated', textbook='terminated', letter='X')",
    "AddressSpace":
        "class[object](pool: 'FramePool', segments: 'list[Segment] | None' = None, "
        "deferred: 'tuple[Callable[[AddressSpace, Any], None], Any] | None' = None) -> None",
    "Args": 'alias tuple[typing.Any, ...]',
    "BadAddress": "class[OsmodelError](address: 'int', write: 'bool') -> 'None'",
    "BaseScheduler": "class[object](kernel: 'Kernel', options: 'Mapping[str, Any]') -> 'None'",
    "ConfigError": 'class[OsmodelError](*args)',
    "Cycler":
        "protocol cycle(self, cpu: 'CPU', first: 'Process') -> 'tuple[list[Process], "
        "int] | None'; forwarded(self, process: 'Process', turns: 'int') -> 'None'; "
        "requeue(self, order: 'list[Process]', members: 'list[Process]') -> 'None'",
    "Event":
        "class[object](time: 'int', seq: 'int', kind: 'str', pid: 'int | None' = None, "
        "cpu: 'int | None' = None, info: 'Mapping[str, Any]' = NOTHING) -> None",
    "ExitStatus":
        "class[object](kind: 'str', code: 'int | None', signal: 'int | None' = None, "
        "reason: 'str' = '') -> None",
    "Frame":
        "class[object](pc: 'int', sp: 'int', burst_left: 'int', registers: 'list[int]', "
        "on_return: 'Callable[[Process], None] | None' = None) -> None",
    "Handler":
        "alias collections.abc.Callable[['Kernel', 'Process', tuple[typing.Any, ...], "
        'tuple[int, ...]], int]',
    "Kernel":
        "class[object](machine: 'Machine', *, pm: 'PluginManager', programs: "
        "'Mapping[str, Program] | None' = None, seed: 'int' = 0) -> 'None'",
    "Label": "class[object](pc: 'int') -> None",
    "LazyModule": "class[object](name: 'str') -> 'None'",
    "LimitExceeded": 'class[OsmodelError](*args)',
    "Limits":
        "class[object](processes: 'int | None' = 4096, time: 'int | None' = 1000000, "
        "user_processes: 'int | None' = None, instructions: 'int | None' = 10000000, "
        "created: 'int | None' = 10000, refused: 'int | None' = 1000, events: 'int | "
        "None' = 200000) -> None",
    "Location": "class[object](file: 'str | None', line: 'int', column: 'int') -> None",
    "Machine":
        "class[object](cpus: 'int' = 1, frames: 'int' = 4096, page_words: 'int' = 8, "
        "switch_cost: 'int' = 0, scheduler: 'str' = 'rr', scheduler_options: "
        "'Mapping[str, Any]' = NOTHING, io_issue_cost: 'int' = 1, io_done_cost: 'int' = "
        "1, limits: 'Limits' = NOTHING) -> None",
    "Mem": "class[object](base: 'str | int | None', offset: 'int' = 0) -> None",
    "MemoryObject":
        "class[object](pool: 'FramePool', pages: 'dict[int, list[int]]' = NOTHING, "
        "backing: 'MemoryObject | None' = None, refs: 'int' = 0, shadows: "
        "'dict[MemoryObject, None]' = NOTHING, name: 'str' = '', anonymous: 'bool' = "
        'True) -> None',
    "OpSpec":
        "class[object](name: 'str', operands: 'str', results: 'int', handler: 'Handler', "
        "doc: 'str', group: 'str' = 'core', micro: 'tuple[Handler, ...]' = (), "
        "min_results: 'int' = 0, instant: 'bool' = False, choices: "
        "'tuple[Choice | None, ...]' = ()) -> None",
    "OsmodelError": 'class[Exception](*args)',
    "OutOfMemory": 'class[OsmodelError](*args)',
    "PidAllocator":
        "class[object](first: 'int' = 1, limit: 'int' = 4194304, step: 'int' = 1) -> None",
    "Platform": "class[object](kernel: 'Kernel') -> 'None'",
    "PluginError":
        "class[OsmodelError](plugin: 'str', message: 'str', *, hook: 'str | None' = "
        "None, time: 'int | None' = None, pid: 'int | None' = None) -> 'None'",
    "Process":
        "class[object](pid: 'int', name: 'str', program: 'Program', image: 'Image', "
        "cause: 'str', creator: 'int | None', space: 'AddressSpace | None', resources: "
        "'ResourceTable | None', state: 'State' = State(name='new', textbook='new', "
        "letter='N'), context: 'Context' = NOTHING, acct: 'Accounting' = NOTHING, "
        "priority: 'int' = 0, nice: 'int' = 0, tickets: 'int' = 100, expected: 'int | "
        "None' = None, affinity: 'frozenset[int] | None' = None, level: 'int' = 0, "
        "vruntime: 'float' = 0.0, sched: 'Any' = None, qtoken: 'int' = 0, cpu: 'CPU | "
        "None' = None, wakeup: 'Any' = None, blocked_on: 'str' = '', pending: "
        "'tuple[Callable[[Process], None], ...]' = (), exit: 'ExitStatus | None' = None, "
        "platform: 'Any' = None, extra: 'dict[str, Any] | None' = None) -> None",
    "ProcessLimit": 'class[LimitExceeded](*args)',
    "Program":
        "class[object](name: 'str', instructions: 'tuple[Instruction, ...]', labels: "
        "'Mapping[str, int]' = NOTHING, data: 'Mapping[str, tuple[int, ...]]' = NOTHING, "
        "pages: 'int' = 0, location: 'Location | None' = None) -> None",
    "ProgramBuilder": "class[object](name: 'str') -> 'None'",
    "Recorder": "class[object]() -> 'None'",
    "Res": 'alias tuple[int, ...]',
    "ResourceError": "class[OsmodelError](reason: 'str', message: 'str') -> 'None'",
    "ResourceTable":
        "class[object](first: 'int' = 0, step: 'int' = 1, slots: 'dict[int, Slot]' = "
        "NOTHING, owner: 'int | None' = None) -> None",
    "Scenario":
        "class[object](machine: 'Machine', programs: 'Mapping[str, Program]', timeline: "
        "'Iterable[TimelineEvent]', files: 'Mapping[str, tuple[int, ...]]' = NOTHING, "
        "platform: 'str | None' = None, seed: 'int | None' = None, title: 'str' = '', "
        "description: 'str' = '', source: 'str | None' = None, locations: 'Mapping[str, "
        "Location]' = NOTHING) -> None",
    "Scheduler":
        "protocol admit(self, process: 'Process', reason: 'str') -> 'None'; pick(self, "
        "cpu: 'CPU') -> 'Process | None'; ran(self, process: 'Process', ticks: 'int', "
        "reason: 'str') -> 'None'; remove(self, process: 'Process') -> 'None'; "
        "slice(self, process: 'Process', cpu: 'CPU') -> 'int | None'; victim(self, "
        "process: 'Process', running: 'list[CPU]') -> 'CPU | None'",
    "SchedulerFactory":
        "alias collections.abc.Callable[['Kernel', collections.abc.Mapping[str, "
        'typing.Any]], osmodel.kernel.scheduler.Scheduler]',
    "Simulation":
        "class[object](scenario: 'Scenario', platform: 'str', kernel: 'Kernel', "
        "recorder: 'Recorder', history: 'list[Process]' = NOTHING, watch: 'StateWatch' = "
        'NOTHING) -> None',
    "Slot":
        "class[object](obj: 'Any', rights: 'int' = 0, inheritable: 'bool' = True, "
        "close_on_exec: 'bool' = False) -> None",
    "SourceError":
        "class[OsmodelError](message: 'str', location: 'Location', expected: 'str | "
        "None' = None) -> 'None'",
    "State": "class[object](name: 'str', textbook: 'str', letter: 'str' = '?') -> None",
    "Str": "class[object](text: 'str') -> None",
    "TimelineEvent":
        "class[object](time: 'int', kind: 'str', program: 'str | None' = None, "
        "background: 'bool' = False, args: 'tuple[int, ...]' = (), key: 'str | None' = "
        "None, target: 'int | str | None' = None, signal: 'str | None' = None, launch: "
        "'tuple[tuple[str, Any], ...]' = (), location: 'Location' = Location(file=None, "
        'line=1, column=1)) -> None',
    "Timer":
        "class[object](time: 'int', fn: 'Callable[[Any], None]', arg: 'Any', cancelled: "
        "'bool' = False) -> None",
    "TraceSink": "protocol close(self) -> 'None'; emit(self, event: 'Event') -> 'None'",
    "build_report": "(sim: 'Simulation') -> 'dict[str, Any]'",
    "hookimpl": "HookimplMarker('osmodel')",
    "hookspec": "HookspecMarker('osmodel')",
    "parse":
        "(text: 'str', name: 'str', *, file: 'str | None' = None, line: 'int' = 1, "
        "column: 'int' = 1) -> 'Program'",
    "put": "(proc: 'Process', res: 'Res', value: 'int') -> 'None'",
    "simulate":
        "(scenario: 'Scenario', *, platform: 'str | None' = None, pm: 'PluginManager | "
        "None' = None, machine: 'Machine | None' = None, seed: 'int | None' = None, "
        "until: 'int | None' = None, sinks: 'Sequence[TraceSink]' = (), run: 'bool' = "
        "True, record: 'bool' = True) -> 'Simulation'",
    "table":
        "(headers: 'Sequence[str]', rows: 'Sequence[Sequence[Any]]', left: 'int | None' "
        "= None, width: 'int | None' = None) -> 'list[str]'",
    "val": "(proc: 'Process', operand: 'Any') -> 'int'",
}


def test_the_public_names_are_the_pinned_ones() -> None:
    assert sorted(osmodel.kernel.__all__) == sorted(EXPECTED), (
        "osmodel.kernel.__all__ changed: record it in docs/changelog.md and update EXPECTED")
    assert len(set(osmodel.kernel.__all__)) == len(osmodel.kernel.__all__)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_public_signature_is_the_pinned_one(name: str) -> None:
    assert described(name) == EXPECTED[name], (
        f"osmodel.kernel.{name} changed: record it in docs/changelog.md and update EXPECTED")


def test_describe_sees_what_a_plugin_would_trip_over() -> None:
    """The description changes with a parameter's name, a default, a base or a value."""
    def before(kernel: int, process: int = 0) -> None: ...
    def renamed(kernel: int, proc: int = 0) -> None: ...
    def default(kernel: int, process: int = 1) -> None: ...

    assert len({describe(before), describe(renamed), describe(default)}) == 3
    assert describe(osmodel.kernel.ProcessLimit) != describe(osmodel.kernel.OutOfMemory)
    assert describe(1) != describe(2)


# --- the face is the objects of their home modules, read lazily -----------------------


def typing_imports() -> dict[str, str]:
    """Each name the ``TYPE_CHECKING`` block of kernel/__init__.py imports, and its module."""
    tree = ast.parse(INIT.read_text())
    (block,) = [node for node in tree.body if isinstance(node, ast.If)
                and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"]
    homes = {alias.asname or alias.name: f"osmodel.kernel.{node.module}"
             for node in block.body if isinstance(node, ast.ImportFrom) and node.level == 1
             for alias in node.names}
    assert homes
    return homes


EAGER = {"HOOK_CONTRACT_VERSION": "osmodel.kernel.hookspecs",
         "hookimpl": "osmodel.kernel.hookspecs", "hookspec": "osmodel.kernel.hookspecs"}


def test_every_public_name_is_the_object_of_its_home_module() -> None:
    homes = {**typing_imports(), **EAGER}
    assert sorted(homes) == sorted(osmodel.kernel.__all__), (
        "what type checkers see (the TYPE_CHECKING imports) and __all__ differ")
    for name, home in homes.items():
        assert getattr(osmodel.kernel, name) is getattr(import_module(home), name), name
    assert set(osmodel.kernel.__all__) <= set(dir(osmodel.kernel))


def test_an_unknown_name_is_an_attribute_error_so_submodules_still_import() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Kernal'"):
        _ = osmodel.kernel.Kernal  # type: ignore[attr-defined]
    from osmodel.kernel import hookspecs, states  # submodules: through the import system

    assert states.State is osmodel.kernel.State and hookspecs.hookimpl is osmodel.kernel.hookimpl


def test_importing_the_api_imports_only_the_hook_markers() -> None:
    """Every plugin module imports osmodel.kernel at start-up; the rest comes when read."""
    probe = ("import sys, osmodel.kernel\n"
             "before = sorted(m for m in sys.modules if m.startswith('osmodel'))\n"
             "osmodel.kernel.State\n"
             "after = sorted(m for m in sys.modules if m.startswith('osmodel'))\n"
             "print(before, after)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, timeout=60)
    before, after = (ast.literal_eval(part + "]") for part in done.stdout.strip()[:-1]
                     .split("] "))
    assert before == ["osmodel", "osmodel.kernel", "osmodel.kernel.hookspecs"]
    assert "osmodel.kernel.states" in after and "osmodel.kernel.kernel" not in after


# --- plugins use the face and nothing behind it ---------------------------------------


def private_imports(source: str) -> list[str]:
    """Each import in ``source`` that reaches behind the face: a kernel submodule, or a
    name ``osmodel.kernel`` does not export (``from osmodel.kernel import states``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names
                      if alias.name.startswith("osmodel.kernel.")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.startswith("osmodel.kernel."):
                found.append(node.module)
            elif node.module == "osmodel.kernel":
                found += [f"osmodel.kernel.{alias.name}" for alias in node.names
                          if alias.name not in osmodel.kernel.__all__]
    return found


def test_the_scan_finds_each_way_of_reaching_behind_the_face() -> None:
    source = ("import osmodel.kernel as core\nimport osmodel.kernel.process\n"
              "from osmodel.kernel.link import OpSpec\nfrom osmodel.kernel import states\n"
              "from osmodel.kernel import Kernel, hookimpl\n"
              "if True:\n    from osmodel.kernel.kernel import Kernel\n")
    assert private_imports(source) == ["osmodel.kernel.process", "osmodel.kernel.link",
                                       "osmodel.kernel.states", "osmodel.kernel.kernel"]


#: The example's tests (examples/osmodel-xv6/tests) are not scanned: they still import
#: the run helpers (simulation, machine, cli, manager, boot) that ``osmodel.testing``
#: is to ship; once it does, add the folder here.
XV6_SOURCES = sorted(XV6_PACKAGE.glob("*.py"))


@pytest.mark.parametrize("path", XV6_SOURCES, ids=lambda path: path.name)
def test_the_xv6_example_imports_only_the_public_face(path: Path) -> None:
    assert private_imports(path.read_text()) == []


def test_the_xv6_scan_reads_the_whole_package() -> None:
    assert {path.name for path in XV6_SOURCES} >= {"__init__.py", "platform.py",
                                                   "syscalls.py", "scheduler.py"}


def python_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", markdown, flags=re.S | re.M)


def test_the_plugin_guide_shows_only_the_public_face() -> None:
    page = PLUGINS_MD.read_text()
    blocks = python_blocks(page)
    assert len(blocks) >= 5
    assert [found for block in blocks for found in private_imports(block)] == []
    section = page[page.index("## The plugin API\n"):page.index("## How plugins are found\n")]
    table = [line for line in section.splitlines() if line.startswith("| ")][2:]
    shown = [name for line in table for name in re.findall(r"`(\w+)`", line.split("|")[2])]
    assert sorted(shown) == sorted(osmodel.kernel.__all__), "the guide's table of names"
    prose = re.sub(r"^```.*?^```", "", page, flags=re.S | re.M)  # output shows reprs
    named = set(re.findall(r"osmodel\.kernel\.(\w+)", prose))
    assert sorted(named - {*osmodel.kernel.__all__, "__all__"}) == []


# --- the changelog keeps up -----------------------------------------------------------


def test_the_changelog_lists_every_public_name() -> None:
    """docs/changelog.md lists the face as it is now; adding or removing a name means
    writing it down there."""
    text = CHANGELOG.read_text()
    start = text.index("The names of the plugin API")
    listing = text[start:text.index("\n\n", start)]
    assert sorted(re.findall(r"`(\w+)`", listing)) == sorted(osmodel.kernel.__all__)


def _print_expected() -> None:
    print("EXPECTED = {")
    for name in osmodel.kernel.__all__:
        text = repr(described(name))
        head = f'    "{name}": '
        if len(head) + len(text) + 1 <= 100:
            print(f"{head}{text},")
            continue
        print(f'    "{name}":')
        rest = described(name)
        while rest:
            cut = len(rest) if len(repr(rest)) <= 90 else rest.rfind(" ", 0, 80) + 1 or 80
            piece, rest = rest[:cut], rest[cut:]
            print(f"        {piece!r}" + ("," if not rest else ""))
    print("}")


if __name__ == "__main__":
    _print_expected()

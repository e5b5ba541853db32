"""A faulty plugin is named: a hook's wrong answer where it is collected, a raising sink or
report, a misspelt hook; and OSMODEL_TRACE_HOOKS shows plugin authors every call."""

from __future__ import annotations

import inspect
import io
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import toyplatform
from conftest import CORE_ONLY

from osmodel.kernel import hookimpl, hookspecs
from osmodel.kernel.asm import parse
from osmodel.kernel.boot import boot
from osmodel.kernel.cli import build_app, main
from osmodel.kernel.errors import ConfigError, PluginError
from osmodel.kernel.events import Event
from osmodel.kernel.hookcalls import EXPECTED, collect, first
from osmodel.kernel.machine import Machine
from osmodel.kernel.manager import (
    DISABLE_AUTOLOAD_ENV,
    TRACE_HOOKS_ENV,
    PluginManager,
    make_plugin_manager,
)
from osmodel.kernel.platform import Platform
from osmodel.kernel.report import build_report, structure_lines
from osmodel.kernel.scenario import Scenario, TimelineEvent
from osmodel.kernel.simulation import Simulation, simulate


def answering(hook: str, value: Any) -> object:
    """A plugin whose ``hook`` answers ``value`` first (pluggy passes it no argument)."""

    def answer() -> Any:
        return value

    return SimpleNamespace(**{hook: hookimpl(tryfirst=True)(answer)})


def manager(*plugins: object) -> PluginManager:
    """The toy platform and ``plugins``, named meddler, meddler2 ..."""
    pm = make_plugin_manager(autoload=False, builtins=CORE_ONLY)
    pm.register(toyplatform, name="toy")
    for number, plugin in enumerate(plugins, 1):
        pm.register(plugin, name="meddler" if number == 1 else f"meddler{number}")
    return pm


def scenario(*timeline: TimelineEvent, code: str = "cpu 3\nexit 0") -> Scenario:
    return Scenario(Machine(), {"main": parse(code, "main")}, timeline, platform="toy")


USER = TimelineEvent(1, "user", program="main")


def run(hook: str, value: Any, *timeline: TimelineEvent, code: str = "cpu 3\nexit 0"
        ) -> Simulation:
    return simulate(scenario(*timeline, code=code), pm=manager(answering(hook, value)))


def refused(action: Callable[[], object]) -> PluginError:
    with pytest.raises(PluginError) as caught:
        action()
    assert caught.value.plugin == "meddler", caught.value
    return caught.value


# ----------------------------------------------------------------- wrong answers


@pytest.mark.parametrize(("hook", "value", "says"), [
    ("osmodel_platforms", {"junk": 5}, "'junk' maps to 5 (int), not a Platform subclass"),
    ("osmodel_platforms", ["toy"], "returned a list; expected a mapping of names to Platform"),
    ("osmodel_platforms", {"": toyplatform.Toy}, "returned a mapping with the key '' (str)"),
    ("osmodel_schedulers", ["rr"], "returned a list; expected a mapping of names to scheduler"),
    ("osmodel_schedulers", {"mine": 5}, "'mine' maps to 5 (int), not a scheduler factory"),
    ("osmodel_syscalls", {"beep": print}, "'beep' maps to a builtin_function_or_method, "
                                          "not an OpSpec"),
    ("osmodel_trace_sinks", 5, "returned 5 (int); expected a list of trace sinks"),
    ("osmodel_trace_sinks", [5], "item 0 is 5 (int), not a trace sink"),
    ("osmodel_trace_sinks", "sink", "returned 'sink' (str)"),
    ("osmodel_configure", {"done": True}, "returned a dict; expected nothing (None)"),
    ("osmodel_boot", 0, "returned 0 (int); expected nothing (None)"),
])
def test_a_wrong_answer_at_boot_names_the_plugin_not_its_user(hook: str, value: Any,
                                                              says: str) -> None:
    error = refused(lambda: boot(Machine(), "toy", manager(answering(hook, value)),
                                 programs={}))
    assert error.hook == hook
    assert says in error.message


def test_a_sink_list_with_a_number_is_named_at_boot_not_when_the_first_event_comes() -> None:
    # was: "plugin 'toy', hook _start: AttributeError: 'int' object has no attribute 'emit'"
    error = refused(lambda: run("osmodel_trace_sinks", [5], USER))
    assert (error.hook, error.time) == ("osmodel_trace_sinks", 0)


@pytest.mark.parametrize(("hook", "value", "event", "says"), [
    ("osmodel_user_command", "main", USER, "returned 'main' (str); expected the Process"),
    ("osmodel_batch_job", 5, TimelineEvent(1, "batch", program="main"), "returned 5 (int)"),
    ("osmodel_operator_kill", "done", TimelineEvent(2, "kill", target="main"),
     "returned 'done' (str); expected True once done, or None"),
    ("osmodel_interrupt", 1, TimelineEvent(2, "key", key="ctrl-c"),
     "returned 1 (int); expected the pids the key reached (a list of ints, possibly empty)"),
])
def test_a_wrong_answer_to_the_timeline_is_named_with_the_time(
        hook: str, value: Any, event: TimelineEvent, says: str) -> None:
    timeline = (USER, event) if event.kind in ("kill", "key") else (event,)
    error = refused(lambda: run(hook, value, *timeline))
    assert (error.hook, error.time) == (hook, event.time)
    assert says in error.message


def test_a_wrong_exit_decision_is_named_not_the_platform_that_used_it() -> None:
    # was: "plugin 'unix', hook sys_exit: AttributeError: 'str' object has no attribute 'name'"
    error = refused(lambda: run("osmodel_process_exit", "zombie", USER))
    assert (error.hook, error.time, error.pid) == ("osmodel_process_exit", 4, 1)
    assert "returned 'zombie' (str); expected the State" in error.message


def test_a_wrong_fault_answer_is_named() -> None:
    error = refused(lambda: run("osmodel_fault", "handled", USER, code="div 1, 0 -> r1"))
    assert error.hook == "osmodel_fault" and "returned 'handled' (str)" in error.message


def nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth - 1):
        value = [value]
    return value


@pytest.mark.parametrize(("hook", "value", "says"), [
    ("osmodel_process_info", {"deep": nested(32)}, None),
    ("osmodel_parent", "1", "returned '1' (str); expected the parent's pid"),
    ("osmodel_parent", True, "returned True (bool)"),
    ("osmodel_process_info", "abc", "returned 'abc' (str); expected a JSON-ready mapping"),
    ("osmodel_process_info", {"when": Event}, "'when' maps to a type, not a JSON-ready value"),
    ("osmodel_process_info", {"deep": nested(33)}, "nested at most 32 deep"),
    ("osmodel_report", {"extra": 1}, "returned a dict; expected nothing (None)"),
])
def test_a_wrong_answer_to_the_report_is_named_with_the_process(hook: str, value: Any,
                                                                 says: str | None) -> None:
    sim = run(hook, value, USER)
    if says is None:
        assert build_report(sim)["processes"][0]["deep"] == value["deep"]
        return
    error = refused(lambda: build_report(sim))
    assert error.hook == hook and says in error.message
    if hook != "osmodel_report":
        assert error.pid == 1


@pytest.mark.parametrize(("value", "says"), [
    (5, "returned 5 (int); expected the drawing as a list of lines"),
    ("init\n  sh", "returned 'init\\n  sh' (str)"),
    (["init", 7], "item 1 is 7 (int), not a line of text"),
])
def test_a_wrong_drawing_is_named(value: Any, says: str) -> None:
    sim = run("osmodel_structure", value, USER)
    error = refused(lambda: structure_lines(sim.kernel))
    assert error.hook == "osmodel_structure" and says in error.message


def test_a_drawing_is_the_lines_and_no_drawing_is_empty() -> None:
    assert structure_lines(run("osmodel_structure", ("a", "b"), USER).kernel) == ["a", "b"]
    assert structure_lines(simulate(scenario(USER), pm=manager()).kernel) == []


def test_a_wrong_answer_at_the_end_and_from_a_command_hook_are_named() -> None:
    sim = run("osmodel_finish", [], USER)
    assert "returned a list; expected nothing" in refused(sim.finish).message
    pm = manager(answering("osmodel_commands", "hello"))
    assert refused(lambda: build_app(pm)).hook == "osmodel_commands"


def test_every_hook_with_an_answer_is_checked() -> None:
    """Each hook whose answer is used has an expectation; the rest are the announcements
    (called by the kernel, their answers dropped) and the historic osmodel_addhooks."""
    specs = {name: inspect.signature(fn).return_annotation
             for name, fn in vars(hookspecs).items() if name.startswith("osmodel_")}
    answering_hooks = {name for name, returns in specs.items() if returns != "None"}
    assert answering_hooks <= set(EXPECTED)
    assert set(specs) - set(EXPECTED) == {"osmodel_addhooks", "osmodel_process_created",
                                          "osmodel_process_ended", "osmodel_process_released"}


def test_good_answers_pass_in_pluggys_order_with_their_plugins() -> None:
    pm = manager(answering("osmodel_trace_sinks", ()))
    pm.register(answering("osmodel_trace_sinks", None), name="quiet")
    assert collect(pm, "osmodel_trace_sinks", kernel=None) == [("meddler", ())]
    assert first(pm, "osmodel_parent", kernel=None, process=None) is None


class Wrapper:
    """A new-style wrapper around a hook that collects answers: it runs once."""

    def __init__(self) -> None:
        self.calls = 0

    @hookimpl(wrapper=True)
    def osmodel_trace_sinks(self) -> Iterator[None]:
        self.calls += 1
        return (yield)


def test_a_wrapped_hook_runs_its_wrapper_once_and_names_every_plugin_in_it() -> None:
    wrapper = Wrapper()
    pm = manager(answering("osmodel_trace_sinks", [5]))
    pm.register(answering("osmodel_trace_sinks", None), name="quiet")
    pm.register(wrapper, name="wrapper")
    with pytest.raises(PluginError) as caught:
        collect(pm, "osmodel_trace_sinks", kernel=None)
    assert wrapper.calls == 1
    assert caught.value.plugin == "wrapper or quiet or meddler"  # pluggy's calling order


# ------------------------------------------------------------- raising at the end


class Sink:
    def __init__(self, closed: list[str], name: str, fails: bool = False) -> None:
        self.closed, self.name, self.fails = closed, name, fails

    def emit(self, event: Event) -> None:
        pass

    def close(self) -> None:
        self.closed.append(self.name)
        if self.fails:
            raise OSError("disk full")


class Sinks:
    def __init__(self) -> None:
        self.closed: list[str] = []

    @hookimpl
    def osmodel_trace_sinks(self) -> list[Sink]:
        return [Sink(self.closed, "first", fails=True), Sink(self.closed, "second")]


class RaisingReport:
    @hookimpl
    def osmodel_report(self, report: dict[str, Any]) -> None:
        report["mine"] = 1 / 0


def test_a_sink_failing_to_close_is_named_and_the_others_still_close() -> None:
    plugin = Sinks()
    sim = simulate(scenario(USER), pm=manager(plugin))
    error = refused(sim.finish)
    assert (error.hook, error.time) == ("close", 4)
    assert error.message == "OSError: disk full"
    assert plugin.closed == ["first", "second"]


def test_a_report_hook_that_raises_is_named() -> None:
    sim = simulate(scenario(USER), pm=manager(RaisingReport()))
    error = refused(lambda: build_report(sim))
    assert (error.hook, error.message) == ("osmodel_report", "ZeroDivisionError: division by "
                                                             "zero")


# ------------------------------------------------------- through the command line


@pytest.fixture
def plugin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith("osmbad")]:
        del sys.modules[name]


SCENARIO = '[scenario]\nplatform = "unix"\n[programs.main]\ncode = "cpu 3"\n' \
           '[[timeline]]\nat = 2\nuser = "main"\n'


def cli_with(plugin_dir: Path, source: str, *args: str) -> tuple[int, str, str]:
    """``osmodel -p osmbad ARGS`` as the console script runs it, ``osmbad`` being ``source``."""
    (plugin_dir / "osmbad.py").write_text(textwrap.dedent(source))
    path = plugin_dir / "s.toml"
    path.write_text(SCENARIO)
    argv = ["-p", "osmbad", *[str(path) if a == "SCENARIO" else a for a in args]]
    with (pytest.raises(SystemExit) as done, redirect_stdout(io.StringIO()) as out,
          redirect_stderr(io.StringIO()) as err):
        main(argv)
    code = done.value.code
    return (code if isinstance(code, int) else 0), out.getvalue(), err.getvalue()


def test_a_sink_list_with_a_number_on_unix_names_the_plugin(plugin_dir: Path) -> None:
    code, out, err = cli_with(plugin_dir, """
        from osmodel.kernel import hookimpl

        @hookimpl
        def osmodel_trace_sinks(kernel):
            return [5]
    """, "run", "SCENARIO")
    assert (code, out) == (2, "")
    assert err.startswith("osmodel: error: plugin 'osmbad', hook osmodel_trace_sinks, time 0:"
                          " item 0 is 5 (int), not a trace sink")


def test_a_report_hook_that_raises_ends_the_command_with_exit_2(plugin_dir: Path) -> None:
    code, out, err = cli_with(plugin_dir, """
        from osmodel.kernel import hookimpl

        @hookimpl
        def osmodel_report(kernel, report):
            raise ValueError("no report today")
    """, "run", "SCENARIO", "--format", "json")
    assert (code, out) == (2, "")
    assert err.startswith("osmodel: error: plugin 'osmbad', hook osmodel_report, time ")
    assert err.endswith(": ValueError: no report today\n") and err.count("\n") == 1


def test_an_error_escaping_any_command_is_one_line_not_a_traceback(plugin_dir: Path) -> None:
    code, out, err = cli_with(plugin_dir, """
        from osmodel.kernel import hookimpl
        from osmodel.kernel.errors import ConfigError

        @hookimpl
        def osmodel_commands(app):
            @app.command()
            def broken():
                raise ConfigError("broken on purpose")
    """, "broken")
    assert (code, out, err) == (2, "", "osmodel: error: broken on purpose\n")


# ------------------------------------------------------------------ unknown hooks


class Misspelt:
    @hookimpl
    def osmodel_bot(self) -> None:
        pass


class Optional:
    @hookimpl(optionalhook=True)
    def osmodel_someone_elses_hook(self) -> None:
        pass


def test_a_misspelt_hook_is_an_error_naming_plugin_hook_and_the_likely_one() -> None:
    pm = manager(Misspelt())
    with pytest.raises(PluginError) as caught:
        boot(Machine(), "toy", pm, programs={})
    assert str(caught.value) == "plugin 'meddler': osmodel_bot is not a hook (did you mean " \
                                "osmodel_boot?)"


def test_a_misspelt_hook_in_a_p_module_exits_2(plugin_dir: Path) -> None:
    code, out, err = cli_with(plugin_dir, """
        from osmodel.kernel import hookimpl

        @hookimpl
        def osmodel_trace_sink(kernel):
            return []
    """, "plugins")
    assert (code, out) == (2, "")
    assert err == ("osmodel: error: plugin 'osmbad': osmodel_trace_sink is not a hook "
                   "(did you mean osmodel_trace_sinks?)\n")


def test_an_optional_hook_and_a_hook_added_by_a_plugin_are_not_unknown() -> None:
    class Adds:
        @hookimpl
        def osmodel_addhooks(self, pluginmanager: PluginManager) -> None:
            pluginmanager.add_hookspecs(specs)

    specs = SimpleNamespace(osmodel_extra=hookspecs.hookspec(lambda: None))

    class Uses:
        @hookimpl
        def osmodel_extra(self) -> None:
            pass

    pm = manager(Optional(), Uses())
    pm.register(Adds(), name="adds")
    boot(Machine(), "toy", pm, programs={}).close()


class BadPlatform(Platform):
    name = "bad"

    @hookimpl
    def osmodel_proces_exit(self) -> None:
        pass


def test_a_misspelt_hook_of_a_platform_names_the_plugin_that_offered_it() -> None:
    pm = manager(answering("osmodel_platforms", {"bad": BadPlatform}))
    with pytest.raises(PluginError) as caught:
        boot(Machine(), "bad", pm, programs={})
    assert str(caught.value) == ("plugin 'meddler': platform bad (BadPlatform): "
                                 "osmodel_proces_exit is not a hook (did you mean "
                                 "osmodel_process_exit?)")
    assert pm.get_plugin("platform:bad") is None  # the failed boot left nothing behind


def test_an_entry_point_with_a_misspelt_hook_is_left_out_with_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_plugins import fake_distribution

    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv(DISABLE_AUTOLOAD_ENV, raising=False)
    fake_distribution(tmp_path, "osmbad_ep", """
        from osmodel.kernel import hookimpl

        @hookimpl
        def osmodel_finsh(kernel):
            pass
    """)
    try:
        pm = make_plugin_manager(builtins=CORE_ONLY)
    finally:
        sys.modules.pop("osmbad_ep", None)
    assert pm.warnings == ["plugin 'osmbad_ep from osmbad_ep': osmodel_finsh is not a hook "
                           "(did you mean osmodel_finish?); left out"]
    assert not pm.has_plugin("osmbad_ep")


# ------------------------------------------------------------------- environment


@pytest.mark.parametrize(("value", "loads"), [
    ("0", True), ("false", True), ("", True), ("1", False), ("TRUE", False), ("yes", False),
])
def test_autoload_is_off_only_for_a_true_value(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, loads: bool) -> None:
    from test_plugins import fake_distribution

    monkeypatch.syspath_prepend(str(tmp_path))
    fake_distribution(tmp_path, "osmbad_auto", "")
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, value)
    try:
        pm = make_plugin_manager(builtins=CORE_ONLY)
    finally:
        sys.modules.pop("osmbad_auto", None)
    assert ("osmbad_auto" in pm.origins) is loads


@pytest.mark.parametrize("variable", [DISABLE_AUTOLOAD_ENV, TRACE_HOOKS_ENV])
def test_a_switch_set_to_neither_on_nor_off_is_an_error(
        monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv(variable, "sometimes")
    with pytest.raises(ConfigError, match=f"{variable}='sometimes': expected 1 .* or 0"):
        make_plugin_manager(builtins=CORE_ONLY)


def traced(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
           *plugins: object) -> str:
    monkeypatch.setenv(TRACE_HOOKS_ENV, "1")
    simulate(scenario(USER), pm=manager(*plugins)).finish()
    return capsys.readouterr().err


def test_trace_hooks_writes_each_call_with_the_plugins_it_reaches(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    err = traced(monkeypatch, capsys)
    assert "  osmodel_platforms -> toy [hook]\n" in err
    assert "  osmodel_user_command -> platform:toy [hook]\n" in err
    assert "  osmodel_finish -> nobody [hook]\n" in err  # a call that reaches no plugin too


def test_trace_hooks_sees_the_calls_resolve_makes_directly(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert "  osmodel_process_exit -> platform:toy [hook]\n" in traced(monkeypatch, capsys)

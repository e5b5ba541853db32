"""The platform API of hook contract 2: plain methods on the base Platform, typed
per-process data, the interrupt hook's answer, and the compare view's own hook."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from osmodel.kernel import hookimpl
from osmodel.kernel.errors import PluginError, SourceError
from osmodel.kernel.manager import PluginManager, make_plugin_manager
from osmodel.kernel.platform import Platform
from osmodel.kernel.process import Process
from osmodel.kernel.scenario import load_scenario, loads_scenario
from osmodel.kernel.simulation import simulate
from osmodel.platforms.unix.platform import COMPARE_RULES, UnixPlatform
from osmodel.platforms.unix.proc import system as unix_system
from osmodel.platforms.unix.proc import unix
from osmodel.platforms.windows.platform import WindowsPlatform
from osmodel.platforms.windows.proc import system as windows_system
from osmodel.platforms.windows.proc import win
from osmodel.plugins.gallery.catalog import SCENARIOS
from osmodel.plugins.views.compare import (
    RunFailed,
    default_platforms,
    differences,
    execute,
    match,
)

DATA = SCENARIOS
CTRLC = load_scenario(DATA / "ctrl-c.toml")


def manager(*plugins: object) -> PluginManager:
    pm = make_plugin_manager(autoload=False)
    for plugin in plugins:
        pm.register(plugin)
    return pm


class Offer:
    """A plugin offering platform classes."""

    def __init__(self, **classes: type[Platform]) -> None:
        self.classes = classes

    @hookimpl
    def osmodel_platforms(self) -> Mapping[str, type[Platform]]:
        return self.classes


# --------------------------------------------------------------- the base Platform


class Jobs(Platform):
    """A platform written with plain methods only."""

    name = "jobs"

    def user_command(self, kernel: Any, program: str, background: bool,
                     args: Sequence[int]) -> Process:
        proc = kernel.create(program, cause="user", start=False)
        kernel.ready(proc, "user")
        return proc


def jobs_run(timeline: str) -> Any:
    text = '[programs.main]\ncode = """\n        print "hi"\n        cpu 5\n"""\n' + timeline
    return simulate(loads_scenario(text), platform="jobs", pm=manager(Offer(jobs=Jobs)))


def test_a_platform_of_plain_methods_runs_and_says_what_it_does_not_handle() -> None:
    sim = jobs_run('[[timeline]]\nat = 0\nuser = "main"\n')
    assert [text for *_, text in sim.kernel.output] == ["hi"]
    with pytest.raises(SourceError, match=r":9:1: platform jobs does not handle kill events"):
        jobs_run('[[timeline]]\nat = 0\nuser = "main"\n[[timeline]]\nat = 0\nkill = "main"\n')
    with pytest.raises(SourceError, match="platform jobs does not handle key events"):
        jobs_run('[[timeline]]\nat = 0\nkey = "ctrl-c"\n')


class OwnHook(Jobs):
    """A platform written the contract-1 way: its own hook implementation."""

    name = "own"

    @hookimpl(trylast=True)
    def osmodel_parent(self, kernel: Any, process: Process) -> int | None:
        return 99


def test_a_hookimpl_of_the_subclass_replaces_the_base_one() -> None:
    sim = simulate(loads_scenario('[programs.main]\ncode = "cpu 1"\n[[timeline]]\nat = 0\n'
                                  'user = "main"\n'), platform="own",
                   pm=manager(Offer(own=OwnHook)), run=False)
    with sim:
        impls = sim.kernel.pm.hook.osmodel_parent.get_hookimpls()
        mine = [impl for impl in impls if impl.plugin is sim.kernel.platform]
        assert [impl.function.__func__ for impl in mine] == [  # type: ignore[attr-defined]
            OwnHook.osmodel_parent]
        assert sim.kernel.pm.hook.osmodel_parent(kernel=sim.kernel,
                                                 process=sim.kernel.platform) == 99


# ----------------------------------------------------------------- per-process data


def test_platform_data_of_another_platform_is_a_clear_error() -> None:
    sim = simulate(CTRLC, platform="windows", pm=manager())
    proc = next(iter(sim.kernel.processes.values()))
    assert win(proc) is proc.platform
    with pytest.raises(PluginError, match=r"pid \d+\) has no unix data: it holds a "
                                          r"WinProc, so it belongs to a run on another"):
        unix(proc)
    assert windows_system(sim.kernel) is sim.kernel.platform.system
    with pytest.raises(PluginError, match="the run is on platform 'windows', which has no "
                                          "unix UnixSystem"):
        unix_system(sim.kernel)
    assert WindowsPlatform.of(sim.kernel) is sim.kernel.platform
    with pytest.raises(PluginError, match="the run is on platform 'windows', not 'unix'"):
        UnixPlatform.of(sim.kernel)


# -------------------------------------------------------- the interrupt hook's answer


@pytest.mark.parametrize("platform", ["unix", "windows"])
def test_the_interrupt_answer_is_whom_the_trace_shows_the_key_reached(platform: str) -> None:
    run = execute(CTRLC, platform, manager())
    (press,) = run.presses
    assert press.key == "ctrl-c" and press.time == 60 and press.pids
    # independently, from the trace: the deliveries the key caused at that moment
    sender = "tty1" if platform == "unix" else "key ctrl-c"
    delivered = [e.pid for e in run.sim.recorder.events
                 if e.time == 60 and e.info.get("sender") == sender
                 and not str(e.info.get("action", "")).startswith("ignored")]
    assert list(press.pids) == delivered
    (key,) = run.keys
    assert key.reached is not None and [life.pid for life in key.reached] == delivered


class Deaf(UnixPlatform):
    """unix, but its terminal answers that a key reached nobody."""

    name = "deaf"

    def interrupt(self, kernel: Any, key: str) -> list[int] | None:
        super().interrupt(kernel, key)
        return []


def test_compare_reads_reach_from_the_answer_not_from_the_trace() -> None:
    pm = manager(Offer(deaf=Deaf))
    runs = [execute(CTRLC, name, pm) for name in ("unix", "deaf")]
    subjects = match(runs, CTRLC.programs)
    (reach,) = [d for d in differences(runs, subjects) if d.kind == "ctrl_c_reach"]
    assert reach.values["deaf"] == "no process"
    assert reach.values["unix"] not in ("no process", None)


class Vague(Jobs):
    name = "vague"

    def interrupt(self, kernel: Any, key: str) -> Any:
        return "everyone"


def test_a_wrong_interrupt_answer_names_the_plugin() -> None:
    with pytest.raises(PluginError, match=r"osmodel_interrupt.*returned 'everyone' \(str\); "
                                          r"expected the pids the key reached"):
        jobs = Offer(vague=Vague)
        simulate(loads_scenario('[programs.main]\ncode = "cpu 1"\n[[timeline]]\nat = 0\n'
                                'key = "ctrl-c"\n'), platform="vague", pm=manager(jobs))


# ------------------------------------------------------- the compare view's own hook


class Legacy(UnixPlatform):
    """A contract-1 platform: its rules as a class attribute, no hook."""

    name = "legacy"
    rules = {"orphan": "the legacy book, p. 1"}
    osmodel_compare_rules = None  # type: ignore[assignment]  # unix's hook taken away


class Quiet(Jobs):
    name = "quiet"


def test_the_default_platforms_are_those_that_state_compare_rules() -> None:
    assert default_platforms(manager()) == ["unix", "windows"]
    assert default_platforms(manager(Offer(legacy=Legacy, quiet=Quiet))) == [
        "legacy", "unix", "windows"]


class Citation:
    """A third-party plugin that cites its own book for unix's orphans."""

    @hookimpl
    def osmodel_compare_rules(self, kernel: Any) -> Mapping[str, str] | None:
        return {"orphan": "Stevens, APUE 9.10"} if kernel.platform.name == "unix" else None


def orphan_rule(pm: PluginManager, names: Sequence[str]) -> str:
    scenario = load_scenario(DATA / "orphans.toml")
    runs = [execute(scenario, name, pm) for name in names]
    (diff,) = [d for d in differences(runs, match(runs, scenario.programs))
               if d.kind == "orphan"]
    return diff.rule


def test_rules_come_from_the_hook_and_another_plugin_may_answer_first() -> None:
    assert f"unix: {COMPARE_RULES['orphan']}" in orphan_rule(manager(), ["unix", "windows"])
    cited = orphan_rule(manager(Citation()), ["unix", "windows"])
    assert "unix: Stevens, APUE 9.10;" in cited and "windows: CreateProcess" in cited


def test_a_contract_1_rules_attribute_is_still_read() -> None:
    assert "legacy: the legacy book, p. 1" in orphan_rule(manager(Offer(legacy=Legacy)),
                                                          ["legacy", "windows"])


class Typo:
    @hookimpl
    def osmodel_compare_rules(self, kernel: Any) -> Mapping[str, str]:
        return {"orphans": "a kind compare does not know"}


def test_a_bad_rules_answer_names_the_plugin_and_the_kinds() -> None:
    pm = manager(Typo())
    with pytest.raises(RunFailed, match=r"hook osmodel_compare_rules: 'orphans' is not a "
                                        r"kind of difference \(kinds: presence, orphan"):
        execute(CTRLC, "unix", pm)

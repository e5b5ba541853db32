"""Plugins: found like built-ins, blocked by name, blamed by name when they fail."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import toyplatform
from conftest import CORE_ONLY

from osmodel.kernel import hookimpl
from osmodel.kernel.asm import parse
from osmodel.kernel.boot import boot
from osmodel.kernel.errors import ConfigError, PluginError
from osmodel.kernel.kernel import Kernel
from osmodel.kernel.machine import Machine
from osmodel.kernel.manager import DISABLE_AUTOLOAD_ENV, make_plugin_manager
from osmodel.kernel.process import Process
from osmodel.kernel.simulation import guarded


def fake_distribution(root: Path, name: str, module_source: str) -> None:
    """An installed distribution with an ``osmodel`` entry point, as pip would leave it."""
    (root / f"{name}.py").write_text(textwrap.dedent(module_source))
    info = root / f"{name}-1.2.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.2\n")
    (info / "entry_points.txt").write_text(f"[osmodel]\n{name} = {name}\n")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv(DISABLE_AUTOLOAD_ENV, raising=False)
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith("osmfake")]:
        del sys.modules[name]


def test_an_entry_point_plugin_is_loaded_with_its_distribution(site: Path) -> None:
    fake_distribution(site, "osmfake_ok", """
        from osmodel.kernel import hookimpl

        @hookimpl
        def osmodel_configure(kernel):
            kernel.extra_seen = True
    """)
    pm = make_plugin_manager(builtins=CORE_ONLY)
    origin = pm.origins["osmfake_ok"]
    assert (origin.kind, origin.distribution, origin.version) == ("entry point", "osmfake_ok",
                                                                  "1.2")
    assert pm.warnings == []


def test_autoload_can_be_switched_off(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_distribution(site, "osmfake_off", "")
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")
    pm = make_plugin_manager(builtins=CORE_ONLY)
    assert "osmfake_off" not in pm.origins


def test_a_plugin_that_fails_to_import_is_named_and_the_rest_goes_on(site: Path) -> None:
    fake_distribution(site, "osmfake_broken", "raise RuntimeError('boom')")
    pm = make_plugin_manager(builtins=CORE_ONLY)
    assert "rr" in pm.origins
    (warning,) = pm.warnings
    assert "osmfake_broken from osmfake_broken" in warning
    assert "RuntimeError: boom" in warning


def test_a_hook_with_a_wrong_signature_is_named(site: Path) -> None:
    fake_distribution(site, "osmfake_badsig", """
        from osmodel.kernel import hookimpl

        @hookimpl
        def osmodel_boot(kernel, weather):
            pass
    """)
    pm = make_plugin_manager(builtins=CORE_ONLY)
    (warning,) = pm.warnings
    assert "osmfake_badsig" in warning and "weather" in warning


def test_a_failing_p_module_is_an_error() -> None:
    with pytest.raises(PluginError, match="no_such_module_here"):
        make_plugin_manager(["no_such_module_here"], autoload=False, builtins=CORE_ONLY)


def test_no_name_blocks_a_builtin() -> None:
    pm = make_plugin_manager(["no:rr"], autoload=False, builtins=CORE_ONLY)
    pm.register(toyplatform, name="toy")
    with pytest.raises(ConfigError, match="unknown scheduler 'rr'; installed: none"):
        boot(Machine(), "toy", pm, programs={})


def test_an_unknown_platform_lists_the_installed_ones() -> None:
    pm = make_plugin_manager(autoload=False, builtins=CORE_ONLY)
    pm.register(toyplatform, name="toy")
    with pytest.raises(ConfigError, match="unknown platform 'vms'; installed: toy"):
        boot(Machine(), "vms", pm, programs={})


def run_with(plugin: object, code: str = "cpu 3\nexit 0") -> Kernel:
    pm = make_plugin_manager(autoload=False, builtins=CORE_ONLY)
    pm.register(toyplatform, name="toy")
    pm.register(plugin, name="meddler")
    kernel = boot(Machine(), "toy", pm, programs={"main": parse(code, "main")})
    kernel.at(5, lambda _: kernel.hook.osmodel_user_command(
        kernel=kernel, program="main", background=False, args=[]))
    guarded(kernel, kernel.run)
    return kernel


class RaisesOnCreate:
    @hookimpl
    def osmodel_process_created(self, kernel: Kernel, process: Process) -> None:
        raise ValueError("cannot stand new processes")


class RaisingSink:
    def emit(self, event: Any) -> None:
        if event.kind == "exit":
            raise KeyError("exit")

    def close(self) -> None:
        pass


class SinkPlugin:
    @hookimpl
    def osmodel_trace_sinks(self, kernel: Kernel) -> list[RaisingSink]:
        return [RaisingSink()]


def test_a_plugin_raising_in_a_hook_is_named_with_hook_and_time() -> None:
    with pytest.raises(PluginError) as caught:
        run_with(RaisesOnCreate())
    error = caught.value
    assert (error.plugin, error.hook, error.time) == ("meddler", "osmodel_process_created", 5)
    assert "ValueError: cannot stand new processes" in str(error)


def test_a_sink_raising_is_named_with_the_running_process() -> None:
    with pytest.raises(PluginError) as caught:
        run_with(SinkPlugin())
    error = caught.value
    assert (error.plugin, error.hook, error.time, error.pid) == ("meddler", "emit", 8, 1)


class OwnShell:
    """A third-party shell: wins over the platform's trylast implementation."""

    @hookimpl
    def osmodel_user_command(self, kernel: Kernel, program: str) -> Process:
        proc = kernel.create(program, cause="user", name="via-own-shell")
        return proc


def test_a_third_party_implementation_wins_over_a_builtin_decision() -> None:
    kernel = run_with(OwnShell())
    assert [p.name for p in kernel.processes.values()] == ["via-own-shell"]
    assert kernel.counters.created == 1


def test_decision_objects_are_called_directly_not_through_pluggy() -> None:
    pm = make_plugin_manager(autoload=False, builtins=CORE_ONLY)
    pm.register(toyplatform, name="toy")
    monitored: list[str] = []
    pm.add_hookcall_monitoring(lambda name, impls, kw: monitored.append(name),
                               lambda *args: None)
    kernel = boot(Machine(), "toy", pm, programs={"main": parse("cpu 1000\nexit 0", "main")})
    monitored.clear()
    kernel.create("main", cause="user")
    kernel.run()
    # a thousand ticks of running, one process: nothing goes through pluggy, not even the
    # exit decision, which one implementation answers (Kernel.resolve calls it directly)
    assert monitored == []


def test_the_shipped_pytest_fixtures_run_programs(osmodel_run: Any) -> None:
    sim = osmodel_run({"main": "spawn kid -> r1\nwait r1 -> r2\nprint r2\nexit 0",
                       "kid": "cpu 2\nexit 5"},
                      platform="toy", plugins=(toyplatform,), pm_builtins=CORE_ONLY)
    assert [text for *_, text in sim.kernel.output] == ["5"]
    assert [p.name for p in sim.processes()] == ["main", "kid"]
    assert {e.kind for e in sim.recorder.events} >= {"create", "exit", "switch"}


def test_the_shipped_scenario_fixture(osmodel_scenario: Any) -> None:
    text = '[scenario]\nplatform = "toy"\n[programs.main]\ncode = "cpu 3"\n' \
           '[[timeline]]\nat = 4\nuser = "main"\n'
    sim = osmodel_scenario(text, plugins=(toyplatform,))
    (proc,) = sim.processes()
    assert (proc.acct.created, proc.acct.ended, proc.exit.kind) == (4, 7, "normal")


def test_one_manager_runs_platform_after_platform_and_a_failed_boot_leaves_nothing() -> None:
    from osmodel.kernel.boot import boot
    from osmodel.kernel.errors import ConfigError
    from osmodel.kernel.machine import Machine

    pm = make_plugin_manager(autoload=False)
    with pytest.raises(ConfigError, match="unknown scheduler 'nope'"):
        boot(Machine(scheduler="nope"), "unix", pm)
    assert pm.get_plugin("platform:unix") is None
    for platform in ("unix", "windows", "unix"):
        kernel = boot(Machine(), platform, pm)
        assert pm.get_plugin(f"platform:{platform}") is kernel.platform
        kernel.close()
        kernel.close()  # closing twice is harmless
        assert pm.get_plugin(f"platform:{platform}") is None

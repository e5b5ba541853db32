"""The package as a stranger meets it: installed, found by entry point, public API only."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from osmodel.kernel.boot import platforms, schedulers
from osmodel.kernel.cli import main
from osmodel.kernel.manager import DISABLE_AUTOLOAD_ENV, make_plugin_manager
from osmodel.kernel.report import build_report
from osmodel.testing import Run, run_in_subprocess

import osmodel_xv6
from osmodel_xv6.platform import Xv6Platform

PACKAGE = Path(osmodel_xv6.__file__).parent


def test_it_is_found_through_the_osmodel_entry_point_group(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DISABLE_AUTOLOAD_ENV, raising=False)
    pm = make_plugin_manager()
    origin = pm.origins["xv6"]
    assert (origin.kind, origin.distribution, origin.version) == (
        "entry point", "osmodel-xv6", "0.1.0")
    assert str(origin) == "entry point (osmodel-xv6 0.1.0)"
    assert platforms(pm)["xv6"] is Xv6Platform
    assert "xv6rr" in schedulers(pm)


def test_it_imports_only_osmodels_public_kernel_modules() -> None:
    imported: set[str] = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    ours = {name for name in imported if name.split(".")[0] == "osmodel"}
    assert ours and all(name.startswith("osmodel.kernel") for name in ours), ours


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(args)
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def test_osmodel_platform_xv6_runs_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(["--platform", "xv6"], capsys)
    assert (status, err) == (0, "")
    assert "on xv6" in out and "init: starting sh" in out
    assert "scheduler xv6rr {quantum=1}" in out
    assert "copy: reaped 4 status 300 and x is still 1" in out
    assert "--kill proc" in out and "the process table is full" in out
    assert "copy-on-write shares 0" in out


def test_osmodel_plugins_names_the_distribution(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(["plugins"], capsys)
    assert status == 0
    assert "xv6: entry point (osmodel-xv6 0.1.0)" in out
    assert "    hooks: osmodel_platforms, osmodel_schedulers" in out


def test_the_demo_is_deterministic() -> None:
    """Two fresh interpreters under different hash seeds: one process cannot show an order
    that depends on the seed."""
    args = ["-p", "osmodel_xv6", "--platform", "xv6", "demo", "--format", "json"]
    first = run_in_subprocess(args, hash_seed="1")
    assert first.code == 0, first.stderr
    assert first == run_in_subprocess(args, hash_seed="2")
    report = json.loads(first.stdout)
    assert report["xv6"]["nproc"] == 16 and report["xv6"]["forks_failed"] == 1
    assert {p["xv6_state"] for p in report["processes"]} == {"SLEEPING", "UNUSED"}


PORTABLE = """
[scenario]
title = "portable: the same workload on every platform"

[programs.parent]
code = '''
        store x, 1
        spawn child -> r1
        spawn orphan -> r2
        wait r1 -> r3
        load x -> r4
        print "parent: child ended", r3, "x =", r4
'''

[programs.child]
code = '''
        store x, 2
        exit 300
'''

[programs.orphan]
code = '''
        sleep 30
        print "orphan: done"
'''

[programs.crash]
code = "load [0] -> r1"

[[timeline]]
at = 0
user = "parent"

[[timeline]]
at = 5
batch = "crash"
"""


@pytest.mark.parametrize("platform", ["unix", "windows", "xv6"])
def test_a_portable_scenario_runs_on_every_platform(
        scenario: Callable[..., Run], platform: str) -> None:
    sim = scenario(PORTABLE, platform=platform)
    lines = [text for *_, text in sim.kernel.output]
    assert "orphan: done" in lines
    (parent_line,) = [line for line in lines if line.startswith("parent:")]
    code = {"unix": 44, "windows": 300, "xv6": 300}[platform]  # 8 bits on unix only
    assert parent_line == f"parent: child ended {code} x = 1"
    report = build_report(sim.sim)
    (crash,) = [p for p in report["processes"] if p["name"] == "crash"]
    assert crash["exit"]["kind"] == "fatal"
    orphan = next(p for p in report["processes"] if p["name"] == "orphan")
    assert orphan["parent"] == {"unix": 1, "windows": None, "xv6": 1}[platform]
    memory = report["summary"]["memory"]
    assert (memory["cow_shares"] > 0) == (platform == "unix")


def hook_calls(ticks: int) -> list[str]:
    from osmodel.kernel.asm import parse
    from osmodel.kernel.scenario import Scenario, TimelineEvent
    from osmodel.kernel.simulation import simulate

    from xv6testing import XV6

    pm = make_plugin_manager(autoload=False)
    pm.register(osmodel_xv6)
    calls: list[str] = []
    pm.add_hookcall_monitoring(lambda name, impls, kwargs: calls.append(name),
                               lambda *args: None)
    program = parse(f"cpu {ticks}\nexit 0", "main")
    timeline = (TimelineEvent(0, "user", program="main"),)
    simulate(Scenario(XV6, {"main": program}, timeline, platform="xv6"), pm=pm)
    return calls


def test_running_makes_no_plugin_call_per_tick() -> None:
    """The syscall table and xv6rr are called directly: 5000 one-tick slices cost no
    more hook calls than 5."""
    assert hook_calls(5000) == hook_calls(5)


def test_it_refuses_to_load_under_another_hook_contract(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util
    import sys

    import osmodel.kernel

    monkeypatch.setattr(osmodel.kernel, "HOOK_CONTRACT_VERSION", 3)
    spec = importlib.util.spec_from_file_location(
        "xv6_copy", PACKAGE / "__init__.py", submodule_search_locations=[str(PACKAGE)])
    assert spec is not None and spec.loader is not None
    copy = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "xv6_copy", copy)
    try:
        with pytest.raises(ImportError, match="hook contract 2, this osmodel has contract 3"):
            spec.loader.exec_module(copy)
    finally:
        for name in [n for n in sys.modules if n.startswith("xv6_copy.")]:
            del sys.modules[name]


def test_compare_puts_xv6_beside_the_built_in_platforms_and_cites_its_rules(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "portable.toml"
    path.write_text(PORTABLE)
    status, out, err = run_cli(["compare", "unix", "xv6", "windows", str(path),
                                "--format", "json"], capsys)
    assert (status, err) == (0, "")
    data = json.loads(out)
    assert data["platforms"] == ["unix", "xv6", "windows"]
    found = {(d["kind"], d["subject"]): d for d in data["differences"]}
    (orphan,) = [d for (kind, _), d in found.items() if kind == "orphan"]
    assert orphan["values"]["xv6"] == orphan["values"]["unix"] != orphan["values"]["windows"]
    assert "xv6: " + Xv6Platform.rules["orphan"] in orphan["rule"]
    (memory,) = [d for (kind, _), d in found.items() if kind == "memory"]
    assert "xv6: " + Xv6Platform.rules["memory"] in memory["rule"]

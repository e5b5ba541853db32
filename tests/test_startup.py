"""Start-up stays cheap: a command imports what it uses, not every plugin's engine.

Every command loads every plugin, so what a plugin imports at registration
is paid by every start.  These tests are not timings (this machine's swing by
a third): they run the console command in a fresh interpreter and look at
which modules it had imported when it exited.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from osmodel.kernel.manager import (
    DISABLE_AUTOLOAD_ENV,
    ENTRY_POINT_GROUP,
    LazyModule,
    may_declare_entry_points,
)

#: Modules a run that does not use them must not import.
ENGINES = (
    "osmodel.platforms.unix.boot",
    "osmodel.platforms.unix.syscalls",
    "osmodel.platforms.unix.tree",
    "osmodel.platforms.windows.boot",
    "osmodel.platforms.windows.syscalls",
    "osmodel.platforms.windows.report",
    "osmodel.plugins.views.compare",
    "osmodel.plugins.views.html",
    "osmodel.plugins.views.perfetto",
    "osmodel.plugins.views.dot",
)
#: The platform classes, and what importing one of them brings: only a run on that
#: platform (or a command that lists the classes) imports them.
PLATFORM_CLASSES = {
    "unix": ("osmodel.platforms.unix.platform", "osmodel.platforms.unix.proc"),
    "windows": ("osmodel.platforms.windows.platform", "osmodel.platforms.windows.proc"),
    "bare": ("osmodel.platforms.bare.platform",),
}
#: The modules of commands, imported only when one of their commands runs or is listed.
COMMAND_MODULES = ("osmodel.plugins.views.commands", "osmodel.plugins.schedule.commands")
#: What running a scenario needs and a scheduling homework does not.
SCENARIO_RUN = ("osmodel.kernel.report", "osmodel.plugins.output", "secrets")
#: typer releases from 0.29 on import pydantic (~0.1 s) to parse options; pyproject keeps
#: typer below that.
NEVER = ("pydantic", "pydantic_core")


def imported(*args: str) -> tuple[set[str], str]:
    """The modules ``osmodel ARGS`` has imported when it exits, and what it printed.

    The console script runs in a fresh interpreter, with entry points loaded
    as a user's run loads them.
    """
    script = Path(sys.executable).with_name("osmodel")
    if script.exists():
        run = f"import runpy; sys.argv = [{str(script)!r}, *ARGS]; runpy.run_path(sys.argv[0], "\
              "run_name='__main__')"
    else:  # pragma: no cover - an environment without the console script
        run = "from osmodel.kernel.cli import main; sys.argv = ['osmodel', *ARGS]; main()"
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: sys.__stderr__.write('MODULES ' + ' '.join(sys.modules)))\n"
             f"ARGS = {list(args)!r}\n{run}\n")
    env = {k: v for k, v in os.environ.items() if k != DISABLE_AUTOLOAD_ENV}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    (listed,) = [line for line in done.stderr.splitlines() if line.startswith("MODULES ")]
    return set(listed.split()[1:]), done.stdout


def third_party_plugins_installed() -> bool:
    return bool(metadata.entry_points(group=ENTRY_POINT_GROUP))


@pytest.mark.parametrize("args", [
    ("schedule", "--policy", "fifo", "--jobs", "1,2,3"),
    ("plugins",),
    ("--help",),
])
def test_a_command_imports_no_engine_it_does_not_use(args: tuple[str, ...]) -> None:
    modules, out = imported(*args)
    assert out
    assert sorted(modules & set(ENGINES)) == []
    assert sorted(m for m in modules if m.split(".")[0] in NEVER) == []
    if not third_party_plugins_installed():
        # the entry-point group is looked at without importing importlib.metadata
        assert "importlib.metadata" not in modules


def test_the_schedule_homework_imports_only_the_bare_platform_s_run() -> None:
    modules, out = imported("schedule", "--policy", "fifo", "--jobs", "1,2,3")
    assert out.startswith("osmodel schedule: 3 jobs, policy fifo, 1 CPU\n")
    assert {*PLATFORM_CLASSES["bare"], "osmodel.plugins.schedule.commands"} <= modules
    assert sorted(m for m in modules
                  if m.startswith(("osmodel.platforms.unix.", "osmodel.platforms.windows."))
                  ) == []
    assert sorted(modules & {"osmodel.plugins.views.commands", *SCENARIO_RUN}) == []


def test_listing_the_plugins_imports_no_platform_and_no_command_module() -> None:
    modules, out = imported("plugins")
    assert "platforms: bare, unix, windows\n" in out
    loaded = {m for classes in PLATFORM_CLASSES.values() for m in classes} | {
        *COMMAND_MODULES, "osmodel.kernel.simulation", "osmodel.kernel.scenario"}
    assert sorted(modules & loaded) == []


def test_a_run_on_one_platform_imports_no_other_platform() -> None:
    modules, out = imported("--platform", "windows")
    assert out.splitlines()[0].endswith(" on windows")
    assert set(PLATFORM_CLASSES["windows"]) <= modules
    assert sorted(modules & {*PLATFORM_CLASSES["unix"], *PLATFORM_CLASSES["bare"],
                             *COMMAND_MODULES}) == []


def test_the_help_imports_the_command_modules_to_list_them_but_no_engine() -> None:
    modules, out = imported("--help")
    assert "schedule " in out and "compare " in out
    assert set(COMMAND_MODULES) <= modules
    assert sorted(modules & {*ENGINES, *PLATFORM_CLASSES["unix"],
                             *PLATFORM_CLASSES["windows"]}) == []


def test_a_platform_s_rules_are_imported_by_the_run_that_uses_them() -> None:
    modules, out = imported("--platform", "unix")
    assert out.splitlines()[0].endswith(" on unix")
    assert {"osmodel.platforms.unix.boot", "osmodel.platforms.unix.syscalls"} <= modules
    assert "osmodel.platforms.windows.syscalls" not in modules
    assert sorted(modules & set(PLATFORM_CLASSES["windows"])) == []


def test_version_still_reads_the_installed_version() -> None:
    _, out = imported("--version")
    assert out == f"osmodel {metadata.version('osmodel')}\n"


# --- the helpers ---------------------------------------------------------------------


def test_a_lazy_module_is_imported_when_an_attribute_is_first_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "osm_lazy_probe.py").write_text("LOADED = True\ndef twice(x):\n    return 2 * x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "osm_lazy_probe", raising=False)
    lazy = LazyModule("osm_lazy_probe")
    assert "osm_lazy_probe" not in sys.modules
    assert "not imported yet" in repr(lazy)
    assert lazy.twice(21) == 42
    assert sys.modules["osm_lazy_probe"].LOADED and "(imported)" in repr(lazy)
    with pytest.raises(AttributeError):
        _ = lazy.missing
    monkeypatch.delitem(sys.modules, "osm_lazy_probe")


def test_a_lazy_module_that_fails_to_import_raises_where_it_is_used() -> None:
    lazy = LazyModule("osm_no_such_module_anywhere")
    with pytest.raises(ModuleNotFoundError):
        _ = lazy.anything


def test_the_platform_packages_still_export_their_classes_and_drawings() -> None:
    import osmodel.platforms.bare as bare
    import osmodel.platforms.unix as unix
    import osmodel.platforms.windows as windows
    from osmodel.kernel.boot import platforms
    from osmodel.kernel.manager import make_plugin_manager
    from osmodel.platforms.bare.platform import BarePlatform
    from osmodel.platforms.unix.platform import UnixPlatform
    from osmodel.platforms.unix.tree import render_tree
    from osmodel.platforms.windows.platform import WindowsPlatform
    from osmodel.platforms.windows.report import structure

    assert unix.render_tree is render_tree and windows.structure is structure
    assert (unix.UnixPlatform, windows.WindowsPlatform, bare.BarePlatform) == (
        UnixPlatform, WindowsPlatform, BarePlatform)
    found = platforms(make_plugin_manager(autoload=False))
    assert found == {"bare": BarePlatform, "unix": UnixPlatform, "windows": WindowsPlatform}
    for module in (unix, windows, bare):
        with pytest.raises(AttributeError):
            _ = module.no_such_name  # type: ignore[attr-defined]


def distribution(root: Path, name: str, entry_points: str | None, *,
                 suffix: str = ".dist-info") -> None:
    info = root / f"{name}-1.0{suffix}"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points)


@pytest.mark.parametrize(("text", "declared"), [
    ("[console_scripts]\nosmodel = osmodel.kernel.cli:main\n", False),
    ("[pytest11]\nosmodel = osmodel.kernel.testing\n", False),
    ("[osmodel]\nmine = mine\n", True),
    ("  [osmodel]  \nmine = mine\n", True),
    ("[console_scripts]\nx = y\n\n[osmodel]\nz = z\n", True),
    ("# [osmodel]\n[other]\n", False),
    (None, False),
])
def test_the_entry_point_pre_check_reads_sections_as_importlib_metadata_does(
        tmp_path: Path, text: str | None, declared: bool) -> None:
    distribution(tmp_path, "somedist", text)
    assert may_declare_entry_points("osmodel", [str(tmp_path)]) is declared
    real = [ep for dist in metadata.distributions(path=[str(tmp_path)])
            for ep in dist.entry_points if ep.group == "osmodel"]
    assert bool(real) is declared


def test_the_entry_point_pre_check_finds_egg_info_and_eggs(tmp_path: Path) -> None:
    distribution(tmp_path / "a", "old", "[osmodel]\nold = old\n", suffix=".egg-info")
    egg = tmp_path / "b" / "old-1.0-py3.11.egg"
    (egg / "EGG-INFO").mkdir(parents=True)
    (egg / "EGG-INFO" / "entry_points.txt").write_text("[osmodel]\nold = old\n")
    assert may_declare_entry_points("osmodel", [str(tmp_path / "a")])
    assert may_declare_entry_points("osmodel", [str(egg)])
    assert not may_declare_entry_points("osmodel", [str(tmp_path / "b")])


def test_the_entry_point_pre_check_says_yes_to_what_it_cannot_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("x-1.0.dist-info/entry_points.txt", "[osmodel]\nx = x\n")
    assert may_declare_entry_points("osmodel", [str(archive)])
    assert not may_declare_entry_points("osmodel", [str(tmp_path / "missing")])

    class Finder:
        @staticmethod
        def find_distributions(context: object) -> list[object]:
            return []

    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Finder])
    assert may_declare_entry_points("osmodel", [str(tmp_path / "missing")])


@pytest.mark.parametrize("group", ["console_scripts", "pytest11", ENTRY_POINT_GROUP])
def test_the_entry_point_pre_check_never_misses_what_importlib_metadata_finds(
        group: str) -> None:
    if metadata.entry_points(group=group):
        assert may_declare_entry_points(group)

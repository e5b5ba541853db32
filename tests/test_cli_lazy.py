"""What a plugin offers by where it lives: commands, platforms and policies imported on use.

A third-party plugin declares a command with ``app.lazy_command(NAME,
"pkg.mod:function")`` and offers a platform or a policy as a
``"pkg.mod:Name"`` reference, exactly as the built-ins do; the module behind
each is imported when a command or a run uses it, and a reference that
cannot be imported is one error line naming the plugin.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_cli

from osmodel.kernel.cli import DEFAULT_ORDER, CommandLine, main
from osmodel.kernel.manager import import_target, is_target

SCENARIO = '[programs.main]\ncode = "cpu 3"\n[[timeline]]\nat = 0\nuser = "main"\n'


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory on sys.path for plugin modules; what the test imported from it goes."""
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith("osmlazy")]:
        del sys.modules[name]


def module(site: Path, name: str, source: str) -> None:
    (site / f"{name}.py").write_text(textwrap.dedent(source))


PLUGIN = """
    from osmodel.kernel import hookimpl


    @hookimpl
    def osmodel_commands(app):
        app.lazy_command("hello", "osmlazy_hello:hello", order=1)
"""
COMMAND = """
    import typer


    def hello(ctx: typer.Context, name: str = typer.Option("world", "--name")) -> None:
        '''Say hello.'''
        typer.echo(f"hello {name} on {ctx.obj.platform or 'no platform'}")
"""


def test_a_declared_command_is_imported_only_when_it_runs(site: Path) -> None:
    module(site, "osmlazy_plugin", PLUGIN)
    module(site, "osmlazy_hello", COMMAND)
    listing = run_cli("-p", "osmlazy_plugin", "plugins")
    assert listing.code == 0 and "osmlazy_plugin: -p (osmlazy_plugin)" in listing.stdout
    assert "osmlazy_hello" not in sys.modules
    ran = run_cli("-p", "osmlazy_plugin", "--platform", "unix", "hello", "--name", "you")
    assert (ran.code, ran.stdout) == (0, "hello you on unix\n")
    assert "osmlazy_hello" in sys.modules


def test_the_help_lists_declared_commands_in_their_order(site: Path) -> None:
    module(site, "osmlazy_plugin", PLUGIN)
    module(site, "osmlazy_hello", COMMAND)
    result = run_cli("-p", "osmlazy_plugin", "--help")
    listed = [line.split()[0] for line in result.stdout.split("Commands:\n")[1].splitlines()]
    assert listed[:3] == ["hello", "gallery", "run"] and listed[-1] == "plugins"
    assert listed.index("schedule") > listed.index("compare")
    assert "Say hello." in result.stdout
    helped = run_cli("-p", "osmlazy_plugin", "hello", "-h")
    assert helped.code == 0 and "--name TEXT" in helped.stdout


def test_a_declared_command_that_cannot_be_imported_names_its_plugin(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module(site, "osmlazy_plugin", PLUGIN.replace("osmlazy_hello:hello", "osmlazy_gone:hello"))
    with pytest.raises(SystemExit) as done:
        main(["-p", "osmlazy_plugin", "hello"])
    out, err = capsys.readouterr()
    assert (done.value.code, out) == (2, "")
    assert err == ("osmodel: error: plugin 'osmlazy_plugin', hook osmodel_commands: command "
                   "'hello' (osmlazy_gone:hello): ModuleNotFoundError: No module named "
                   "'osmlazy_gone'\n")
    with pytest.raises(SystemExit) as done:
        main(["-p", "osmlazy_plugin", "--help"])  # listing the commands imports them all
    assert done.value.code == 2 and capsys.readouterr().err == err


def test_a_reference_that_is_not_module_colon_name_is_refused_where_it_is_declared(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module(site, "osmlazy_plugin", PLUGIN.replace("osmlazy_hello:hello", "osmlazy_hello.hello"))
    with pytest.raises(SystemExit) as done:
        main(["-p", "osmlazy_plugin", "plugins"])
    _, err = capsys.readouterr()
    assert done.value.code == 2
    assert err.startswith("osmodel: error: plugin 'osmlazy_plugin'") and err.count("\n") == 1
    assert "'osmlazy_hello.hello' is not package.module:function" in err


def test_a_command_declared_twice_is_refused() -> None:
    app = CommandLine()
    app.lazy_command("x", "a.b:c")
    with pytest.raises(ValueError, match=r"declared twice \(a.b:c and d.e:f\)"):
        app.lazy_command("x", "d.e:f")
    assert app.declared["x"].order == DEFAULT_ORDER


def test_references_are_module_colon_attribute() -> None:
    assert is_target("osmodel.plugins.schedulers.fifo:FirstComeFirstServed")
    assert is_target("a:B.c") and not is_target("a.b") and not is_target("a:") \
        and not is_target(":b") and not is_target("a b:c") and not is_target(5)
    fifo = import_target("osmodel.plugins.schedulers.fifo:FirstComeFirstServed.name")
    assert fifo == "fifo"
    with pytest.raises(ValueError, match="not a reference"):
        import_target("osmodel.plugins")


# --- platforms and policies by reference ---------------------------------------------


OFFERS = """
    from osmodel.kernel import hookimpl


    @hookimpl
    def osmodel_platforms():
        return {"toyref": "osmlazy_toy:Toy", "ghost": "osmlazy_nowhere:Ghost",
                "notone": "osmlazy_toy:NotAPlatform"}


    @hookimpl
    def osmodel_schedulers():
        return {"myfifo": "osmodel.plugins.schedulers.fifo:FirstComeFirstServed"}
"""


@pytest.fixture
def offers(site: Path) -> Path:
    module(site, "osmlazy_offers", OFFERS)
    source = (Path(__file__).parent / "toyplatform.py").read_text()
    (site / "osmlazy_toy.py").write_text(
        source.replace("@hookimpl\ndef osmodel_platforms", "def not_a_hook")
        + "\n\nclass NotAPlatform:\n    pass\n")
    path = site / "s.toml"
    path.write_text(SCENARIO)
    return path


def test_a_platform_offered_by_reference_runs_and_is_imported_by_that_run(
        offers: Path) -> None:
    listing = run_cli("-p", "osmlazy_offers", "plugins")
    assert listing.code == 0
    assert "platforms: bare, ghost, notone, toyref, unix, windows\n" in listing.stdout
    assert "myfifo" in listing.stdout and "osmlazy_toy" not in sys.modules
    ran = run_cli("-p", "osmlazy_offers", "--platform", "toyref", "run", str(offers),
                  "--scheduler", "myfifo", "--format", "json")
    assert ran.json()["platform"] == "toyref"
    assert "osmlazy_toy" in sys.modules


@pytest.mark.parametrize(("platform", "says"), [
    ("ghost", "'ghost': cannot import osmlazy_nowhere:Ghost: ModuleNotFoundError"),
    ("notone", "'notone' maps to a type, not a Platform subclass"),
])
def test_a_platform_reference_that_is_wrong_is_one_error_naming_the_plugin(
        offers: Path, platform: str, says: str) -> None:
    result = run_cli("-p", "osmlazy_offers", "--platform", platform, "run", str(offers))
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.startswith("osmodel: error: plugin 'osmlazy_offers'")
    assert says in result.stderr and result.stderr.count("\n") == 1

"""Root options given wrong are clear errors with exit status 2, never help or a quiet default."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import CliResult, run_cli

from osmodel.kernel.cli import main, plugin_options, with_default_command

SCENARIO = '[scenario]\nplatform = "toy"\n[programs.main]\ncode = "cpu 3"\n' \
           '[[timeline]]\nat = 1\nuser = "main"\n'


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO)
    return path


def osmodel(*args: str) -> CliResult:
    return run_cli("-p", "toyplatform", *args)


def test_platform_without_a_name_is_an_error_not_the_help() -> None:
    result = osmodel("--platform")
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == "osmodel: error: Option '--platform' requires an argument\n"


@pytest.mark.parametrize("args", [("--platform", ""), ("--platform=",), ("--platform", " ")])
def test_an_empty_platform_name_is_an_error(scenario: Path, args: tuple[str, ...]) -> None:
    for command in ((), ("run", str(scenario))):  # not the scenario's platform, quietly
        result = osmodel(*args, *command)
        assert (result.code, result.stdout) == (2, "")
        assert result.stderr.startswith("osmodel: error: ")
        assert "Invalid value for '--platform': an empty name" in result.stderr
        assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(("value", "says"), [
    ("no:", "-p 'no:': no plugin name after no: (expected -p no:NAME)"),
    ("no: ", "-p 'no: ': no plugin name after no: (expected -p no:NAME)"),
    ("", "-p '': an empty value (expected -p MODULE or -p no:NAME)"),
])
def test_an_empty_p_value_is_an_error(capsys: pytest.CaptureFixture[str], monkeypatch:
                                      pytest.MonkeyPatch, value: str, says: str) -> None:
    monkeypatch.setattr(sys, "argv", ["osmodel", "-p", value, "plugins"])
    with pytest.raises(SystemExit) as done:
        main()
    out, err = capsys.readouterr()
    assert (done.value.code, out) == (2, "")
    assert err == f"osmodel: error: {says}\n"


def test_p_after_the_command_is_not_read_as_a_plugin() -> None:
    assert plugin_options(["-pa", "--plugin=b", "--platform", "-p", "run", "-p", "c",
                           "-pd"]) == ["a", "b"]
    result = osmodel("plugins", "-pno_such_module")
    assert result.code == 2 and "No such option: -p" in result.stderr


def test_the_demo_is_only_the_default_when_a_platform_is_named() -> None:
    assert with_default_command(["--platform", "unix"]) == ["--platform", "unix", "demo"]
    assert with_default_command(["--platform=unix"]) == ["--platform=unix", "demo"]
    assert with_default_command(["--platform"]) == ["--platform"]
    assert with_default_command(["--platform", "unix", "--help"]) == ["--platform", "unix",
                                                                      "--help"]
    assert with_default_command(["--platform", "unix", "run", "s"]) == ["--platform", "unix",
                                                                         "run", "s"]


def test_a_negative_until_is_an_error(scenario: Path) -> None:
    result = osmodel("run", str(scenario), "--until", "-1")
    assert (result.code, result.stdout) == (2, "")
    assert "-1" in result.stderr and "until" in result.stderr

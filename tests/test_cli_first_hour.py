"""The command line a newcomer meets (issue 15): ways in, help, errors, consistent options."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import run_cli

from osmodel.kernel.cli import build_app, plugin_options
from osmodel.kernel.manager import DISABLE_AUTOLOAD_ENV, make_plugin_manager

#: Every built-in command, in the order ``osmodel --help`` lists them.
COMMANDS = ["gallery", "run", "compare", "timeline", "tree", "report", "export", "schedule",
            "quiz", "ostep", "sweep", "plugins"]
#: Two CPU-bound jobs on the bare platform: the policy decides how they interleave.
TWO_JOBS = textwrap.dedent("""\
    [scenario]
    platform = "bare"
    [programs.main]
    code = "cpu 4\\nexit 0"
    [[timeline]]
    at = 0
    batch = "main"
    [[timeline]]
    at = 0
    batch = "main"
""")


def subprocess_osmodel(*args: str, env: dict[str, str] | None = None,
                       module: bool = False) -> subprocess.CompletedProcess[str]:
    """``osmodel ARGS`` (or ``python -m osmodel ARGS``) in a fresh interpreter."""
    script = str(Path(sys.executable).with_name("osmodel"))
    argv = [sys.executable, "-m", "osmodel"] if module else [script]
    environment = {**os.environ, DISABLE_AUTOLOAD_ENV: "1", **(env or {})}
    return subprocess.run([*argv, *args], capture_output=True, text=True, env=environment,
                          timeout=120, check=False)


def test_python_m_osmodel_is_the_osmodel_command() -> None:
    for args in (("--version",), ("schedule", "--jobs", "3,1,2")):
        module = subprocess_osmodel(*args, module=True)
        script = subprocess_osmodel(*args)
        assert module.returncode == script.returncode == 0, module.stderr
        assert module.stdout == script.stdout and module.stdout


def test_dash_h_is_help_for_the_root_and_every_command() -> None:
    assert run_cli("-h").stdout == run_cli("--help").stdout
    for command in COMMANDS:
        short, long = run_cli(command, "-h"), run_cli(command, "--help")
        assert short.code == long.code == 0, short.stderr
        assert short.stdout == long.stdout and f"Usage: osmodel {command}" in short.stdout


def test_the_commands_are_listed_in_a_useful_order() -> None:
    listing = run_cli("--help").stdout.split("Commands:\n")[1]
    assert [line.split()[0] for line in listing.splitlines() if line.strip()] == COMMANDS


@pytest.mark.parametrize("command", [(), *((c,) for c in COMMANDS)])
def test_help_shows_placeholders_a_person_reads(command: tuple[str, ...]) -> None:
    text = run_cli(*command, "--help").stdout
    assert re.findall(r"<[a-z][^>]*>|\{[^}]*\}", text) == []  # <int range>, {SCENARIO}
    assert "TEXT" not in re.findall(r"--platforms? (\S+)", text)


def test_placeholders_say_what_goes_there() -> None:
    schedule = run_cli("schedule", "--help").stdout
    for shown in ("--cpus N", "--format text|json", "--switch on-io|on-end", "--trace FILE"):
        assert shown in schedule
    assert "--at TIME" in run_cli("tree", "--help").stdout
    compare = run_cli("compare", "--help").stdout
    assert "Usage: osmodel compare [OPTIONS] [PLATFORM]... SCENARIO" in compare
    assert "--platforms NAME,NAME" in compare
    assert "--platform NAME" in run_cli("--help").stdout


@pytest.mark.parametrize(("args", "says"), [
    (("schedule", "--bogus"), "schedule: No such option: --bogus"),
    (("schedule", "--cpus", "x"), "schedule: Invalid value for '--cpus'"),
    (("compare",), "compare: Missing argument '[PLATFORM]... SCENARIO'"),
    (("nosuch",), "No such command 'nosuch'"),
    (("schedule", "-p", "sjf"), "schedule: No such option: -p"),
    (("--bogus", "plugins"), "No such option: --bogus"),
])
def test_click_s_own_errors_are_one_line_with_exit_status_2(args: tuple[str, ...],
                                                            says: str) -> None:
    result = run_cli(*args)
    assert (result.code, result.stdout) == (2, "")
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"osmodel: error: {says}")
    assert line.endswith("--help')")


def test_p_is_read_only_before_the_command_and_only_among_root_options() -> None:
    assert plugin_options(["schedule", "-p", "sjf"]) == []
    assert plugin_options(["--trace", "-pX", "schedule"]) == []  # click refuses --trace
    assert plugin_options(["--platform", "unix", "-pX", "run"]) == ["X"]
    assert plugin_options(["-h", "-pX"]) == ["X"]
    assert run_cli("-p", "toyplatform", "plugins").stdout.startswith("bare: built-in")


def test_policy_names_are_read_in_any_case() -> None:
    lower = run_cli("schedule", "--policy", "sjf", "--jobs", "3,1,2")
    for spelling in ("SJF", "Sjf"):
        assert run_cli("schedule", "--policy", spelling, "--jobs", "3,1,2").stdout == \
            lower.stdout
    unknown = run_cli("schedule", "--policy", "SJFX", "--jobs", "3")
    assert unknown.code == 2 and "unknown policy 'SJFX'" in unknown.stderr


def test_solve_without_a_seed_is_an_error() -> None:
    result = run_cli("schedule", "--jobs", "3,1", "--solve")
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.startswith("osmodel: error: --solve prints the answers of a quiz: "
                                    "give --seed N too")
    assert run_cli("schedule", "--seed", "3", "--solve").code == 0


def test_compare_refuses_the_root_platform(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(TWO_JOBS.replace('platform = "bare"\n', ""))
    result = run_cli("--platform", "unix", "compare", str(path))
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == ("osmodel: error: compare runs several platforms: name them after "
                             "compare or with --platforms, not with the root --platform unix\n")


def test_timeline_takes_the_scheduler_quantum_and_seed_as_run_does(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(TWO_JOBS)
    fifo = run_cli("timeline", str(path), "--scheduler", "fifo")
    rr = run_cli("timeline", str(path), "--scheduler", "rr", "--quantum", "1", "--seed", "7")
    assert fifo.code == rr.code == 0, fifo.stderr + rr.stderr
    cpu = [line for line in fifo.lines() if line.startswith("cpu0")]
    assert cpu and cpu != [line for line in rr.lines() if line.startswith("cpu0")]
    wrong = run_cli("timeline", str(path), "--scheduler", "nope")
    assert wrong.code == 2 and "unknown scheduler 'nope'" in wrong.stderr


def test_shell_completion_completes_commands_and_options() -> None:
    words = {"_OSMODEL_COMPLETE": "complete_bash", "COMP_CWORD": "1",
             "COMP_WORDS": "osmodel sch"}
    assert subprocess_osmodel(env=words).stdout.split() == ["schedule"]
    words.update(COMP_CWORD="2", COMP_WORDS="osmodel schedule --pol")
    assert subprocess_osmodel(env=words).stdout.split() == ["--policy"]
    shown = subprocess_osmodel("--show-completion", "bash")
    assert shown.returncode == 0 and "_OSMODEL_COMPLETE=complete_bash" in shown.stdout


COLOURED = """
    import typer

    from osmodel.kernel import hookimpl


    def paint() -> None:
        typer.secho("red", fg="red")


    @hookimpl
    def osmodel_commands(app):
        app.lazy_command("paint", "osmfirst_paint:paint")
"""


def test_no_color_switches_colour_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    (tmp_path / "osmfirst_paint.py").write_text(textwrap.dedent(COLOURED))
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        app = build_app(make_plugin_manager(["osmfirst_paint"], autoload=False))
        coloured = CliRunner().invoke(app, ["paint"], color=True)
        assert "\x1b[31m" in coloured.stdout
        monkeypatch.setenv("NO_COLOR", "1")
        plain = CliRunner().invoke(app, ["paint"], color=True)
        assert (plain.exit_code, plain.stdout) == (0, "red\n")
    finally:
        sys.modules.pop("osmfirst_paint", None)


def test_a_policy_option_is_capital_o_and_small_o_says_so() -> None:
    """``-o`` is ``--output`` wherever a command writes a file (export, report); schedule's
    policy options moved to ``-O`` / ``--option``, and the old spelling is a clear error."""
    given = run_cli("schedule", "--policy", "rr", "-O", "quantum=1", "--jobs", "2,2")
    assert given.lines()[0] == "osmodel schedule: 2 jobs, policy rr (quantum=1), 1 CPU"
    assert run_cli("schedule", "--policy", "rr", "--option", "quantum=1", "--jobs",
                   "2,2").stdout == given.stdout
    old = run_cli("schedule", "--policy", "rr", "-o", "quantum=1", "--jobs", "2,2")
    assert (old.code, old.stdout) == (2, "")
    assert old.stderr == ("osmodel: error: -o quantum=1: -o is --output in osmodel's commands; "
                          "a policy option is -O KEY=VALUE (or --option KEY=VALUE)\n")
    for command in ("export", "report"):
        assert "-o, --output FILE" in run_cli(command, "--help").stdout
    assert "-O, --option KEY=VALUE" in run_cli("schedule", "--help").stdout

"""Names and options that only boot can check still point at where the file wrote them."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

SCENARIO = '''[scenario]
platform = "{platform}"
[machine]
scheduler = {scheduler}
[programs.m]
code = "exit 0"
'''


def error_of(tmp_path: Path, *args: str, platform: str = "unix",
             scheduler: str = '"rr"') -> str:
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO.format(platform=platform, scheduler=scheduler))
    result = run_cli("run", str(path), *args)
    assert result.code == 2, result.stdout
    assert "Traceback" not in result.stderr
    return result.stderr.strip().removeprefix("osmodel: error: ")


def test_a_bad_scheduler_option_points_at_its_value(tmp_path: Path) -> None:
    message = error_of(tmp_path, scheduler='{ name = "mlfq", levels = 0 }')
    assert message.startswith(f"{tmp_path / 's.toml'}:4:39: scheduler 'mlfq': option 'levels'")


def test_an_unknown_scheduler_points_at_its_name(tmp_path: Path) -> None:
    message = error_of(tmp_path, scheduler='"nosuch"')
    assert message.startswith(f"{tmp_path / 's.toml'}:4:13: unknown scheduler 'nosuch'")


def test_an_unknown_platform_points_at_its_name(tmp_path: Path) -> None:
    message = error_of(tmp_path, platform="vms")
    assert message.startswith(f"{tmp_path / 's.toml'}:2:12: unknown platform 'vms'")


@pytest.mark.parametrize("args, expected", [
    (("--platform", "vms"), "unknown platform 'vms'"),
    (("--scheduler", "nosuch"), "unknown scheduler 'nosuch'"),
    (("--quantum", "-1"), "scheduler 'rr': option 'quantum'"),
])
def test_a_command_line_value_is_not_blamed_on_the_file(tmp_path: Path, args: tuple[str, ...],
                                                        expected: str) -> None:
    assert error_of(tmp_path, *args).startswith(expected)


def test_cpus_on_the_command_line_has_the_files_bound(tmp_path: Path) -> None:
    assert error_of(tmp_path, "--cpus", str(10**23)) == (
        f"--cpus must be from 1 to 1024, not {10**23}")


@pytest.mark.parametrize("platform", ["unix", "windows"])
def test_an_unknown_signal_in_the_timeline_points_at_its_entry(tmp_path: Path,
                                                              platform: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text(f'[scenario]\nplatform = "{platform}"\n[programs.m]\ncode = "sleep 50"\n'
                    '[[timeline]]\nat = 0\nuser = "m"\n'
                    '[[timeline]]\nat = 5\nkill = "m"\nsignal = "SIGFOO"\n')
    result = run_cli("run", str(path))
    assert result.code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"osmodel: error: {path}:8:1: unknown signal 'SIGFOO'")

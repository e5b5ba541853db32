"""Same scenario, same seed, same bytes: across processes and hash seeds too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import SCENARIO

from osmodel.kernel.boot import platforms
from osmodel.kernel.manager import make_plugin_manager

TESTS = Path(__file__).resolve().parent


def osmodel_in_subprocess(args: list[str], hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "OSMODEL_DISABLE_PLUGIN_AUTOLOAD": "1",
           "PYTHONPATH": str(TESTS)}
    result = subprocess.run(
        [sys.executable, "-c", "from osmodel.kernel.cli import main; main()", *args],
        capture_output=True, text=True, env=env, check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_scenario_prints_the_same_bytes_under_any_hash_seed(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO)
    args = ["-p", "toyplatform", "run", str(path)]
    assert osmodel_in_subprocess(args, "1") == osmodel_in_subprocess(args, "2")


def installed_demos() -> list[str]:
    pm = make_plugin_manager(autoload=False)
    found = []
    for name, cls in sorted(platforms(pm).items()):
        try:
            cls.demo()
        except NotImplementedError:
            continue
        found.append(name)
    return found


@pytest.mark.parametrize("platform", installed_demos())
def test_each_demo_is_deterministic(platform: str) -> None:
    first = osmodel_in_subprocess(["--platform", platform], "1")
    assert first == osmodel_in_subprocess(["--platform", platform], "3")
    json_a = osmodel_in_subprocess(["--platform", platform, "demo", "--format", "json"], "5")
    assert json_a == osmodel_in_subprocess(["--platform", platform, "demo", "--format", "json"],
                                           "6")


@pytest.mark.parametrize("args", [
    ["schedule", "--policy", "lottery", "--jobs", "30,20,10", "--tickets", "50,100,200",
     "--seed", "4", "--solve"],
    ["schedule", "--policy", "mlfq", "--jobs", "40,30,20,10", "--arrivals", "0,5,5,12",
     "-o", "boost=25", "--cpus", "2", "--format", "json"],
    ["schedule", "--policy", "cfs", "--jobs", "50,50,50", "--nice", "0,5,-5", "--cpus", "2",
     "-o", "queues=per-cpu"],
    ["schedule", "--seed", "7", "--process", "5:50", "--process", "4:30", "--solve"],
])
def test_schedule_prints_the_same_bytes_under_any_hash_seed(args: list[str]) -> None:
    first = osmodel_in_subprocess(args, "1")
    assert first and first == osmodel_in_subprocess(args, "2")

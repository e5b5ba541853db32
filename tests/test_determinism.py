"""Same scenario, same seed, same bytes: across processes and hash seeds too.

Every comparison runs two fresh interpreters under different PYTHONHASHSEED
values: two runs in one process share their string hashes, so an output whose
order follows a set's or a hash's cannot differ between them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli import SCENARIO

from osmodel.kernel.boot import platforms
from osmodel.kernel.manager import make_plugin_manager
from osmodel.testing import run_in_subprocess

TESTS = Path(__file__).resolve().parent


def osmodel_in_subprocess(args: list[str], hash_seed: str) -> str:
    """``osmodel ARGS`` in a fresh interpreter (tests/ importable, for the toy platform)."""
    result = run_in_subprocess(args, hash_seed=hash_seed, pythonpath=[str(TESTS)])
    assert result.code == 0 and result.stdout, result.stderr
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


def test_every_built_in_platform_has_a_demo_checked_here() -> None:
    """An empty parametrisation would pass without checking anything."""
    assert {"bare", "unix", "windows"} <= set(installed_demos())


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
     "-O", "boost=25", "--cpus", "2", "--format", "json"],
    ["schedule", "--policy", "cfs", "--jobs", "50,50,50", "--nice", "0,5,-5", "--cpus", "2",
     "-O", "queues=per-cpu"],
    ["schedule", "--seed", "7", "--process", "5:50", "--process", "4:30", "--solve"],
])
def test_schedule_prints_the_same_bytes_under_any_hash_seed(args: list[str]) -> None:
    first = osmodel_in_subprocess(args, "1")
    assert first and first == osmodel_in_subprocess(args, "2")

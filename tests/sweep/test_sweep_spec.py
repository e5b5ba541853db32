"""A bad sweep spec ends the command before any run: one line with file:line:col, exit 2,
and no output file; a good one lists its cells in the grid's order."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

from osmodel.plugins.sweep.spec import Cell, Generated, ScenarioFile, loads_spec

POLICIES = ("fifo", "rr", "sjf", "mlfq", "cyclic")
PLATFORMS = ("bare", "unix", "windows")
GOOD = """\
[sweep]
seeds = "0-2"
[grid]
policy = ["fifo", "rr"]
cpus = [1, 2]
[workload]
count = 3
"""


def spec(text: str) -> tuple[tuple[str, ...], tuple[Cell, ...]]:
    found = loads_spec(text, policies=POLICIES, platforms=PLATFORMS)
    return found.columns, found.cells


def test_cells_are_the_grid_first_key_slowest() -> None:
    columns, cells = spec(GOOD)
    assert columns == ("policy", "cpus")
    assert [cell.labels for cell in cells] == [("fifo", "1"), ("fifo", "2"), ("rr", "1"),
                                               ("rr", "2")]
    assert [(cell.policy, cell.cpus) for cell in cells] == [("fifo", 1), ("fifo", 2),
                                                            ("rr", 1), ("rr", 2)]


def test_a_policy_table_expands_its_own_options() -> None:
    columns, cells = spec('[sweep]\nseeds = [3, 1]\n[grid]\npolicy = ["fifo", '
                          '{ name = "rr", quantum = [1, 4] }]\n[grid.options]\nqueues = '
                          '["shared", "per-cpu"]\n')
    assert columns == ("policy", "policy_options", "options.queues")
    assert [cell.labels for cell in cells] == [
        ("fifo", "", "shared"), ("fifo", "", "per-cpu"), ("rr", "quantum=1", "shared"),
        ("rr", "quantum=1", "per-cpu"), ("rr", "quantum=4", "shared"),
        ("rr", "quantum=4", "per-cpu")]
    assert cells[4].options == (("quantum", 4), ("queues", "shared"))


def test_seeds_ranges_and_lists_are_sorted() -> None:
    found = loads_spec('[sweep]\nseeds = "7-9,0-1"\n', policies=POLICIES)
    assert found.seeds == (0, 1, 7, 8, 9)
    assert loads_spec("[sweep]\nseeds = [5, -2]\n").seeds == (-2, 5)
    assert found.workload == Generated()


def test_a_scenario_workload_is_relative_to_the_spec(tmp_path: Path) -> None:
    found = loads_spec('[sweep]\nseeds = [1]\n[workload]\nscenario = "s.toml"\n',
                       base_dir=tmp_path)
    assert found.workload == ScenarioFile("s.toml", tmp_path / "s.toml")


BAD = [
    ("[sweep]\nseeds = \"0-\"\n", "2:9", "invalid value \"0-\" for sweep.seeds"),
    ("[sweep]\nseeds = [1, 2, 1]\n", "2:16", "seed 1 is given twice"),
    ("[sweep]\nseeds = \"5-1\"\n", "2:9", "FIRST <= LAST"),
    ("[sweep]\nseed = 1\n", "2:1", "unknown key 'seed' in [sweep]; did you mean 'seeds'?"),
    ("[workload]\ncount = 3\n", "1:1", "the spec has no [sweep] table"),
    ("[sweep]\nseeds = [1]\n[grid]\npolicy = [\"fifo\", \"fifi\"]\n", "4:19",
     "unknown policy 'fifi'"),
    ("[sweep]\nseeds = [1]\n[grid]\ncpus = [1, 0]\n", "4:12",
     "invalid value 0 for grid.cpus (expected an integer from 1 to"),
    ("[sweep]\nseeds = [1]\n[grid]\nplatform = [\"unix\"]\n", "4:1",
     "the drawn workload runs on the bare platform"),
    ("[sweep]\nseeds = [1]\n[grid]\ncpus = []\n", "4:8", "grid.cpus lists no values"),
    ("[sweep]\nseeds = [1]\n[grid]\nquantum = 2\npolicy = [{ name = \"rr\", quantum = 3 }]\n",
     "5:36", "option 'quantum' is given by the policy and by the grid"),
    ("[sweep]\nseeds = [1]\n[workload]\nscenario = \"a.toml\"\ncount = 3\n", "5:1",
     "'count' draws a workload, and scenario = names one"),
    ("[sweep]\nseeds = [1]\n[workload]\ncount = 0\n", "4:9", "invalid value 0 for workload.count"),
    ("[sweep]\nseeds = [1]\n[workload]\nprocesses = [\"5:50\"]\ncount = 3\n", "5:1",
     "count draws CPU-bound jobs"),
    ("[sweep]\nseeds = [1\n", "3:1", "invalid TOML: Unclosed array"),
    ("[sweep]\nseeds = [1]\n[grid]\npolicy = [\"fifo\"]\nquantum = [2]\n", "5:12",
     "scheduler 'fifo' has no option 'quantum'"),
    ("[sweep]\nseeds = [1]\n[grid.options]\nboost = [10]\n", "4:10",
     "scheduler 'fifo' has no option 'boost'"),
    ("[sweep]\nseeds = [1]\n[grid]\npolicy = [{ name = \"rr\", quantum = [2, -1] }]\n", "4:40",
     "scheduler 'rr': option 'quantum' must be an integer"),
    ("[sweep]\nseeds = [1]\n[workload]\nprocesses = [\"5:500\"]\n", "3:1",
     "the chance of computing is a percentage"),
    ("[sweep]\nseeds = [1]\n[grid]\nplatform = [\"vms\"]\n[workload]\nscenario = \"x.toml\"\n",
     "4:13", "unknown platform 'vms'"),
]


@pytest.mark.parametrize(("text", "where", "message"), BAD)
def test_a_bad_spec_says_where(tmp_path: Path, text: str, where: str, message: str) -> None:
    path = tmp_path / "spec.toml"
    path.write_text(text)
    out = tmp_path / "out.csv"
    result = run_cli("sweep", str(path), "-o", str(out))
    assert result.code == 2, result.stderr
    first, *rest = result.stderr.splitlines()
    assert not rest
    assert first.startswith(f"osmodel: error: {path}:{where}: "), first
    assert message in first
    assert result.stdout == ""
    assert not out.exists()


def test_a_scenario_mistake_points_into_the_scenario(tmp_path: Path) -> None:
    (tmp_path / "s.toml").write_text('[machine]\ncpus = "two"\n')
    (tmp_path / "spec.toml").write_text('[sweep]\nseeds = [1]\n[workload]\nscenario = "s.toml"\n')
    result = run_cli("sweep", str(tmp_path / "spec.toml"), "-o", str(tmp_path / "o.csv"))
    assert result.code == 2
    assert result.stderr.startswith(f"osmodel: error: {tmp_path / 's.toml'}:2:8: ")


def test_options_of_the_command_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "spec.toml"
    path.write_text(GOOD)
    out = str(tmp_path / "o.csv")
    result = run_cli("sweep", str(path), "-o", out, "--address", "tcp://127.0.0.1:1")
    assert result.code == 2
    assert "--address names a Dask scheduler: use it with --executor dask" in result.stderr
    result = run_cli("sweep", str(path), "-o", out, "--executor", "dask", "--address",
                     "tcp://127.0.0.1:1", "--workers", "2")
    assert result.code == 2
    assert "--workers sets the size of a LocalCluster" in result.stderr
    result = run_cli("--platform", "unix", "sweep", str(path), "-o", out)
    assert result.code == 2
    assert "a drawn workload runs on the bare platform" in result.stderr
    result = run_cli("sweep", str(path), "-o", str(tmp_path))
    assert result.code == 2
    assert "-o: cannot write" in result.stderr and "directory" in result.stderr

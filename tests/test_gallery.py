"""The gallery: every shipped scenario runs, shows what it says it shows, and can be copied out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from osmodel.plugins.gallery import catalog

ALL = catalog.names()


def run(name: str, *args: str) -> dict[str, Any]:
    entry = catalog.find(name)
    assert entry is not None
    platform = () if entry.platform else ("--platform", "unix")
    result = run_cli(*platform, "run", str(entry.path), "--format", "json", *args)
    assert result.code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    assert data["stopped"] is None  # no budget cut it short
    return data


def by_name(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [p for p in data["processes"] if p["name"] == name and p["cause"] != "boot"]


def printed(data: dict[str, Any]) -> list[str]:
    return [line["text"] for line in data["output"]]


def test_the_index_and_the_folder_hold_the_same_scenarios() -> None:
    on_disk = sorted(path.stem for path in catalog.SCENARIOS.glob("*.toml"))
    assert sorted(ALL) == on_disk
    assert len(set(ALL)) == len(ALL)


@pytest.mark.parametrize("name", ALL)
def test_every_scenario_runs_to_its_end_the_same_way_twice(name: str) -> None:
    entry = catalog.find(name)
    assert entry is not None and entry.title
    platforms = [entry.platform] if entry.platform else ["unix", "windows"]
    for platform in platforms:
        args = ("--platform", platform, "run", str(entry.path), "--format", "json")
        first, second = run_cli(*args), run_cli(*args)
        assert first.code == 0, first.stderr
        assert first.stdout == second.stdout
        assert json.loads(first.stdout)["stopped"] is None


def test_fork_cow_copies_one_page_and_each_side_keeps_its_value() -> None:
    data = run("fork-cow")
    assert data["summary"]["memory"]["pages_copied"] == 1
    out = printed(data)
    assert "child: x is 2" in out
    assert "parent: x is still 1 - the child's write copied the page" in out


def test_exec_keeps_the_pid_and_the_status_comes_from_the_new_program() -> None:
    data = run("exec")
    (greet,) = by_name(data, "greet")
    assert any(line.endswith(f"same pid {greet['pid']} - a new program, the same process")
               for line in printed(data))
    assert greet["exit"] == {"kind": "error", "code": 42, "signal": None, "reason": "exit"}


def test_zombie_shows_a_defunct_child_until_it_is_reaped() -> None:
    entry = catalog.find("zombie")
    assert entry is not None
    text = run_cli("run", str(entry.path)).stdout
    assert "<defunct>" in text.split("parent: reaped")[0]
    assert "parent: reaped 6 with exit status 7" in text


def test_states_makes_all_four_transitions() -> None:
    entry = catalog.find("states")
    assert entry is not None
    text = run_cli("run", str(entry.path)).stdout
    for move in ("running -> ready (quantum expired)", "ready -> running",
                 "running -> blocked", "blocked -> ready"):
        assert move in text, move


def test_parallel_takes_half_the_time_on_two_cpus() -> None:
    assert run("parallel")["clock"] == 12
    assert run("parallel", "--cpus", "1")["clock"] == 24


def test_signals_a_handler_cleans_up_and_sigkill_cannot_be_ignored() -> None:
    data = run("signals")
    (careful,) = by_name(data, "careful")
    (stubborn,) = by_name(data, "stubborn")
    assert careful["exit"]["kind"] == "normal" and careful["exit"]["code"] == 0
    assert stubborn["exit"]["kind"] == "killed" and stubborn["exit"]["signal"] == 9
    assert printed(data).count("parent: SIGCHLD - a child ended") == 2


def test_groups_one_kill_ends_the_whole_group() -> None:
    data = run("groups")
    members = by_name(data, "leader") + by_name(data, "worker")
    assert len(members) == 4
    assert {p["exit"]["signal"] for p in members} == {15}  # SIGTERM


def test_handles_an_inherited_handle_reaches_the_event() -> None:
    out = printed(run("handles"))
    assert "worker: set the event through a handle I inherited" in out
    assert "starter: worker ended with 0" in out


def test_convoy_fifo_against_sjf() -> None:
    assert run("convoy")["summary"]["average"]["turnaround"] == 110
    assert run("convoy", "--scheduler", "sjf")["summary"]["average"]["turnaround"] == 50


def test_mlfq_keeps_the_interactive_job_responsive() -> None:
    data = run("mlfq")
    (interactive,) = by_name(data, "interactive")
    (batch,) = by_name(data, "batch")
    assert interactive["metrics"]["response"] == 0
    assert interactive["times"]["ended"] < batch["times"]["ended"]


def test_lottery_the_job_with_more_tickets_ends_first() -> None:
    first, second = run("lottery")["processes"]
    assert first["times"]["ended"] < second["times"]["ended"]


def test_gallery_lists_every_scenario_by_topic() -> None:
    result = run_cli("gallery")
    assert result.code == 0, result.stderr
    assert result.stdout == run_cli("gallery", "list").stdout
    for topic, names in catalog.TOPICS:
        assert f"== {topic}" in result.stdout
        for name in names:
            assert f"  {name} " in result.stdout


def test_show_prints_the_file() -> None:
    result = run_cli("gallery", "show", "convoy")
    assert result.code == 0
    assert result.stdout == (catalog.SCENARIOS / "convoy.toml").read_text()


def test_copy_writes_the_file_and_never_replaces_one_unasked(tmp_path: Path) -> None:
    target = tmp_path / "mine.toml"
    assert run_cli("gallery", "copy", "convoy", str(target)).code == 0
    assert target.read_text() == (catalog.SCENARIOS / "convoy.toml").read_text()
    target.write_text("my edits\n")
    again = run_cli("gallery", "copy", "convoy", str(target))
    assert again.code == 2 and "exists; pass --force" in again.stderr
    assert target.read_text() == "my edits\n"
    assert run_cli("gallery", "copy", "convoy", str(target), "--force").code == 0
    assert target.read_text().startswith("# The convoy effect")
    assert run_cli("gallery", "copy", "mlfq", str(tmp_path)).code == 0
    assert (tmp_path / "mlfq.toml").exists()


@pytest.mark.parametrize("command", [("show", "nosuch"), ("copy", "nosuch")])
def test_an_unknown_name_is_a_usage_error(command: tuple[str, str]) -> None:
    result = run_cli("gallery", *command)
    assert result.code == 2
    assert result.stderr == "osmodel: error: no gallery scenario 'nosuch'; `osmodel gallery` " \
                            "lists them\n"


def test_a_path_that_exists_wins_over_a_gallery_name(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert catalog.resolve(Path("convoy")) == catalog.SCENARIOS / "convoy.toml"
    assert catalog.resolve(Path("convoy.toml")) == catalog.SCENARIOS / "convoy.toml"
    Path("convoy.toml").write_text("mine")
    assert catalog.resolve(Path("convoy.toml")) == Path("convoy.toml")
    assert catalog.resolve(Path("sub/convoy")) == Path("sub/convoy")  # a path, not a name
    assert catalog.resolve(Path("nosuch")) == Path("nosuch")


def test_commands_take_a_gallery_name_where_no_such_file_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    by_name = run_cli("run", "convoy", "--format", "json")
    by_path = run_cli("run", str(catalog.SCENARIOS / "convoy.toml"), "--format", "json")
    assert by_name.code == 0 and by_name.stdout == by_path.stdout
    assert run_cli("--platform", "unix", "tree", "orphans", "--at", "12").code == 0
    assert run_cli("compare", "orphans").code == 0
    Path("convoy").write_text("not a scenario = [")
    mine = run_cli("run", "convoy")
    assert mine.code == 2 and mine.stderr.startswith("osmodel: error: convoy:1:")
    missing = run_cli("run", "nosuch")
    assert missing.code == 2
    assert missing.stderr == ("osmodel: error: nosuch: no such file, nor a gallery scenario of "
                              "that name (`osmodel gallery` lists them)\n")


@pytest.mark.parametrize("command", ["run", "tree", "export", "timeline", "compare", "report"])
def test_every_scenario_argument_says_a_gallery_name_will_do(command: str) -> None:
    shown = run_cli(command, "--help")
    assert shown.code == 0
    assert "gallery name" in " ".join(shown.stdout.split())

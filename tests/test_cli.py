"""The command line, driven as a user drives it (typer's CliRunner)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import CliResult, run_cli

SCENARIO = """\
[scenario]
title = "parent and child"
platform = "toy"

[machine]
scheduler = { name = "rr", quantum = 2 }

[programs.main]
code = \"\"\"
        store  x, 1
        spawn  child -> r1
        wait   r1 -> r2
        load   x -> r3
        print  "child said", r2, "x is", r3
        exit   0
\"\"\"

[programs.child]
code = \"\"\"
        store x, 2
        io 3
        exit 3
\"\"\"

[[timeline]]
at = 0
user = "main"
"""


def osmodel(*args: str) -> CliResult:
    """The command line with the test-only platform loaded by -p."""
    return run_cli("-p", "toyplatform", *args)


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "family.toml"
    path.write_text(SCENARIO)
    return path


def test_run_prints_trace_table_and_summary(scenario: Path) -> None:
    result = osmodel("run", str(scenario))
    assert result.code == 0, result.stderr
    out = result.stdout
    assert "osmodel: parent and child on toy" in out
    for section in ("== trace", "== process table", "== output", "== summary"):
        assert section in out
    assert "child said 3 x is 1" in out
    assert "create child (cause syscall by 1)" in out
    assert "running -> blocked (io:disk)" in out


def test_json_report_has_the_documented_keys(scenario: Path) -> None:
    result = osmodel("run", str(scenario), "--format", "json")
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    assert {"platform", "seed", "clock", "processes", "summary"} <= set(report)
    assert report["platform"] == "toy"
    main, child = report["processes"]
    assert [main["pid"], child["pid"]] == [1, 2]
    assert (main["cause"], child["cause"], child["creator"]) == ("user", "syscall", 1)
    assert child["exit"] == {"kind": "error", "code": 3, "signal": None, "reason": "exit"}
    assert main["exit"]["kind"] == "normal"
    assert set(child["metrics"]) == {"response", "turnaround", "wait"}
    assert child["times"]["blocked"] == 3
    summary = report["summary"]
    assert {"context_switches", "cpus", "memory", "io"} <= set(summary)
    assert summary["io"]["busy"] == 3


def test_the_same_run_prints_the_same_bytes(scenario: Path) -> None:
    assert osmodel("run", str(scenario)).stdout == osmodel("run", str(scenario)).stdout


def test_trace_is_written_as_json_lines(scenario: Path, tmp_path: Path) -> None:
    trace = tmp_path / "events.jsonl"
    result = osmodel("run", str(scenario), "--trace", str(trace))
    assert result.code == 0, result.stderr
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    assert events[0]["kind"] == "outside"
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    assert {"create", "state", "switch", "exit"} <= {e["kind"] for e in events}
    assert list(tmp_path.glob(".events.jsonl.*")) == []  # no temporary file left
    umask = os.umask(0)
    os.umask(umask)
    assert trace.stat().st_mode & 0o777 == 0o666 & ~umask  # as open() makes it, not 0600


def test_bad_input_is_located_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(SCENARIO.replace("wait   r1 -> r2", "wiat   r1 -> r2"))
    trace = tmp_path / "events.jsonl"
    result = osmodel("run", str(bad), "--trace", str(trace))
    assert result.code == 2
    assert result.stdout == ""
    assert f"{bad}:12:9:" in result.stderr
    assert "unknown instruction 'wiat'" in result.stderr
    assert not trace.exists()


def test_a_missing_file_and_an_unknown_platform_exit_2(scenario: Path) -> None:
    missing = osmodel("run", "/nonexistent/scenario.toml")
    assert missing.code == 2 and "/nonexistent/scenario.toml: no such file" in missing.stderr
    unknown = osmodel("run", str(scenario), "--platform", "vms")
    assert unknown.code == 2
    assert "unknown platform 'vms'; installed:" in unknown.stderr and "toy" in unknown.stderr


def test_overrides_change_the_machine(scenario: Path) -> None:
    one = json.loads(osmodel("run", str(scenario), "--format", "json").stdout)
    two = json.loads(osmodel("run", str(scenario), "--format", "json", "--cpus", "2").stdout)
    assert len(one["summary"]["cpus"]) == 1 and len(two["summary"]["cpus"]) == 2
    assert osmodel("run", str(scenario), "--cpus", "0").code == 2
    q = json.loads(osmodel("run", str(scenario), "--format", "json", "--quantum", "5").stdout)
    assert q["machine"]["scheduler_options"] == {"quantum": 5}


def test_until_stops_early(scenario: Path) -> None:
    report = json.loads(osmodel("run", str(scenario), "--format", "json",
                                "--until", "2").stdout)
    assert report["clock"] == 2
    assert report["processes"][0]["exit"] is None


def test_plugins_lists_origins_and_hooks() -> None:
    result = osmodel("plugins")
    assert result.code == 0
    assert "toyplatform: -p (toyplatform)" in result.stdout
    assert "osmodel_platforms" in result.stdout
    assert "rr: built-in (osmodel.plugins.schedulers.rr)" in result.stdout
    assert "schedulers:" in result.stdout and "rr" in result.stdout


def test_version_and_help() -> None:
    version = osmodel("--version")
    assert version.code == 0 and version.stdout.startswith("osmodel ")
    help_ = osmodel()
    assert help_.code == 0 and "run" in help_.stdout


def test_a_platform_without_a_demo_says_so() -> None:
    result = osmodel("--platform", "toy")
    assert result.code == 2
    assert "platform toy has no demo" in result.stderr
    unknown = osmodel("--platform", "vms")
    assert unknown.code == 2 and "unknown platform 'vms'" in unknown.stderr

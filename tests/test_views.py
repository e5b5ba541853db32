"""timeline, tree and export: drawn from the same events as the trace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import SCENARIO, osmodel


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "family.toml"
    path.write_text(SCENARIO)
    return path


def test_timeline_shows_states_and_cpus(scenario: Path) -> None:
    result = osmodel("timeline", str(scenario), "--width", "20")
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    main = next(line for line in lines if line.startswith("1 main"))
    child = next(line for line in lines if line.startswith("2 child"))
    assert "#" in main and "_" in main  # ran, then blocked waiting
    assert "_" in child  # its io
    cpu = next(line for line in lines if line.startswith("cpu0"))
    assert set(cpu[7:].replace(" ", "")) <= {"1", "2"}


def test_perfetto_export_follows_the_trace_event_format(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "run.json"
    result = osmodel("export", str(scenario), "--to", "perfetto", "-o", str(out))
    assert result.code == 0, result.stderr
    trace = json.loads(out.read_text())
    events = trace["traceEvents"]
    assert {e["ph"] for e in events} == {"M", "X", "i"}
    for event in events:
        assert isinstance(event["pid"], int) and isinstance(event["tid"], int)
        if event["ph"] == "X":
            assert event["ts"] >= 0 and event["dur"] > 0
        if event["ph"] == "i":
            assert event["s"] == "t"
    cpu_slices = [e for e in events if e["ph"] == "X" and e["cat"] == "cpu"]
    busy = sum(e["dur"] for e in cpu_slices)
    report = json.loads(osmodel("run", str(scenario), "--format", "json").stdout)
    assert busy == report["summary"]["cpus"][0]["busy"]
    assert {"create", "exit"} <= {e["name"] for e in events if e["ph"] == "i"}


def test_jsonl_and_dot_exports(scenario: Path, tmp_path: Path) -> None:
    jl = tmp_path / "run.jsonl"
    assert osmodel("export", str(scenario), "--to", "jsonl", "-o", str(jl)).code == 0
    kinds = [json.loads(line)["kind"] for line in jl.read_text().splitlines()]
    assert {"create", "state", "exit"} <= set(kinds) and all(kinds)  # an empty file fails
    dot = tmp_path / "run.dot"
    assert osmodel("export", str(scenario), "--to", "dot", "-o", str(dot), "--until", "3").code == 0
    text = dot.read_text()
    assert text.startswith('digraph "toy" {') and "p1 -> p2" in text


def test_export_stops_with_until_as_run_does_and_says_so_for_at(
        scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "run.jsonl"
    early = osmodel("export", str(scenario), "--to", "jsonl", "-o", str(out), "--until", "1")
    assert early.code == 0, early.stderr
    assert max(json.loads(line)["time"] for line in out.read_text().splitlines()) <= 1
    old = osmodel("export", str(scenario), "--to", "jsonl", "-o", str(out), "--at", "1")
    assert old.code == 2 and "--until" in old.stderr and "Traceback" not in old.stderr


def test_tree_at_a_time_and_bad_output_directory(scenario: Path, tmp_path: Path) -> None:
    early = osmodel("tree", str(scenario), "--at", "3")
    assert early.code == 0
    assert "osmodel tree at time 3" in early.stdout and "2 child" in early.stdout
    bad = osmodel("export", str(scenario), "--to", "jsonl", "-o", str(tmp_path / "no" / "x"))
    assert bad.code == 2 and "does not exist" in bad.stderr


REUSED_PID = """\
[scenario]
platform = "windows"

[programs.main]
code = '''
    CreateProcess child, FALSE, 0 -> r1, r2
    wait r1 -> r4
    CloseHandle r1
    CloseHandle r2        ; the last handles: the child's id is free again
    CreateProcess child, FALSE, 0 -> r5, r6
    wait r5 -> r4
    ExitProcess 0
'''

[programs.child]
code = '''
    cpu 3
    ExitProcess 4
'''

[[timeline]]
at = 0
user = "main"
"""


def test_perfetto_gives_a_reused_pid_a_track_for_each_process(tmp_path: Path) -> None:
    scenario, out = tmp_path / "reuse.toml", tmp_path / "run.json"
    scenario.write_text(REUSED_PID)
    assert osmodel("export", str(scenario), "--to", "perfetto", "-o", str(out)).code == 0
    events = json.loads(out.read_text())["traceEvents"]
    tracks = {e["tid"]: e["args"]["name"] for e in events
              if e["ph"] == "M" and e["name"] == "thread_name" and e["pid"] == 2}
    children = sorted(tid for tid, name in tracks.items() if name.endswith(" child"))
    assert len(children) == 2 and len({tracks[tid] for tid in children}) == 1  # one pid
    created = {e["tid"]: e["ts"] for e in events if e["ph"] == "i" and e["name"] == "create"}
    exits = {e["tid"]: e["ts"] for e in events if e["ph"] == "i" and e["name"] == "exit"}
    first, second = children
    assert created[first] < exits[first] < created[second] < exits[second]
    for tid in children:  # each track holds one life: no slice before it began
        slices = [e for e in events if e["ph"] == "X" and e["tid"] == tid and e["pid"] == 2]
        assert slices and min(e["ts"] for e in slices) >= created[tid]

"""benchmarks/bench_peers.py runs end to end at a tiny size (its figures are not checked: no
timing assertions), without the OSTEP peers and, where they are present, with them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "benchmarks" / "bench_peers.py"
WORKLOADS = {"startup", "rr", "rr-trace", "fifo", "sjf", "mlfq", "lottery", "process-run",
             "process-run-question"}
PEER_SCRIPTS = ("scheduler.py", "mlfq.py", "lottery.py", "process-run.py")
NO_TRACE = "osmodel has no per-slice trace output yet"


def real_peers() -> Path:
    return Path(os.environ.get("OSMODEL_PEERS") or REPO.parent / "shared" / "peers" / "ostep")


def run_bench(peers: Path) -> tuple[str, dict[str, Any]]:
    done = subprocess.run([sys.executable, str(SCRIPT), "--scale", "0.001", "--repeats", "1",
                           "--peers", str(peers)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith('{"bench": "peers"')]
    assert len(lines) == 1, done.stdout
    return done.stdout, json.loads(lines[0])


def check_osmodel_side(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    rows = {row["name"]: row for row in document["rows"]}
    assert set(rows) == WORKLOADS
    for name, row in rows.items():
        if name == "rr-trace" and NO_TRACE in row["check"]:
            assert row["osmodel_s"] is None
            continue
        assert isinstance(row["osmodel_s"], float) and row["osmodel_s"] > 0, row
        assert isinstance(row["osmodel_maxrss_kb"], int) and row["osmodel_maxrss_kb"] > 0, row
        assert all(seconds > 0 for seconds in row["osmodel_runs_s"]), row
    assert document["footprints_kb"]["osmodel"] > 0
    return rows


def test_without_peers(tmp_path: Path) -> None:
    stdout, document = run_bench(tmp_path)
    assert f"peers not found at {tmp_path}: measuring osmodel alone" in stdout
    assert document["peers_found"] is False
    rows = check_osmodel_side(document)
    for name, row in rows.items():
        assert row["peer_s"] is None and row["ratio"] is None
        if name != "rr-trace":
            assert row["check"].startswith("no peer: osmodel alone"), row


@pytest.mark.skipif(not all((real_peers() / script).is_file() for script in PEER_SCRIPTS),
                    reason="the OSTEP simulators are not at $OSMODEL_PEERS or "
                    "../shared/peers/ostep: the side-by-side run needs them")
def test_with_peers() -> None:
    _, document = run_bench(real_peers())
    assert document["peers_found"] is True
    rows = check_osmodel_side(document)
    for name, row in rows.items():
        assert row["peer_s"] is not None and row["peer_s"] > 0, row
        assert row["peer_maxrss_kb"] > 0, row
        if row["osmodel_s"] is not None:
            assert row["ratio"] > 0
            assert row["status"] in ("ok", "partial", "MISMATCH"), row
        else:
            assert name == "rr-trace", row

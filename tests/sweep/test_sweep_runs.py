"""``osmodel sweep`` on this machine: the rows are the runs `osmodel schedule` and
`osmodel run` make, the same bytes for any number of workers, failures as rows, a resume
that gives what an uninterrupted sweep gives, and a summary that is the rows' statistics."""

from __future__ import annotations

import csv
import json
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import run_cli

from osmodel.plugins.sweep import executors
from osmodel.plugins.sweep.summary import t975

SPEC = """\
[sweep]
seeds = "0-3"
[grid]
policy = ["fifo", "sjf", { name = "rr", quantum = [1, 3] }]
cpus = [1, 2]
[workload]
count = 6
max_length = 20
max_arrival = 10
"""


def sweep(tmp_path: Path, text: str, *args: str, name: str = "out.csv",
          root: tuple[str, ...] = ()) -> tuple[int, str, str, Path]:
    spec = tmp_path / "spec.toml"
    spec.write_text(text)
    out = tmp_path / name
    result = run_cli(*root, "sweep", str(spec), "-o", str(out), *args)
    return result.code, result.stdout, result.stderr, out


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The sweep run in this process, one worker: what every other way must give."""
    code, _, stderr, out = sweep(tmp_path_factory.mktemp("reference"), SPEC, "--workers", "1")
    assert code == 0, stderr
    return out.read_bytes()


def test_one_row_per_run_sorted_by_cell_then_seed(reference: bytes) -> None:
    lines = reference.decode().splitlines()
    assert lines[0] == ("policy,policy_options,cpus,seed,status,jobs,elapsed,response,"
                        "turnaround,wait,throughput,utilisation,switches,error")
    keys = [tuple(line.split(",")[:4]) for line in lines[1:]]
    cells = [("fifo", ""), ("sjf", ""), ("rr", "quantum=1"), ("rr", "quantum=3")]
    assert keys == [(*cell, cpus, str(seed)) for cell in cells for cpus in ("1", "2")
                    for seed in range(4)]
    assert all(line.split(",")[4] == "ok" for line in lines[1:])


@pytest.mark.parametrize(("policy", "quantum", "cpus", "seed"),
                         [("sjf", None, 2, 3), ("rr", 3, 1, 0)])
def test_a_row_is_what_osmodel_schedule_says(reference: bytes, tmp_path: Path, policy: str,
                                            quantum: int | None, cpus: int, seed: int) -> None:
    args = ["--policy", policy, "--cpus", str(cpus), "--seed", str(seed), "--count", "6",
            "--max-length", "20", "--max-arrival", "10", "--solve", "--format", "json"]
    if quantum is not None:
        args += ["--quantum", str(quantum)]
    doc = run_cli("schedule", *args).json()
    path = tmp_path / "r.csv"
    path.write_bytes(reference)
    options = f"quantum={quantum}" if quantum else ""
    row = next(r for r in rows(path) if (r["policy"], r["policy_options"], r["cpus"],
                                          r["seed"]) == (policy, options, str(cpus), str(seed)))
    jobs = doc["jobs"]
    for metric in ("response", "turnaround", "wait"):
        exact = Fraction(sum(job[metric] for job in jobs), len(jobs))
        assert Fraction(row[metric]) == round(exact, 4)
        assert round(float(row[metric]), 2) == doc["average"][metric]
    finish = max(job["finish"] for job in jobs)
    assert int(row["elapsed"]) >= finish
    assert Fraction(row["throughput"]) == round(Fraction(len(jobs), int(row["elapsed"])), 6)
    assert int(row["jobs"]) == len(jobs) == 6


def test_same_bytes_with_two_workers(reference: bytes, tmp_path: Path) -> None:
    code, _stdout, stderr, out = sweep(tmp_path, SPEC, "--workers", "2")
    assert code == 0, stderr
    assert out.read_bytes() == reference
    assert stderr == ""  # no progress bar when stderr is not a terminal


def test_batches_are_consecutive_runs() -> None:
    """Batches are consecutive runs; many workers get many small batches."""
    runs = [(index, None, index) for index in range(100)]
    cut = executors.batches((), None, runs, 2)  # type: ignore[arg-type]
    assert [len(b.runs) for b in cut] == [7] * 14 + [2]
    assert [run for b in cut for run in b.runs] == runs


def test_the_summary_is_the_rows_statistics(reference: bytes, tmp_path: Path) -> None:
    code, stdout, _stderr, out = sweep(tmp_path, SPEC, "--workers", "1")
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0] == f"sweep: 8 cells, 32 runs (32 ok, 0 failed or stopped); results in {out}"
    header = lines[3].split()
    assert header == ["policy", "policy_options", "cpus", "runs", "failed", "response",
                      "turnaround", "wait", "throughput", "utilisation", "switches"]
    line = next(line for line in lines[4:] if line.split()[:3] == ["rr", "quantum=3", "2"])
    cell = [r for r in rows(out) if (r["policy"], r["policy_options"], r["cpus"]) ==
            ("rr", "quantum=3", "2")]
    values = [float(r["turnaround"]) for r in cell]
    mean = statistics.fmean(values)
    half = t975(3) * statistics.stdev(values) / len(values) ** 0.5
    assert f"{mean:.2f} ±{half:.2f}" in line
    assert line.split()[3:5] == ["4", "0"]


def test_student_t_beyond_the_table() -> None:
    # t(0.975) for 40, 60, 99 and 1000 degrees of freedom, to four decimals
    assert [round(t975(df), 4) for df in (1, 30, 40, 60, 99, 1000)] == [
        12.7062, 2.0423, 2.0211, 2.0003, 1.9842, 1.9623]


FRAGILE = '''
from osmodel.kernel import hookimpl
from osmodel.plugins.schedulers.fifo import FirstComeFirstServed


class Fragile(FirstComeFirstServed):
    name = "fragile"

    def __init__(self, kernel, options):
        if kernel.seed % 3 == 1:
            raise RuntimeError(f"seed {kernel.seed} is unlucky")
        super().__init__(kernel, options)


@hookimpl
def osmodel_schedulers():
    return {"fragile": Fragile}
'''


def test_a_failing_run_is_a_row_with_its_error(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "fragile_policy.py").write_text(FRAGILE)
    monkeypatch.syspath_prepend(str(tmp_path))
    text = SPEC.replace('policy = ["fifo", "sjf", { name = "rr", quantum = [1, 3] }]',
                        'policy = ["fragile", "fifo"]')
    code, stdout, stderr, out = sweep(tmp_path, text, "--workers", "1",
                                      root=("-p", "fragile_policy"))
    assert code == 0, stderr
    found = rows(out)
    failed = [r for r in found if r["status"] != "ok"]
    assert [(r["policy"], r["seed"]) for r in failed] == [("fragile", "1")] * 2
    assert all(r["status"] == "error" and r["jobs"] == "" for r in failed)
    assert failed[0]["error"] == ("plugin 'fragile_policy', hook __init__: RuntimeError: "
                                  "seed 1 is unlucky")
    assert "sweep: 4 cells, 16 runs (14 ok, 2 failed or stopped)" in stdout
    # in a pool, the workers load the -p plugin too, and the bytes are the same
    code, _, stderr, again = sweep(tmp_path, text, "--workers", "2", name="pool.csv",
                                   root=("-p", "fragile_policy"))
    assert code == 0, stderr
    assert again.read_bytes() == out.read_bytes()


def test_resume_runs_only_what_is_missing(reference: bytes, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    lines = reference.decode().splitlines(keepends=True)
    out = tmp_path / "out.csv"
    kept = [lines[0], *lines[1:20:2]]  # every other run of the first cells
    out.write_text("".join(kept))
    made: list[int] = []
    original = executors.run_batch

    def counting(batch):  # type: ignore[no-untyped-def]
        made.extend(index for index, _, _ in batch.runs)
        return original(batch)

    monkeypatch.setattr(executors, "run_batch", counting)
    code, _, stderr, out = sweep(tmp_path, SPEC, "--workers", "1", "--resume")
    assert code == 0, stderr
    assert out.read_bytes() == reference
    assert len(made) == 32 - 10
    assert not set(made) & set(range(0, 19, 2))


def test_resume_refuses_another_sweeps_output(reference: bytes, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    lines = reference.decode().splitlines(keepends=True)
    out.write_text(lines[0] + lines[1].replace("fifo", "lottery", 1))
    code, _, stderr, _ = sweep(tmp_path, SPEC, "--workers", "1", "--resume")
    assert code == 2
    assert stderr == (f"osmodel: error: --resume: {out}:2: the run policy=lottery, "
                      "policy_options=, cpus=1, seed=0 is not one of this spec's runs\n")
    out.write_text("a,b\n1,2\n")
    code, _, stderr, _ = sweep(tmp_path, SPEC, "--workers", "1", "--resume")
    assert code == 2
    assert "has the columns a,b, not this sweep's" in stderr
    assert out.read_text() == "a,b\n1,2\n"  # left as it was


def test_an_interrupted_sweep_leaves_whole_rows_and_resumes(
        reference: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = executors.run_batch
    calls: list[int] = []

    def interrupted(batch):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return original(batch)

    monkeypatch.setattr(executors, "run_batch", interrupted)
    out = tmp_path / "out.csv"
    out.write_text("an older file\n")
    code, _, stderr, out = sweep(tmp_path, SPEC, "--workers", "1")
    assert code == 130
    assert "runs are in" in stderr and "--resume goes on" in stderr
    partial = out.read_text().splitlines(keepends=True)
    reference_lines = reference.decode().splitlines(keepends=True)
    assert partial[0] == reference_lines[0]
    assert 1 < len(partial) < len(reference_lines)
    places = [reference_lines.index(line) for line in partial]  # whole rows ...
    assert places == sorted(places)  # ... in the sweep's order
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    monkeypatch.setattr(executors, "run_batch", original)
    code, _, stderr, out = sweep(tmp_path, SPEC, "--workers", "1", "--resume")
    assert code == 0, stderr
    assert out.read_bytes() == reference


def test_a_scenario_sweep_row_is_what_osmodel_run_says(tmp_path: Path) -> None:
    (tmp_path / "jobs.toml").write_text("""\
[programs.work]
code = '''
        cpu 5
        io 3
        cpu 2
        exit 0
'''
[programs.quick]
code = "cpu 1"

[[timeline]]
at = 0
batch = "work"
[[timeline]]
at = 1
batch = "quick"
[[timeline]]
at = 2
user = "work"
""")
    text = ('[sweep]\nseeds = [7, 8]\n[grid]\nplatform = ["unix", "windows"]\n'
            'policy = ["fifo", { name = "rr", quantum = 2 }]\n[workload]\n'
            'scenario = "jobs.toml"\n')
    code, _stdout, stderr, out = sweep(tmp_path, text, "--workers", "1")
    assert code == 0, stderr
    found = rows(out)
    assert len(found) == 8
    doc = run_cli("run", str(tmp_path / "jobs.toml"), "--platform", "windows", "--seed", "8",
                  "--scheduler", "rr", "--quantum", "2", "--format", "json").json()
    row = next(r for r in found if (r["platform"], r["policy"], r["seed"]) ==
               ("windows", "rr", "8"))
    summary = doc["summary"]
    assert int(row["elapsed"]) == doc["clock"]
    assert int(row["switches"]) == summary["context_switches"]
    assert int(row["processes"]) == summary["processes_created"]
    assert int(row["ended_normal"]) + int(row["ended_error"]) + int(row["ended_fatal"]) + \
        int(row["ended_killed"]) == summary["processes_ended"]
    for metric in ("response", "turnaround", "wait"):
        assert round(float(row[metric]), 2) == summary["average"][metric]
    causes = {}
    for proc in doc["processes"]:
        causes[proc["cause"]] = causes.get(proc["cause"], 0) + 1
    assert {c: int(row[f"created_{c}"]) for c in causes} == causes
    assert json.dumps(doc["stopped"]) == "null" and row["status"] == "ok"


def test_a_run_that_hits_a_limit_is_a_stopped_row(tmp_path: Path) -> None:
    (tmp_path / "loop.toml").write_text("""\
[machine.limits]
time = 50
[programs.spin]
code = '''
top:    cpu 1
        jmp top
'''
[[timeline]]
at = 0
batch = "spin"
""")
    text = ('[sweep]\nseeds = [1]\n[grid]\nplatform = ["bare"]\n[workload]\n'
            'scenario = "loop.toml"\n')
    code, stdout, stderr, out = sweep(tmp_path, text, "--workers", "1")
    assert code == 0, stderr
    (row,) = rows(out)
    assert row["status"] == "stopped"
    assert "time" in row["error"]
    assert row["elapsed"] == "50"
    assert "(0 ok, 1 failed or stopped)" in stdout


def test_the_progress_bar_shows_on_a_terminal(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from osmodel.plugins.sweep import command

    shown: list[str] = []

    class Terminal:
        def isatty(self) -> bool:
            return True

        def write(self, text: str) -> int:
            shown.append(text)
            return len(text)

        def flush(self) -> None:
            pass

    monkeypatch.setattr(sys, "stderr", Terminal())  # what rich and the command both see
    with command._progress(10, 2) as advance:
        advance(3)
        time.sleep(0.05)
        advance(5)
    text = "".join(shown)
    assert "10/10" in text and "runs/s" in text and "left" in text


def test_checkpoints_are_whole_files_of_the_runs_so_far(
        reference: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from osmodel.plugins.sweep import command

    monkeypatch.setattr(command, "CHECKPOINT_SECONDS", 0.0)
    reference_lines = reference.decode().splitlines(keepends=True)
    seen: list[int] = []
    original = executors.run_batch
    out = tmp_path / "out.csv"

    def watching(batch):  # type: ignore[no-untyped-def]
        if out.exists():  # what a reader would find while the sweep runs
            lines = out.read_text().splitlines(keepends=True)
            assert lines[0] == reference_lines[0]
            places = [reference_lines.index(line) for line in lines]
            assert places == sorted(places)
            seen.append(len(lines) - 1)
        return original(batch)

    monkeypatch.setattr(executors, "run_batch", watching)
    code, _, stderr, out = sweep(tmp_path, SPEC, "--workers", "1")
    assert code == 0, stderr
    assert out.read_bytes() == reference
    assert seen == sorted(seen) and len(seen) >= 3 and 0 < seen[0] < 32

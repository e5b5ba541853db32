"""osmodel side by side with the OSTEP homework simulators, on the same workloads, in one run.

What it measures, for each workload (``--only`` picks some):

- ``startup``: ``osmodel schedule --policy fifo --jobs 1,2,3`` against
  ``scheduler.py -l 1,2,3 -c``: interpreter start, imports and a trivial run;
- ``rr``, ``fifo``, ``sjf``: 20,000 CPU-bound jobs of 1 to 100 ticks
  (``scheduler.py -p RR -q 1 -j 20000 -m 100 -s 1 -c``, then ``-p FIFO`` and
  ``-p SJF``) against ``osmodel schedule --policy rr --quantum 1 --jobs ...``
  (``fifo``, ``sjf``) on exactly the peer's job lengths;
- ``rr-trace``: the same round robin with osmodel writing a per-slice trace,
  when ``osmodel schedule`` has a ``--trace`` option (the peer's ``-c`` output
  already is one);
- ``mlfq``: 10,000 CPU-bound jobs (``mlfq.py -j 10000 -m 100 -M 0 -c``: three
  queues, quantum 10, an allotment of one quantum, no boost) against
  ``--policy mlfq -O levels=3 -O quantum=10 -O allotment=10 -O boost=0``
  (osmodel's allotment is in ticks, the peer's ``-a`` in quanta);
- ``lottery``: 1,000 jobs with tickets (``lottery.py -j 1000 -c``) against
  ``--policy lottery --quantum 1 --jobs ... --tickets ...``;
- ``process-run``: 50 processes of 2,000 instructions, 80% of them CPU
  (``process-run.py -l 2000:80,... -s 1 -c -p``) against
  ``osmodel schedule --seed 1 --process 2000:80 ... --solve``, which draws the
  same programs; ``process-run-question``: the same without ``-c -p`` and
  ``--solve`` (the question only).

How:

- Both sides are subprocesses of the same interpreter binary
  (``sys.executable``): the peer as ``python PEER.py FLAGS``, osmodel as the
  command a user types, ``osmodel schedule ...``, through the console script's
  own entry point (``python -c "...; from osmodel.kernel.cli import main; ..."``).
  Runs are interleaved (peer, osmodel, peer, osmodel, ...); a workload's time
  is the best of ``--repeats`` (3) runs, measured end to end (interpreter
  start included), with garbage collection on and the environment unchanged.
  The ratio is peer seconds / osmodel seconds: above 1, osmodel is faster.
- osmodel runs with ``--format json`` (its machine-readable output, more bytes
  than its text output), so that the output of every timed run is the one
  that is checked.  Each side's stdout goes to a temporary file that is read
  in full afterwards; every repeat's output must be byte-identical to the
  first (both tools are deterministic), and the first is parsed and compared:
  elapsed ticks, each job's figures and the average response, turnaround and
  wait.  A row says ``MISMATCH`` with both values wherever they disagree, and
  says which checks cannot be made (lottery draws differ between the tools;
  the peer does not print wait for MLFQ, so it is derived there as
  turnaround - length, exact for CPU-bound jobs that all arrive at 0).
- Peak memory is the ``ru_maxrss`` that ``os.wait4`` reports for that one
  child.  Linux carries the spawning process's peak into a child's
  ``ru_maxrss`` when the child execs, so children are not spawned by this
  script (which holds large outputs while it parses them) but by a small
  launcher process started first (about 8 MB, below any interpreter's own
  start-up), which also times them.  A row shows each side's growth of peak
  memory over that tool's own footprint (the same tool on a trivial workload:
  ``-l 1,2,3 -c`` or ``-j 3 -c`` for the peers, ``--jobs 1,2,3`` for osmodel)
  and the ratio of the growths, peer / osmodel.
- Where osmodel cannot express a workload or refuses it, the row says so with
  osmodel's message and the peer is still measured: nothing is shrunk to fit.
  ``--scale F`` shrinks every job count (and the processes of process-run)
  for quick runs.

The peers are looked for in ``--peers DIR``, else ``$OSMODEL_PEERS``, else
``../shared/peers/ostep`` from the repository root.  Without them, osmodel
runs alone on workloads of the same sizes drawn with Python's ``random``.

It prints a table and then one JSON line (``{"bench": "peers", ...}``) with
every figure.

Run: python benchmarks/bench_peers.py [--repeats 3] [--scale 1.0]
     [--only rr,mlfq,...] [--peers DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PEERS = REPO.parent / "shared" / "peers" / "ostep"

#: The console script's entry point, run by this interpreter: ``osmodel ARGS``.
OSMODEL = [sys.executable, "-c",
           "import sys; from osmodel.kernel.cli import main; sys.exit(main())"]

RR_JOBS, MLFQ_JOBS, LOTTERY_JOBS, PROCESSES = 20_000, 10_000, 1_000, 50
SCHEDULER_SEED, PROCESS_SEED, INSTRUCTIONS, CPU_PERCENT = 1, 1, 2000, 80
IO_LENGTH = 5  # process-run.py's -L default, and osmodel's --io-length default

WORKLOADS = ("startup", "rr", "rr-trace", "fifo", "sjf", "mlfq", "lottery",
             "process-run", "process-run-question")
METRICS = ("response", "turnaround", "wait")

# The launcher: reads "stdout-path US stderr-path US argv..." lines, spawns each command
# with stdout and stderr to those files, waits for it with wait4 and answers
# "seconds maxrss-KiB exit-code".  It stays small, so the ru_maxrss its children inherit
# at exec is below their own.  Children run in the (empty) work folder, so that no source
# folder of the repository is on osmodel's import path through the current directory.
LAUNCHER = r"""
import os, sys, time
os.chdir(sys.argv[1])
for line in sys.stdin:
    out, err, *argv = line.rstrip("\n").split("\x1f")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
               (os.POSIX_SPAWN_OPEN, 1, out, flags, 0o600),
               (os.POSIX_SPAWN_OPEN, 2, err, flags, 0o600)]
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    sys.stdout.write(f"{seconds!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}\n")
    sys.stdout.flush()
"""


# ---------------------------------------------------------------------------------------------
# Running commands


@dataclass
class Run:
    """One finished child: wall seconds, peak RSS (KiB), exit code, what it printed."""

    seconds: float
    maxrss_kb: int
    code: int
    digest: str
    stdout: str
    stderr: str


class Launcher:
    """Spawns and times commands through the small launcher process."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        # -I -S keep the launcher itself small; its children get the environment unchanged
        self.process = subprocess.Popen([sys.executable, "-I", "-S", "-c", LAUNCHER,
                                         str(workdir)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)

    def run(self, argv: Sequence[str], keep: bool = True) -> Run:
        """Run ``argv`` to the end; read its whole stdout (``keep``: return it too)."""
        out, err = self.workdir / "stdout", self.workdir / "stderr"
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("\x1f".join([str(out), str(err), *argv]) + "\n")
        self.process.stdin.flush()
        seconds, maxrss, code = self.process.stdout.readline().split()
        data = out.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        text = data.decode() if keep else ""
        del data
        stderr = err.read_text(errors="replace")
        out.unlink()
        err.unlink()
        return Run(float(seconds), int(maxrss), int(code), digest, text, stderr)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


# ---------------------------------------------------------------------------------------------
# What each side printed, reduced to comparable figures


@dataclass
class Mean:
    """An average as a tool printed it (two decimals) and exactly, from per-job figures."""

    printed: str | None
    exact: Fraction | None
    derived: bool = False  # computed here from figures the tool did not print as such


@dataclass
class Summary:
    """The figures a run is checked on."""

    elapsed: int | None = None
    jobs: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # job -> (r, t, w)
    means: dict[str, Mean] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def _num(text: str) -> Fraction:
    return Fraction(text)


def _means(jobs: dict[int, tuple[int, int, int]], printed: dict[str, str | None],
           derived: Iterable[str] = ()) -> dict[str, Mean]:
    count = len(jobs) or 1
    return {name: Mean(printed.get(name), Fraction(sum(v[i] for v in jobs.values()), count),
                       name in derived)
            for i, name in enumerate(METRICS)}


def parse_scheduler_jobs(text: str) -> list[int]:
    """The job lengths in scheduler.py's question."""
    return [int(n) for n in re.findall(r"Job \d+ \( length = (\d+) \)", text)]


def parse_scheduler(text: str) -> Summary:
    """scheduler.py -c: per-job and average response, turnaround and wait; the last DONE."""
    jobs = {int(j): (int(_num(r)), int(_num(t)), int(_num(w))) for j, r, t, w in re.findall(
        r"Job +(\d+) -- Response: ([\d.]+) +Turnaround ([\d.]+) +Wait ([\d.]+)", text)}
    average = re.search(r"Average -- Response: ([\d.]+) +Turnaround ([\d.]+) +Wait ([\d.]+)",
                        text)
    printed = dict(zip(METRICS, average.groups(), strict=True)) if average else {}
    done = [_num(t) for t in re.findall(r"DONE at ([\d.]+) \)", text)]
    return Summary(int(max(done)) if done else None, jobs, _means(jobs, printed))


def parse_mlfq_jobs(text: str) -> list[tuple[int, int, int]]:
    """mlfq.py's job list: (start time, run time, I/O frequency) per job."""
    return [(int(s), int(r), int(i)) for s, r, i in re.findall(
        r"Job +\d+: startTime +(\d+) - runTime +(\d+) - ioFreq +(\d+)", text)]


def parse_mlfq(text: str) -> Summary:
    """mlfq.py -c: per-job response and turnaround; wait derived as turnaround - run time."""
    lengths = [run for _, run, _ in parse_mlfq_jobs(text)]
    jobs = {}
    for j, r, t in re.findall(r"Job +(\d+): startTime +\d+ - response +(\d+) - turnaround +(\d+)",
                              text):
        job = int(j)
        jobs[job] = (int(r), int(t), int(t) - lengths[job])
    average = re.search(r"Avg +\d+: startTime n/a - response ([\d.]+) - turnaround ([\d.]+)",
                        text)
    printed = dict(zip(METRICS[:2], average.groups(), strict=True)) if average else {}
    ends = [int(t) for t in re.findall(r"\[ time (\d+) \] FINISHED JOB", text)]
    return Summary(max(ends) if ends else None, jobs, _means(jobs, printed, ["wait"]))


def parse_lottery_jobs(text: str) -> list[tuple[int, int]]:
    """lottery.py's job list: (length, tickets) per job."""
    return [(int(n), int(t)) for n, t in
            re.findall(r"Job \d+ \( length = (\d+), tickets = (\d+) \)", text)]


def parse_lottery(text: str) -> Summary:
    """lottery.py -c: who won each tick (quantum 1) and when each job was done."""
    lengths = [n for n, _ in parse_lottery_jobs(text)]
    first: dict[int, int] = {}
    for tick, winner in enumerate(re.findall(r"-> Run (\d+)", text)):
        first.setdefault(int(winner), tick)
    done = {int(j): int(t) for j, t in re.findall(r"--> JOB (\d+) DONE at time (\d+)", text)}
    jobs = {j: (first[j], done[j], done[j] - lengths[j]) for j in sorted(done) if j in first}
    summary = Summary(max(done.values()) if done else None, jobs,
                      _means(jobs, {}, METRICS))
    summary.extra["lengths"] = lengths
    return summary


def programs_from_listing(text: str) -> list[str]:
    """process-run.py's question: each process's instructions, written as osmodel's steps."""
    programs = []
    for block in re.split(r"^Process \d+$", text, flags=re.M)[1:]:
        steps: list[str] = []
        run = 0
        for word in re.findall(r"^  (cpu|io_done|io)$", block, flags=re.M):
            if word == "cpu":
                run += 1
                continue
            if run:
                steps.append(f"c{run}")
                run = 0
            if word == "io":
                steps.append(f"i{IO_LENGTH}")
        if run:
            steps.append(f"c{run}")
        programs.append(",".join(steps))
    return programs


def parse_process_run(text: str) -> Summary:
    """process-run.py -c -p: its totals, and each process's response (first RUN row - 1),
    turnaround (last RUN row) and wait (READY rows), read off the tick table."""
    lines = text.splitlines()
    header = next((i for i, line in enumerate(lines) if line.startswith("Time")), None)
    summary = Summary()
    for key, name in (("Total Time", "time"), ("CPU Busy", "cpu_busy"), ("IO Busy", "io_busy")):
        found = re.search(rf"Stats: {key} +(\d+)", text)
        summary.extra[name] = int(found.group(1)) if found else None
    summary.elapsed = summary.extra["time"]
    if header is None:
        return summary
    count = len(re.findall(r"PID: *\d+", lines[header]))
    first: list[int | None] = [None] * count
    last = [0] * count
    ready = [0] * count
    for line in lines[header + 1:]:
        words = line.split()
        if not words or not words[0].rstrip("*").isdigit():
            break
        tick = int(words[0].rstrip("*"))
        for pid, state in enumerate(words[1:1 + count]):
            if state.startswith("RUN:"):
                if first[pid] is None:
                    first[pid] = tick - 1
                last[pid] = tick
            elif state == "READY":
                ready[pid] += 1
    summary.jobs = {pid: (first[pid] or 0, last[pid], ready[pid]) for pid in range(count)}
    summary.means = _means(summary.jobs, {}, METRICS)
    return summary


def parse_osmodel(text: str) -> Summary:
    """osmodel schedule --format json."""
    document = json.loads(text)
    jobs = {job["job"]: tuple(job[name] for name in METRICS) for job in document["jobs"]
            if "response" in job}
    average = document.get("average") or {}
    summary = Summary(document.get("elapsed"), jobs,
                      _means(jobs, {name: f"{average[name]:.2f}" for name in average}))
    summary.extra["lengths"] = [job["length"] for job in document["jobs"]]
    summary.extra["programs"] = document.get("programs")
    summary.extra.update(document.get("totals") or {})
    return summary


# ---------------------------------------------------------------------------------------------
# Comparing


def _fmt(value: Fraction | int | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, Fraction) and value.denominator != 1:
        return f"{float(value):.4f}".rstrip("0")
    return f"{int(value):,}"


def compare(peer: Summary, ours: Summary, metrics: Sequence[str] = METRICS,
            per_job: bool = True) -> tuple[list[str], list[str]]:
    """What agrees and what does not (each disagreement with both values)."""
    agree: list[str] = []
    differ: list[str] = []
    if peer.elapsed == ours.elapsed:
        agree.append(f"{_fmt(peer.elapsed)} ticks")
    else:
        differ.append(f"elapsed peer {_fmt(peer.elapsed)} / osmodel {_fmt(ours.elapsed)}")
    shown = []
    for name in metrics:
        mine, theirs = peer.means.get(name), ours.means.get(name)
        if mine is None or theirs is None:
            continue
        how = "derived " if mine.derived else ""
        if mine.exact != theirs.exact:
            differ.append(f"avg {how}{name} peer {_fmt(mine.exact)} / osmodel {_fmt(theirs.exact)}")
        elif mine.printed is not None and mine.printed != theirs.printed:
            differ.append(f"printed avg {name} peer {mine.printed} / osmodel {theirs.printed}"
                          " (exact means agree: rounding)")
        else:
            shown.append(f"{how}{name} {theirs.printed or _fmt(theirs.exact)}")
    if shown:
        agree.append("avg " + ", ".join(shown))
    if per_job:
        if set(peer.jobs) != set(ours.jobs):
            differ.append(f"jobs peer {len(peer.jobs):,} / osmodel {len(ours.jobs):,}")
        width = len(metrics)
        bad = [j for j in sorted(peer.jobs)
               if j in ours.jobs and peer.jobs[j][:width] != ours.jobs[j][:width]]
        if bad:
            j = bad[0]
            differ.append(f"{len(bad):,} jobs differ, first job {j}: peer "
                          f"{peer.jobs[j][:width]} / osmodel {ours.jobs[j][:width]}"
                          f" ({'/'.join(m[0] for m in metrics)})")
        elif peer.jobs:
            agree.append(f"all {len(peer.jobs):,} jobs agree")
    return agree, differ


def verdict(agree: list[str], differ: list[str], caveat: str = "") -> tuple[str, str]:
    status = "MISMATCH" if differ else ("partial" if caveat else "ok")
    parts = differ if differ else agree
    text = f"{status}: " + "; ".join(([caveat] if caveat else []) + parts)
    return status, text


# ---------------------------------------------------------------------------------------------
# Workloads


@dataclass
class Plan:
    """One row: the two commands and how to check them."""

    name: str
    title: str
    peer_script: str | None
    peer_args: list[str] | None
    osmodel_args: list[str] | None
    osmodel_shown: str
    check: Callable[[str, str], tuple[str, str]] | None = None
    note: str = ""  # said in the row when osmodel is not run, or about the workload
    alone: str = "the same workload"  # what osmodel runs when the peers are absent
    reuse_peer_of: str | None = None  # take the peer's figures from that row


@dataclass
class Row:
    plan: Plan
    peer: list[Run] = field(default_factory=list)
    ours: list[Run] = field(default_factory=list)
    status: str = "n/a"
    check: str = ""
    #: The peer's output of its first run, kept for a row that reuses this one's peer.
    peer_text: str = ""


def scaled(count: int, scale: float) -> int:
    return max(1, round(count * scale))


def joined(values: Iterable[int]) -> str:
    return ",".join(str(v) for v in values)


def job_check() -> Callable[[str, str], tuple[str, str]]:
    def check(peer: str, ours: str) -> tuple[str, str]:
        return verdict(*compare(parse_scheduler(peer), parse_osmodel(ours)))
    return check


def mlfq_check(peer: str, ours: str) -> tuple[str, str]:
    return verdict(*compare(parse_mlfq(peer), parse_osmodel(ours)),
                   caveat="the peer prints no wait: derived as turnaround - length")


def lottery_check(peer: str, ours: str) -> tuple[str, str]:
    theirs, mine = parse_lottery(peer), parse_osmodel(ours)
    agree, differ = [], []
    if theirs.extra["lengths"] == mine.extra["lengths"]:
        agree.append(f"same {len(mine.extra['lengths']):,} job lengths")
    else:
        differ.append("job lengths differ")
    if theirs.elapsed == mine.elapsed:
        agree.append(f"same total {_fmt(mine.elapsed)} ticks")
    else:
        differ.append(f"total ticks peer {_fmt(theirs.elapsed)} / osmodel {_fmt(mine.elapsed)}")
    if len(theirs.jobs) != len(mine.jobs):
        differ.append(f"jobs finished peer {len(theirs.jobs):,} / osmodel {len(mine.jobs):,}")
    averages = ", ".join(f"{name} {_fmt(theirs.means[name].exact)}/"
                         f"{_fmt(mine.means[name].exact)}" for name in METRICS)
    agree.append(f"avg peer/osmodel (differ by design) {averages}")
    return verdict(agree, differ, caveat="draws differ between the tools, so the schedules "
                   "do; tickets are passed as given (osmodel's JSON does not echo them)")


def process_check(peer: str, ours: str) -> tuple[str, str]:
    theirs, mine = parse_process_run(peer), parse_osmodel(ours)
    agree, differ = compare(theirs, mine)
    for name in ("cpu_busy", "io_busy"):
        if theirs.extra.get(name) == mine.extra.get(name):
            agree.append(f"{name} {_fmt(mine.extra.get(name))}")
        else:
            differ.append(f"{name} peer {_fmt(theirs.extra.get(name))} / "
                          f"osmodel {_fmt(mine.extra.get(name))}")
    return verdict(agree, differ,
                   caveat="per-process figures read off the peer's tick table")


def question_check(peer: str, ours: str) -> tuple[str, str]:
    theirs, mine = programs_from_listing(peer), parse_osmodel(ours).extra["programs"] or []
    if theirs == mine:
        return verdict([f"same {len(mine)} programs, "
                        f"{sum(p.count(',') + 1 for p in mine):,} steps"], [],
                       caveat="a question has no ticks to compare")
    bad = [i for i, (a, b) in enumerate(zip(theirs, mine, strict=False)) if a != b]
    where = f"first at process {bad[0]}" if bad else "count differs"
    return verdict([], [f"programs differ: peer {len(theirs)} / osmodel {len(mine)}, {where}"],
                   caveat="a question has no ticks to compare")


def startup_check(peer: str, ours: str) -> tuple[str, str]:
    return verdict(*compare(parse_scheduler(peer), parse_osmodel(ours)))


def osmodel_has_trace(launcher: Launcher) -> bool:
    run = launcher.run([*OSMODEL, "schedule", "--help"])
    return "--trace" in run.stdout


def plans(peers: Path | None, scale: float, launcher: Launcher) -> list[Plan]:
    """Every workload, with osmodel's side given exactly the peer's jobs."""
    rr_count, mlfq_count = scaled(RR_JOBS, scale), scaled(MLFQ_JOBS, scale)
    lottery_count, processes = scaled(LOTTERY_JOBS, scale), scaled(PROCESSES, scale)
    py = [sys.executable]
    rng = random.Random(SCHEDULER_SEED)

    def question(script: str, args: list[str]) -> str:
        assert peers is not None
        run = launcher.run([*py, str(peers / script), *args])
        if run.code != 0:
            raise SystemExit(f"{script} {' '.join(args)} failed: {run.stderr.strip()}")
        return run.stdout

    sched_flags = ["-j", str(rr_count), "-m", "100", "-s", str(SCHEDULER_SEED)]
    mlfq_flags = ["-j", str(mlfq_count), "-m", "100", "-M", "0"]
    lottery_flags = ["-j", str(lottery_count)]
    if peers is not None:
        lengths = parse_scheduler_jobs(question("scheduler.py", ["-p", "RR", *sched_flags]))
        mlfq_jobs = parse_mlfq_jobs(question("mlfq.py", mlfq_flags))
        if any(start != 0 or io != 0 for start, _, io in mlfq_jobs):
            raise SystemExit("mlfq.py drew jobs that arrive late or do I/O: not this workload")
        mlfq_lengths = [run for _, run, _ in mlfq_jobs]
        lottery_jobs = parse_lottery_jobs(question("lottery.py", lottery_flags))
        source = "the peer's"
    else:
        lengths = [rng.randint(1, 100) for _ in range(rr_count)]
        mlfq_lengths = [rng.randint(1, 99) for _ in range(mlfq_count)]
        lottery_jobs = [(rng.randint(1, 9), rng.randint(1, 99)) for _ in range(lottery_count)]
        source = "random"
    ticks = sum(lengths)

    process_flags = ["-l", ",".join([f"{INSTRUCTIONS}:{CPU_PERCENT}"] * processes),
                     "-s", str(PROCESS_SEED)]
    process_args = ["schedule", "--seed", str(PROCESS_SEED)]
    for _ in range(processes):
        process_args += ["--process", f"{INSTRUCTIONS}:{CPU_PERCENT}"]

    def jobs_shown(policy: str, count: int, extra: str = "") -> str:
        return (f"osmodel schedule --policy {policy}{extra} --jobs <{count:,} {source} "
                f"lengths> --format json")

    result = [
        Plan("startup", "startup: 3 jobs, FIFO", "scheduler.py", ["-l", "1,2,3", "-c"],
             ["schedule", "--policy", "fifo", "--jobs", "1,2,3", "--format", "json"],
             "osmodel schedule --policy fifo --jobs 1,2,3 --format json", startup_check),
    ]
    for policy, peer_policy in (("rr", "RR"), ("fifo", "FIFO"), ("sjf", "SJF")):
        quantum = ["--quantum", "1"] if policy == "rr" else []
        quantum_flag = ["-q", "1"] if policy == "rr" else []
        result.append(Plan(
            policy, f"{policy.upper()}{' q=1' if quantum else ''}, {rr_count:,} jobs "
            f"({ticks:,} ticks)", "scheduler.py",
            ["-p", peer_policy, *quantum_flag, *sched_flags, "-c"],
            ["schedule", "--policy", policy, *quantum, "--jobs", joined(lengths),
             "--format", "json"],
            jobs_shown(policy, rr_count, " --quantum 1" if quantum else ""), job_check()))
        if policy == "rr":
            trace = osmodel_has_trace(launcher)
            result.append(Plan(
                "rr-trace", f"RR q=1 with a per-slice trace, {rr_count:,} jobs",
                "scheduler.py", None,
                ["schedule", "--policy", "rr", "--quantum", "1", "--jobs", joined(lengths),
                 "--format", "json", "--trace", "TRACE"] if trace else None,
                jobs_shown("rr", rr_count, " --quantum 1") + " --trace FILE" if trace else "-",
                job_check() if trace else None,
                note="" if trace else "osmodel has no per-slice trace output yet "
                "(`osmodel schedule --help` lists no --trace); the peer's figures are the rr "
                "row's, whose -c output is its per-slice trace",
                reuse_peer_of="rr"))
    result += [
        Plan("mlfq", f"MLFQ, {mlfq_count:,} CPU-bound jobs ({sum(mlfq_lengths):,} ticks)",
             "mlfq.py", [*mlfq_flags, "-c"],
             ["schedule", "--policy", "mlfq", "-O", "levels=3", "-O", "quantum=10",
              "-O", "allotment=10", "-O", "boost=0", "--jobs", joined(mlfq_lengths),
              "--format", "json"],
             jobs_shown("mlfq", mlfq_count,
                        " -O levels=3 -O quantum=10 -O allotment=10 -O boost=0"),
             mlfq_check, note="peer defaults -n 3 -q 10 -a 1 -B 0; -a counts quanta, "
             "osmodel's allotment ticks"),
        Plan("lottery", f"lottery, {lottery_count:,} jobs "
             f"({sum(n for n, _ in lottery_jobs):,} ticks)", "lottery.py", [*lottery_flags, "-c"],
             ["schedule", "--policy", "lottery", "--quantum", "1",
              "--jobs", joined(n for n, _ in lottery_jobs),
              "--tickets", joined(t for _, t in lottery_jobs), "--format", "json"],
             f"osmodel schedule --policy lottery --quantum 1 --jobs <{lottery_count:,} {source} "
             "lengths> --tickets <their tickets> --format json", lottery_check),
        Plan("process-run", f"process-run, {processes} x {INSTRUCTIONS} instr, "
             f"{CPU_PERCENT}% CPU, answers", "process-run.py", [*process_flags, "-c", "-p"],
             [*process_args, "--solve", "--format", "json"],
             f"osmodel schedule --seed {PROCESS_SEED} --process {INSTRUCTIONS}:{CPU_PERCENT} "
             f"(x{processes}) --solve --format json", process_check),
        Plan("process-run-question", f"process-run, {processes} x {INSTRUCTIONS} instr, "
             "question only", "process-run.py", process_flags,
             [*process_args, "--format", "json"],
             f"osmodel schedule --seed {PROCESS_SEED} --process {INSTRUCTIONS}:{CPU_PERCENT} "
             f"(x{processes}) --format json", question_check),
    ]
    for plan in result:
        if plan.name in ("rr", "fifo", "sjf", "mlfq", "lottery"):
            plan.alone = ("on jobs of the same count and range drawn with Python's random "
                          f"(seed {SCHEDULER_SEED})")
        elif plan.name.startswith("process-run"):
            plan.alone = (f"on its own draw from seed {PROCESS_SEED} (the same programs the "
                          "peer draws)")
    return result


#: Each peer script's footprint: the same script on a trivial workload.
FOOTPRINT_ARGS = {"scheduler.py": ["-l", "1,2,3", "-c"], "mlfq.py": ["-j", "3", "-c"],
                  "lottery.py": ["-j", "3", "-c"], "process-run.py": ["-l", "3:50", "-c", "-p"]}


# ---------------------------------------------------------------------------------------------
# Measuring


def best(runs: Sequence[Run]) -> float | None:
    return min(run.seconds for run in runs) if runs else None


def peak(runs: Sequence[Run]) -> int | None:
    return max(run.maxrss_kb for run in runs) if runs else None


def first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "(no message)"


def measure(plan: Plan, peers: Path | None, repeats: int, launcher: Launcher,
            workdir: Path, done: dict[str, Row]) -> Row:
    row = Row(plan)
    peer_argv = ([sys.executable, str(peers / plan.peer_script), *plan.peer_args]
                 if peers is not None and plan.peer_script and plan.peer_args is not None
                 else None)
    ours_argv = None
    if plan.osmodel_args is not None:
        trace = str(workdir / "trace.jsonl")
        ours_argv = [*OSMODEL, *(trace if a == "TRACE" else a for a in plan.osmodel_args)]
    refused = ""
    peer_text = ours_text = ""
    if plan.reuse_peer_of and plan.reuse_peer_of in done:
        row.peer = done[plan.reuse_peer_of].peer
        peer_text = done[plan.reuse_peer_of].peer_text
    for repeat in range(repeats):
        if peer_argv is not None:
            run = launcher.run(peer_argv, keep=repeat == 0)
            row.peer.append(run)
            if repeat == 0:
                peer_text = run.stdout
            run.stdout = ""
        if ours_argv is not None and not refused:
            run = launcher.run(ours_argv, keep=repeat == 0)
            if run.code != 0:
                refused = f"(exit {run.code}) {first_line(run.stderr)}"
            else:
                row.ours.append(run)
                if repeat == 0:
                    ours_text = run.stdout
                run.stdout = ""
    failed = [run for run in row.peer if run.code != 0]
    varied = [who for who, runs in (("peer", row.peer), ("osmodel", row.ours))
              if len({run.digest for run in runs}) > 1]
    if plan.osmodel_args is None:
        row.status, row.check = "n/a", plan.note
    elif refused:
        row.status, row.check = "refused", f"osmodel refuses: {refused}"
    elif failed:
        row.status = "peer failed"
        row.check = f"peer failed (exit {failed[0].code}): {first_line(failed[0].stderr)}"
    elif peer_argv is None and not peer_text:
        row.status, row.check = "n/a", f"no peer: osmodel alone, {plan.alone}"
    elif plan.check is not None:
        row.status, row.check = plan.check(peer_text, ours_text)
    row.peer_text = peer_text
    if varied:
        row.status = "MISMATCH"
        row.check += f"; MISMATCH: {' and '.join(varied)} output varied between repeats"
    if plan.note and plan.osmodel_args is not None:
        row.check += f" [{plan.note}]"
    return row


def footprints(peers: Path | None, repeats: int, launcher: Launcher,
               startup: Row) -> dict[str, int | None]:
    result: dict[str, int | None] = {"osmodel": peak(startup.ours)}
    if peers is None:
        return result
    result["scheduler.py"] = peak(startup.peer)
    for script, args in FOOTPRINT_ARGS.items():
        if script not in result:
            runs = [launcher.run([sys.executable, str(peers / script), *args], keep=False)
                    for _ in range(repeats)]
            result[script] = peak(runs)
    return result


# ---------------------------------------------------------------------------------------------
# Reporting


def growth(runs: Sequence[Run], base: int | None) -> int | None:
    top = peak(runs)
    return None if top is None or base is None else top - base


def figures(row: Row, base: dict[str, int | None]) -> dict[str, Any]:
    peer_s, ours_s = best(row.peer), best(row.ours)
    peer_growth = growth(row.peer, base.get(row.plan.peer_script or ""))
    ours_growth = growth(row.ours, base.get("osmodel"))
    return {
        "name": row.plan.name, "title": row.plan.title,
        "peer": (f"{row.plan.peer_script} {' '.join(row.plan.peer_args)}"
                 if row.plan.peer_script and row.plan.peer_args is not None and row.peer
                 else (f"(the {row.plan.reuse_peer_of} row's)" if row.peer else None)),
        "osmodel": row.plan.osmodel_shown if row.plan.osmodel_args is not None else None,
        "peer_s": peer_s, "osmodel_s": ours_s,
        "peer_runs_s": [run.seconds for run in row.peer],
        "osmodel_runs_s": [run.seconds for run in row.ours],
        "ratio": peer_s / ours_s if peer_s and ours_s else None,
        "status": row.status, "check": row.check,
        "peer_maxrss_kb": peak(row.peer), "osmodel_maxrss_kb": peak(row.ours),
        "peer_growth_kb": peer_growth, "osmodel_growth_kb": ours_growth,
        "growth_ratio": (peer_growth / ours_growth
                         if peer_growth is not None and ours_growth and ours_growth > 0
                         else None),
    }


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _mb(kb: int | None) -> str:
    return "-" if kb is None else f"{kb / 1024:+.1f}"


def table(rows: list[dict[str, Any]]) -> str:
    head = ("workload", "peer s", "osmodel s", "ratio", "check",
            "peak-memory growth MB peer/osmodel")
    body = []
    for r in rows:
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.2f}"
        memory = f"{_mb(r['peer_growth_kb'])} / {_mb(r['osmodel_growth_kb'])}"
        if r["growth_ratio"] is not None:
            memory += f" (x{r['growth_ratio']:.2f})"
        body.append((r["title"], _s(r["peer_s"]), _s(r["osmodel_s"]), ratio, r["check"],
                     memory))
    widths = [max(len(line[i]) for line in [head, *body]) for i in range(len(head))]
    out = []
    for line in [head, *body]:
        cells = [line[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(line[1:4], widths[1:4], strict=True)]
        cells += [line[4].ljust(widths[4]), line[5]]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def find_peers(option: str | None) -> tuple[Path, bool]:
    where = Path(option or os.environ.get("OSMODEL_PEERS") or DEFAULT_PEERS)
    present = all((where / script).is_file() for script in FOOTPRINT_ARGS)
    return where, present


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per side; the best counts")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every job count")
    parser.add_argument("--only", default="", help=f"workloads, of {','.join(WORKLOADS)}")
    parser.add_argument("--peers", default=None,
                        help="the OSTEP simulators' folder (default: $OSMODEL_PEERS, "
                        "else ../shared/peers/ostep from the repository root)")
    args = parser.parse_args(argv)
    only = [name for name in args.only.split(",") if name] or list(WORKLOADS)
    unknown = sorted(set(only) - set(WORKLOADS))
    if unknown:
        parser.error(f"unknown workloads {', '.join(unknown)}; known: {', '.join(WORKLOADS)}")
    if args.repeats < 1 or args.scale <= 0:
        parser.error("--repeats must be at least 1 and --scale above 0")
    where, present = find_peers(args.peers)
    peers = where if present else None
    if peers is None:
        print(f"peers not found at {where}: measuring osmodel alone")
    print(f"python {sys.version.split()[0]} at {sys.executable}; best of {args.repeats}, "
          f"scale {args.scale}; ratio = peer s / osmodel s (above 1: osmodel faster)",
          flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-peers-") as tmp:
        workdir = Path(tmp)
        launcher = Launcher(workdir)
        try:
            done: dict[str, Row] = {}
            all_plans = plans(peers, args.scale, launcher)
            # the startup row always runs: it is every later row's footprint
            for plan in all_plans:
                if plan.name == "startup" or plan.name in only:
                    print(f"  {plan.title} ...", flush=True)
                    done[plan.name] = measure(plan, peers, args.repeats, launcher, workdir, done)
            base = footprints(peers, args.repeats, launcher, done["startup"])
        finally:
            launcher.close()

    rows = [figures(done[plan.name], base) for plan in all_plans if plan.name in only]
    print()
    print(table(rows))
    print("footprints (peak KiB on a trivial workload): "
          + ", ".join(f"{name} {kb:,}" for name, kb in base.items() if kb is not None))
    print(json.dumps({"bench": "peers", "peers": str(peers) if peers else None,
                      "peers_looked_for": str(where),
                      "peers_found": peers is not None, "python": sys.version.split()[0],
                      "executable": sys.executable, "repeats": args.repeats,
                      "scale": args.scale, "footprints_kb": base, "rows": rows}))


if __name__ == "__main__":
    main()

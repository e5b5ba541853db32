"""``osmodel ostep scheduler``: OSTEP's FIFO, SJF and RR homework, answered by osmodel's engine.

The question is the homework's: the same flags and defaults, and for a seed
the same random job lengths (one ``random()`` draw per job, scaled as the
homework scales it).  The answers come from a run of the jobs on the bare
platform under the ``fifo``, ``sjf`` or ``rr`` policy
(`osmodel.plugins.schedule.engine`), read back in the homework's order: the
execution trace one line per slice (for RR one per quantum, as the homework
prints each turn), then each job's response, turnaround and wait, then the
averages.

Lengths given with ``-l`` may have decimals (``2.5``), as the homework reads
them as floats; the engine counts whole ticks, so every length and the
quantum are scaled by the least power of ten that makes them whole, and the
results divided back: exact, where the homework sums binary floats.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .flags import Flag, parse, usage
from .homework import Homework, HomeworkUsageError, Number, Simulator

if TYPE_CHECKING:
    from osmodel.kernel.manager import PluginManager
    from osmodel.plugins.schedule.engine import Outcome

NAME = "scheduler"
SUMMARY = "FIFO, SJF and round robin: each job's response, turnaround and wait"
FLAGS = (
    Flag("-s", "--seed", "seed", "int", 0, "the seed the random job lengths are drawn from"),
    Flag("-j", "--jobs", "jobs", "int", 3, "how many random jobs"),
    Flag("-l", "--jlist", "jlist", "str", "",
         "the jobs' lengths instead of random ones, comma-separated (10,15,20)"),
    Flag("-m", "--maxlen", "maxlen", "int", 10, "the longest a random job may be"),
    Flag("-p", "--policy", "policy", "str", "FIFO", "FIFO, SJF or RR, in any case"),
    Flag("-q", "--quantum", "quantum", "int", 1, "RR's time slice"),
    Flag("-c", None, "solve", "bool", False, "print the answers too"),
)
DIFFERENCES = (
    "the answers come from osmodel's engine (the bare platform with the fifo, sjf or rr "
    "policy), not from a formula; they are the same numbers",
    "the policy may be written in any case (sjf); an unknown policy is an error at once, "
    "not a message after the question",
    "a word that is no flag is refused (the original ignores it)",
    "-l lengths must be above 0 and -m at least 0, -j at least 1 and -q at least 1 (the "
    "original loops forever with -q 0 and divides by zero with no jobs)",
    "-l lengths with decimals are computed exactly; the original adds binary floats, which "
    "can differ in the last printed digit when a sum ends in 5 at the third decimal",
)
POLICIES = {"FIFO": "fifo", "SJF": "sjf", "RR": "rr"}
#: The most random jobs (osmodel schedule's bound on jobs).
MAX_JOBS = 100_000
#: The most a length may be scaled to make decimals whole (ten decimals).
MAX_SCALE = 10**10


def _usage() -> str:
    return usage(NAME, SUMMARY, FLAGS, DIFFERENCES)


def _fail(message: str) -> HomeworkUsageError:
    return HomeworkUsageError(f"ostep {NAME}: {message}")


def random_lengths(seed: int, jobs: int, maxlen: int) -> list[int]:
    """The homework's random jobs: ``int(maxlen * random()) + 1`` each, from ``seed``."""
    rng = random.Random(seed)
    return [int(maxlen * rng.random()) + 1 for _ in range(jobs)]


def listed_lengths(text: str) -> list[tuple[Fraction, str]]:
    """``-l``'s lengths, exact, each with the way the homework prints it (as a float)."""
    out = []
    for position, item in enumerate(text.split(","), 1):
        try:
            number = float(item)
            value = Fraction(item.strip())
        except (ValueError, ZeroDivisionError):
            raise _fail(f"-l: item {position} is {item[:20]!r}, not a number "
                        "(write the lengths as 10,15,20)") from None
        if not value > 0:
            raise _fail(f"-l: item {position} is {item.strip()[:20]}; a job's length must be "
                        "above 0")
        out.append((value, repr(number)))
    return out


def two(value: Fraction) -> str:
    """``%.2f`` of the value, as the homework prints every time."""
    return f"{float(value):.2f}"


def build(argv: Sequence[str], pm: PluginManager) -> Homework:
    v = parse(NAME, FLAGS, argv).values
    policy = str(v["policy"]).upper()
    if policy not in POLICIES:
        raise _fail(f"-p {str(v['policy'])[:20]!r} is not a policy here: FIFO, SJF or RR")
    if v["quantum"] < 1:
        raise _fail(f"-q {v['quantum']}: the time slice must be at least 1")
    listed = v["jlist"] != ""
    question = ["osmodel ostep scheduler, the homework's settings:", f"  policy {policy}"]
    if listed:
        lengths = listed_lengths(v["jlist"])
        question.append(f"  jlist {v['jlist']}")
    else:
        if not 1 <= v["jobs"] <= MAX_JOBS:
            raise _fail(f"-j {v['jobs']}: the number of jobs must be from 1 to {MAX_JOBS:,}")
        if v["maxlen"] < 0:
            raise _fail(f"-m {v['maxlen']}: the longest job must be at least 0")
        lengths = [(Fraction(n), str(n)) for n in random_lengths(v["seed"], v["jobs"],
                                                                 v["maxlen"])]
        question += [f"  jobs {v['jobs']}", f"  maxlen {v['maxlen']}", f"  seed {v['seed']}"]
    question += ["", "The jobs, each with its length (its run time):"]
    question += [f"  job {index}: length {shown}" for index, (_, shown) in enumerate(lengths)]
    question.append("")
    if not v["solve"]:
        question += [
            "For each job, work out its response time, its turnaround time and its wait time.",
            "Then run the same command again with -c added to see the answers. Another seed",
            "(-s N) or lengths of your own (-l 10,15,20) make new questions.",
        ]
    document: dict[str, Any] = {
        "policy": policy, "quantum": v["quantum"],
        "jobs": [{"job": index, "length": _json(value)}
                 for index, (value, _) in enumerate(lengths)]}
    homework = Homework(NAME, tuple(argv), None if listed else v["seed"], bool(v["solve"]),
                        tuple(question), (), (), document)
    if not v["solve"]:
        return homework
    return _answered(homework, pm, policy, v["quantum"], [value for value, _ in lengths])


def _json(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def scale_of(values: Sequence[Fraction]) -> int:
    """The least power of ten that makes every value whole; an error past ten decimals."""
    scale = 1
    for value in values:
        while (value * scale).denominator != 1:
            scale *= 10
            if scale > MAX_SCALE:
                raise _fail(f"-l: {float(value)!r} has more than ten decimals (or is no "
                            "decimal fraction)")
    return scale


def _answered(homework: Homework, pm: PluginManager, policy: str, quantum: int,
              lengths: list[Fraction]) -> Homework:
    from osmodel.kernel.errors import OsmodelError
    from osmodel.plugins.schedule import engine
    from osmodel.plugins.schedule.workload import Step, Workload, jobs_from

    scale = scale_of(lengths)
    ticks = [int(length * scale) for length in lengths]
    if sum(ticks) > engine.MAX_DEMAND:
        raise _fail(f"the jobs ask for {sum(lengths)} seconds in all, {sum(ticks):,} ticks "
                    f"once scaled; osmodel runs at most {engine.MAX_DEMAND:,}")
    options: tuple[tuple[str, Any], ...] = ()
    if policy == "RR":
        options = (("quantum", quantum * scale),)
        if quantum * scale > engine.MAX_DEMAND:
            raise _fail(f"-q {quantum}: at most {engine.MAX_DEMAND // scale:,} with these "
                        "lengths")
    workload = Workload(jobs_from([(Step("cpu", n),) for n in ticks], None))
    setup = engine.Setup(POLICIES[policy], options)
    try:
        outcome = engine.run(pm, workload, setup)
    except OsmodelError as error:
        raise _fail(str(error)) from None
    return _read(homework, outcome, policy, quantum * scale, scale)


def turns(outcome: Outcome, quantum: int | None) -> list[tuple[int, int, int]]:
    """(job, start, end) of every turn: the engine's slices, cut into quanta for RR (a job
    left alone keeps its CPU, one slice for the engine, a turn per quantum for the
    homework)."""
    out = []
    for piece in outcome.slices:
        if piece.job is None:
            continue
        start = piece.start
        while start < piece.end:
            end = piece.end if quantum is None else min(piece.end, start + quantum)
            out.append((piece.job, start, end))
            start = end
    return out


def _read(homework: Homework, outcome: Outcome, policy: str, quantum: int,
          scale: int) -> Homework:
    """The answers in the homework's order, from the run."""
    finish = {job.job: job.finish for job in outcome.jobs}
    answers = ["Answers (osmodel's run of these jobs, policy "
               f"{POLICIES[policy]}):", "", "Execution trace:"]
    numbers: list[Number] = []
    trace = []
    for position, (job, start, end) in enumerate(
            turns(outcome, quantum if policy == "RR" else None), 1):
        when, ran = Fraction(start, scale), Fraction(end - start, scale)
        done = Fraction(end, scale) if finish[job] == end else None
        line = f"  at time {int(when):3d} job {job:3d} runs for {two(ran)}"
        key = f"trace {position}"
        numbers += [Number(f"{key} time", str(int(when))), Number(f"{key} job", str(job)),
                    Number(f"{key} ran", two(ran))]
        if done is not None:
            line += f", done at {two(done)}"
            numbers.append(Number(f"{key} done", two(done)))
        answers.append(line)
        trace.append({"time": _json(when), "job": job, "ran": _json(ran),
                      "done": None if done is None else _json(done)})
    answers += ["", "Each job's times:"]
    # FIFO and SJF list the jobs in the order they ran, RR in job order, as the homework does
    results = sorted(outcome.jobs, key=lambda job: job.job if policy == "RR" else job.first_run)
    rows = []
    for job in results:
        times = {"response": Fraction(job.response, scale),
                 "turnaround": Fraction(job.turnaround, scale),
                 "wait": Fraction(job.wait, scale)}
        answers.append(f"  job {job.job:3d}: response {two(times['response'])}, turnaround "
                       f"{two(times['turnaround'])}, wait {two(times['wait'])}")
        numbers += [Number(f"job {job.job} {what}", two(value)) for what, value in times.items()]
        rows.append({"job": job.job, **{what: _json(value) for what, value in times.items()}})
    averages = {what: outcome.average(what) / scale for what in ("response", "turnaround", "wait")}
    answers += ["", f"  average: response {two(averages['response'])}, turnaround "
                f"{two(averages['turnaround'])}, wait {two(averages['wait'])}"]
    numbers += [Number(f"average {what}", two(value)) for what, value in averages.items()]
    document = {**homework.document, "trace": trace, "results": rows,
                "average": {what: float(value) for what, value in averages.items()}}
    return Homework(homework.simulator, homework.argv, homework.seed, homework.solve,
                    homework.question, tuple(answers), tuple(numbers), document, outcome)


SIMULATOR = Simulator(NAME, SUMMARY, _usage, build)

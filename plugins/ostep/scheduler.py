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
quantum are scaled by the least power of ten that makes them whole.  The
homework adds those lengths as binary floats, and a float sum can round
otherwise than the exact one in the last printed digit, so the engine's
turns are replayed in that float arithmetic (`_Clock`) for the printed
digits, each checked against the engine's exact value.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from attrs import define, field

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
    "-l lengths with decimals: the engine counts whole ticks, so lengths and quantum are "
    "scaled by a power of ten and the results scaled back; they are printed as the "
    "original's binary floats give them (the exact sum can round otherwise in the last digit)",
)
POLICIES = {"FIFO": "fifo", "SJF": "sjf", "RR": "rr"}
#: The most random jobs (osmodel schedule's bound on jobs).
MAX_JOBS = 100_000
#: The most turns the execution trace may print (a line each).
MAX_TURNS = 1_000_000
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
    scaled(policy, v["quantum"], [value for value, _ in lengths])
    homework = Homework(NAME, tuple(argv), None if listed else v["seed"], bool(v["solve"]),
                        tuple(question), (), (), document)
    if not v["solve"]:
        return homework
    return _answered(homework, pm, policy, v["quantum"], lengths)


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


def scaled(policy: str, quantum: int, lengths: Sequence[Fraction]) -> tuple[int, list[int]]:
    """The scale and the lengths in whole ticks, as the engine runs them; an error when the
    engine cannot (checked for the question too: no question whose answers cannot be had)."""
    from osmodel.plugins.schedule.engine import MAX_DEMAND

    scale = scale_of(lengths)
    ticks = [int(length * scale) for length in lengths]
    if sum(ticks) > MAX_DEMAND:
        raise _fail(f"the jobs ask for {float(sum(lengths)):g} seconds in all, {sum(ticks):,} "
                    f"ticks once scaled; osmodel runs at most {MAX_DEMAND:,}")
    if policy == "RR" and quantum * scale > MAX_DEMAND:
        raise _fail(f"-q {quantum}: at most {MAX_DEMAND // scale:,} with these lengths")
    slice_ = quantum * scale if policy == "RR" else MAX_DEMAND
    count = sum(-(-n // slice_) for n in ticks)
    if count > MAX_TURNS:
        raise _fail(f"the answers would print {count:,} turns; at most {MAX_TURNS:,} (fewer "
                    "or shorter jobs, or a longer -q)")
    return scale, ticks


def _answered(homework: Homework, pm: PluginManager, policy: str, quantum: int,
              jobs: list[tuple[Fraction, str]]) -> Homework:
    from osmodel.kernel.errors import OsmodelError
    from osmodel.plugins.schedule import engine
    from osmodel.plugins.schedule.workload import Step, Workload, jobs_from

    scale, ticks = scaled(policy, quantum, [value for value, _ in jobs])
    options: tuple[tuple[str, Any], ...] = ((("quantum", quantum * scale),) if policy == "RR"
                                            else ())
    workload = Workload(jobs_from([(Step("cpu", n),) for n in ticks], None))
    setup = engine.Setup(POLICIES[policy], options)
    try:
        outcome = engine.run(pm, workload, setup)
    except OsmodelError as error:
        raise _fail(str(error)) from None
    return _read(homework, outcome, policy, quantum * scale, scale,
                 [float(shown) for _, shown in jobs])


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


@define
class _Clock:
    """The homework's own arithmetic over the engine's turns, in binary floats: it adds each
    turn's length to a float clock and takes a float quantum off a float length, so a sum
    of decimal lengths can round differently from the exact one in the last printed digit.
    Replaying the engine's turns in that arithmetic prints the homework's very digits."""

    quantum: float
    left: list[float]
    now: float = 0.0
    first: dict[int, float] = field(factory=dict)
    last: dict[int, float] = field(factory=dict)
    wait: dict[int, float] = field(factory=dict)
    end: dict[int, float] = field(factory=dict)

    def turn(self, job: int, sliced: bool) -> tuple[float, float, bool]:
        """Job ``job`` runs its next turn: (when, for how long, whether it is then done)."""
        when = self.now
        self.first.setdefault(job, when)
        self.wait[job] = self.wait.get(job, 0.0) + (when - self.last.get(job, 0.0))
        if sliced and self.left[job] > self.quantum:
            self.left[job] -= self.quantum
            ran, done = self.quantum, False
        else:
            ran, done = self.left[job], True
            self.end[job] = when + ran
        self.now = when + ran
        self.last[job] = self.now
        return when, ran, done


def _agrees(approximate: float, ticks: int, scale: int) -> bool:
    """Whether the homework's float is the engine's ``ticks / scale`` but for float rounding."""
    exact = ticks / scale
    return abs(approximate - exact) <= 1e-6 * max(1.0, abs(exact))


def _read(homework: Homework, outcome: Outcome, policy: str, quantum: int, scale: int,
          lengths: Sequence[float]) -> Homework:
    """The answers in the homework's order, from the run: the engine decides who runs when;
    each number is printed as the homework's float arithmetic gives it (`_Clock`), checked
    against the engine's exact one."""
    finish = {job.job: job.finish for job in outcome.jobs}
    sliced = policy == "RR"
    clock = _Clock(quantum / scale, list(lengths))
    answers = ["Answers (osmodel's run of these jobs, policy "
               f"{POLICIES[policy]}):", "", "Execution trace:"]
    numbers: list[Number] = []
    trace = []
    for position, (job, start, end) in enumerate(turns(outcome, quantum if sliced else None), 1):
        when, ran, done = clock.turn(job, sliced)
        if not (_agrees(when, start, scale) and _agrees(ran, end - start, scale)
                and done == (finish[job] == end)):
            raise AssertionError(f"turn {position}: the homework's clock and the engine's run "
                                 "disagree")  # pragma: no cover - a bug, not a user's mistake
        line = f"  at time {int(when):3d} job {job:3d} runs for {ran:.2f}"
        key = f"trace {position}"
        numbers += [Number(f"{key} time", str(int(when))), Number(f"{key} job", str(job)),
                    Number(f"{key} ran", f"{ran:.2f}")]
        if done:
            line += f", done at {when + ran:.2f}"
            numbers.append(Number(f"{key} done", f"{when + ran:.2f}"))
        answers.append(line)
        trace.append({"time": when, "job": job, "ran": ran,
                      "done": when + ran if done else None})
    answers += ["", "Each job's times:"]
    # FIFO and SJF list the jobs in the order they ran, RR in job order, as the homework does
    results = sorted(outcome.jobs, key=lambda r: r.job if sliced else r.first_run)
    rows = []
    sums = {"response": 0.0, "turnaround": 0.0, "wait": 0.0}
    for result in results:
        times = {"response": clock.first[result.job], "turnaround": clock.end[result.job],
                 "wait": clock.wait[result.job]}
        for what, value in times.items():
            if not _agrees(value, getattr(result, what), scale):
                raise AssertionError(f"job {result.job} {what}: the homework's clock and the "
                                     "engine's run disagree")  # pragma: no cover
            sums[what] += value
        answers.append(f"  job {result.job:3d}: response {times['response']:.2f}, turnaround "
                       f"{times['turnaround']:.2f}, wait {times['wait']:.2f}")
        numbers += [Number(f"job {result.job} {what}", f"{value:.2f}")
                    for what, value in times.items()]
        rows.append({"job": result.job, **times})
    averages = {what: total / len(results) for what, total in sums.items()}
    answers += ["", f"  average: response {averages['response']:.2f}, turnaround "
                f"{averages['turnaround']:.2f}, wait {averages['wait']:.2f}"]
    numbers += [Number(f"average {what}", f"{value:.2f}") for what, value in averages.items()]
    document = {**homework.document, "trace": trace, "results": rows, "average": averages}
    return Homework(homework.simulator, homework.argv, homework.seed, homework.solve,
                    homework.question, tuple(answers), tuple(numbers), document, outcome)


SIMULATOR = Simulator(NAME, SUMMARY, _usage, build)

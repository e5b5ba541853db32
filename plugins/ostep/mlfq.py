"""``osmodel ostep mlfq``: OSTEP's multi-level feedback queue homework, on osmodel's mlfq policy.

The flags, defaults and the jobs a seed draws are the homework simulator's
(each random job: a run time, then an I/O frequency, each from one
``random.random()``).  A job given as start,run,I/O-frequency becomes a
program that computes ``frequency`` ticks, does an I/O of ``-i`` ticks, and so
on (no I/O after its last tick), started at its start time; the machine's
I/Os cost no CPU tick to issue or complete (``Setup.io_issue_cost``), as in
the homework.  The original counts its queues from the bottom (the highest
number is the top) and an allotment in quanta; osmodel's levels count from
the top and its allotment is in ticks, so ``-a 2 -q 10`` is an allotment of
20 ticks.  The homework's rules for what happens at one instant (a job's own
tick first, then a boost, then arrivals and I/O completions) are the policy's
``settle_first`` and ``boost_preempts`` options; ``-S`` and ``-I`` are
``io_resets_allotment`` (with ``stay_charges_quantum``) and ``io_bump``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from osmodel.plugins.schedule import engine
from osmodel.plugins.schedule.workload import MAX_JOBS, Step, Workload, jobs_from
from osmodel.plugins.schedulers.options import MAX_LEVELS, MAX_OPTION_TICKS

from ._b_options import FlagParser, flag_help
from .homework import Homework, Number, Simulator

if TYPE_CHECKING:
    from osmodel.kernel.manager import PluginManager

NAME = "mlfq"


def parser() -> FlagParser:
    p = FlagParser(NAME)
    p.add_option("-s", "--seed", type="int", default=0, dest="seed",
                 help="seed of the random jobs (default 0)")
    p.add_option("-n", "--numQueues", type="int", default=3, dest="queues",
                 help="number of queues (default 3; -Q sets it too)")
    p.add_option("-q", "--quantum", type="int", default=10, dest="quantum",
                 help="time slice of every queue (default 10)")
    p.add_option("-a", "--allotment", type="int", default=1, dest="allotment",
                 help="time slices a job may use at a queue before it moves down (default 1)")
    p.add_option("-Q", "--quantumList", type="string", default="", dest="quantum_list",
                 metavar="LIST",
                 help="time slice per queue, the top queue first: 10,20,40")
    p.add_option("-A", "--allotmentList", type="string", default="", dest="allotment_list",
                 metavar="LIST",
                 help="allotment per queue in time slices, the top queue first: 1,2,4")
    p.add_option("-j", "--numJobs", type="int", default=3, dest="jobs",
                 help="number of random jobs (default 3)")
    p.add_option("-m", "--maxlen", type="int", default=100, dest="max_length",
                 help="longest run time of a random job (default 100)")
    p.add_option("-M", "--maxio", type="int", default=10, dest="max_io",
                 help="largest I/O frequency of a random job (default 10)")
    p.add_option("-B", "--boost", type="int", default=0, dest="boost",
                 help="every this many ticks all jobs go back to the top (default 0: never)")
    p.add_option("-i", "--iotime", type="int", default=5, dest="io_time",
                 help="ticks an I/O takes (default 5)")
    p.add_option("-S", "--stay", action="store_true", default=False, dest="stay",
                 help="a job that issues an I/O gets a fresh allotment at its queue")
    p.add_option("-I", "--iobump", action="store_true", default=False, dest="io_bump",
                 help="a job back from I/O goes to the front of its queue and runs at once")
    p.add_option("-l", "--jlist", type="string", default="", dest="job_list",
                 metavar="JOBS",
                 help="the jobs, start,run,ioFreq:start,run,ioFreq:... (ioFreq 0: no I/O)")
    p.add_option("-c", action="store_true", default=False, dest="solve",
                 help="print the answers: each job's response and turnaround, and averages")
    return p


DIFFERENCES = [
    "Where osmodel differs: the answers come from osmodel's mlfq policy on the engine",
    "(levels counted from the top, allotments in ticks: -a 2 -q 10 is 20 ticks), so",
    "`--trace` and `--report` show the same run; the answers are the final statistics.",
    "Refused when answering, as osmodel's model cannot express them: -i 0 or less (an",
    "I/O lasts at least a tick) and a job of run time 0 or less (the original aborts).",
]


def usage() -> str:
    lines = ["usage: osmodel ostep mlfq [FLAGS]", "",
             "The MLFQ homework: jobs that compute and do I/O on a multi-level feedback "
             "queue.", "", "flags:", *flag_help(parser()), "", *DIFFERENCES]
    return "\n".join(lines)


# ----------------------------------------------------------------------- the jobs


def number_list(text: str, flag: str, fail: Any) -> list[int]:
    try:
        return [int(item) for item in text.split(",")]
    except ValueError:
        raise fail(f"{flag} {text!r}: write whole numbers separated by commas") from None


def levels_of(flags: Any, fail: Any) -> tuple[list[int], list[int]]:
    """Quantum and allotment (in quanta) per level, the top level first."""
    if flags.quantum_list:
        quanta = number_list(flags.quantum_list, "-Q", fail)
    else:
        if flags.queues > MAX_LEVELS:
            raise fail(f"-n {flags.queues}: osmodel's mlfq has at most {MAX_LEVELS} queues")
        quanta = [flags.quantum] * max(flags.queues, 0)
    count = len(quanta)
    if count > MAX_LEVELS:
        raise fail(f"-Q: {count} queues; osmodel's mlfq has at most {MAX_LEVELS}")
    if count < 1:
        raise fail(f"-n {flags.queues}: there must be at least one queue")
    if flags.allotment_list:
        allotments = number_list(flags.allotment_list, "-A", fail)
        if len(allotments) != count:
            raise fail(f"-A: {len(allotments)} allotments for {count} queues (give one "
                       "per queue)")
        if any(a <= 0 for a in allotments[:-1]):
            raise fail("-A: every allotment but the bottom queue's must be positive")
    else:
        allotments = [flags.allotment] * count
    return quanta, allotments


def jobs_of(flags: Any, rng: random.Random, fail: Any) -> list[tuple[int, int, int]]:
    """(start, run time, I/O frequency) per job, from -l or drawn."""
    if flags.job_list:
        out = []
        for item in flags.job_list.split(":"):
            fields = item.split(",")
            if len(fields) != 3:
                raise fail(f"-l: bad job {item!r}: write start,run,ioFreq (jobs separated "
                           "by colons)")
            try:
                start, run, freq = (int(field) for field in fields)
            except ValueError:
                raise fail(f"-l: bad job {item!r}: start, run and ioFreq are whole "
                           "numbers") from None
            out.append((start, run, freq))
        return out
    if flags.jobs > MAX_JOBS:
        raise fail(f"-j {flags.jobs}: at most {MAX_JOBS:,} jobs")
    drawn = []
    for _ in range(max(flags.jobs, 0)):
        run = int(rng.random() * (flags.max_length - 1) + 1)
        freq = int(rng.random() * (flags.max_io - 1) + 1)
        drawn.append((0, run, freq))
    return drawn


def steps(run: int, freq: int, io_time: int) -> tuple[Step, ...]:
    """Compute ``freq`` ticks, an I/O of ``io_time``, and so on; nothing after the last tick."""
    if freq <= 0 or freq >= run:
        return (Step("cpu", run),)
    out: list[Step] = []
    left = run
    while left > freq:
        out += [Step("cpu", freq), Step("io", io_time)]
        left -= freq
    out.append(Step("cpu", left))
    return tuple(out)


def policy_options(quanta: Sequence[int], allotments: Sequence[int],
                   flags: Any) -> tuple[tuple[str, Any], ...]:
    """The mlfq policy's options for the homework's queues and flags.

    A quantum of 0 or less never runs out there (its count goes below zero and
    is never found at zero), nor does an allotment of 0 or less: both become
    the longest osmodel allows.
    """
    top = MAX_OPTION_TICKS
    quantum = [q if q > 0 else top for q in quanta]
    allotment = [min(a * q, top) if a > 0 and q > 0 else top
                 for a, q in zip(allotments, quanta, strict=True)]
    options: list[tuple[str, Any]] = [
        ("levels", len(quanta)), ("quantum", quantum), ("allotment", allotment),
        ("boost", max(flags.boost, 0)), ("settle_first", True), ("boost_preempts", True)]
    if flags.stay:
        options += [("io_resets_allotment", True), ("stay_charges_quantum", True)]
    if flags.io_bump:
        options.append(("io_bump", True))
    return tuple(options)


# ---------------------------------------------------------------------- the homework


def build(argv: Sequence[str], pm: PluginManager) -> Homework:
    p = parser()
    flags = p.read(argv)
    fail = p.fail
    quanta, allotments = levels_of(flags, fail)
    rng = random.Random(flags.seed)
    jobs = jobs_of(flags, rng, fail)
    if not jobs:
        raise fail("no jobs: -j must be at least 1 (or give -l)")
    if len(jobs) > MAX_JOBS:
        raise fail(f"-l: {len(jobs):,} jobs; at most {MAX_JOBS:,}")
    question = question_lines(jobs, quanta, allotments, flags)
    document: dict[str, Any] = {
        "queues": [{"level": level, "quantum": q, "allotment": a}
                   for level, (q, a) in enumerate(zip(quanta, allotments, strict=True))],
        "boost": flags.boost, "io_time": flags.io_time, "stay": flags.stay,
        "io_bump": flags.io_bump,
        "jobs": [{"job": i, "start": s, "run": r, "io_frequency": f}
                 for i, (s, r, f) in enumerate(jobs)],
    }
    if not flags.solve:
        return Homework(NAME, tuple(argv), flags.seed, False, tuple(question), (), (),
                        document)
    short = [i for i, (_, run, _) in enumerate(jobs) if run < 1]
    if short:
        raise fail(f"job {short[0]} has run time {jobs[short[0]][1]}; a job must run at "
                   "least a tick (the original aborts)")
    late = [i for i, (start, _, _) in enumerate(jobs) if start < 0]
    if late:
        raise fail(f"job {late[0]} starts at {jobs[late[0]][0]}; a start time cannot be "
                   "negative")
    if flags.io_time < 1 and any(0 < f < r for _, r, f in jobs):
        raise fail(f"-i {flags.io_time}: osmodel's I/O lasts at least a tick (an I/O of "
                   "no time cannot be run)")
    if sum(run for _, run, _ in jobs) > engine.MAX_DEMAND:
        raise fail(f"the jobs run more than {engine.MAX_DEMAND:,} ticks in all")
    workload = Workload(jobs_from([steps(r, f, flags.io_time) for _, r, f in jobs],
                                  [s for s, _, _ in jobs], io_costs=(0, 0)))
    setup = engine.Setup("mlfq", policy_options(quanta, allotments, flags),
                         io_issue_cost=0, io_done_cost=0)
    outcome = engine.run(pm, workload, setup)
    answers, numbers = answer_lines(outcome)
    document["results"] = [{"job": r.job, "response": r.response,
                            "turnaround": r.turnaround} for r in outcome.jobs]
    document["average"] = {"response": average(outcome, "response"),
                           "turnaround": average(outcome, "turnaround")}
    return Homework(NAME, tuple(argv), flags.seed, True, tuple(question), tuple(answers),
                    tuple(numbers), document, outcome)


def question_lines(jobs: Sequence[tuple[int, int, int]], quanta: Sequence[int],
                   allotments: Sequence[int], flags: Any) -> list[str]:
    count = len(quanta)
    lines = [f"A multi-level feedback queue of {count} queue{'s' if count != 1 else ''}, "
             "the top (highest priority) first:"]
    lines += [f"  queue {count - 1 - level}: time slice {q}, allotment {a} time slice"
              f"{'s' if a != 1 else ''}" for level, (q, a) in enumerate(zip(quanta, allotments,
                                                                            strict=True))]
    boost = f"every {flags.boost} ticks" if flags.boost > 0 else "never"
    lines += [f"Priority boost: {boost}. An I/O takes {flags.io_time} ticks.",
              "A job that issues an I/O "
              + ("gets a fresh allotment at its queue." if flags.stay
                 else "keeps what it has used of its allotment."),
              "A job back from I/O "
              + ("goes to the front of its queue and runs at once." if flags.io_bump
                 else "goes to the back of its queue."),
              "", "The jobs (start time, CPU time needed, an I/O every so many ticks of CPU):"]
    lines += [f"  job {i}: starts at {s}, runs {r}, I/O every {f if f > 0 else 'never'}"
              for i, (s, r, f) in enumerate(jobs)]
    lines += ["", "Trace the schedule; work out each job's response and turnaround time."]
    return lines


def average(outcome: engine.Outcome, metric: str) -> str:
    """As the original prints it: the float mean with two decimals."""
    values = [getattr(job, metric) for job in outcome.jobs]
    return f"{float(sum(values)) / len(values):.2f}"


def answer_lines(outcome: engine.Outcome) -> tuple[list[str], list[Number]]:
    lines = ["Each job's times (response = first run - start; turnaround = finish - start):"]
    numbers: list[Number] = []
    for r in outcome.jobs:
        lines.append(f"  job {r.job}: start {r.arrival}, response {r.response}, "
                     f"turnaround {r.turnaround}")
        numbers += [Number(f"job {r.job} start", str(r.arrival)),
                    Number(f"job {r.job} response", str(r.response)),
                    Number(f"job {r.job} turnaround", str(r.turnaround))]
    response, turnaround = average(outcome, "response"), average(outcome, "turnaround")
    lines.append(f"  average: response {response}, turnaround {turnaround}")
    numbers += [Number("average response", response), Number("average turnaround", turnaround)]
    return lines, numbers


SIMULATOR = Simulator(NAME, "a multi-level feedback queue of jobs that compute and do I/O "
                 "(mlfq.py)", usage, build)

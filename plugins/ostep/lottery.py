"""``osmodel ostep lottery``: OSTEP's lottery homework, answered by osmodel's lottery policy.

The question is the homework's: the same flags and defaults, and for a seed
the same random jobs and tickets (``int(maxlen * random())`` and
``int(maxticket * random())``, each drawn again while it is 0) and the same
list of random numbers after them.  The answers are a run of the jobs on the
bare platform under the ``lottery`` policy with ``draw = "ostep"`` (the
homework's way of turning a random number into a winner, see
`osmodel.plugins.schedulers.lottery`) and ``skip`` set to the draws the jobs
took, so the run's generator is where the homework's is at its first pick.

The homework charges every pick a whole quantum, even the last one of a job
that needed less (its clock moves by the quantum each pick).  The engine
frees the CPU when a job ends, so each job is run for its length rounded up
to whole quanta: the picks and their times are then the homework's, and the
time each job has left is its real length minus what it ran.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .flags import Flag, parse, usage
from .homework import Homework, HomeworkUsageError, Number, Simulator

if TYPE_CHECKING:
    from osmodel.kernel.manager import PluginManager
    from osmodel.plugins.schedule.engine import Outcome

NAME = "lottery"
SUMMARY = "lottery scheduling: which job each random number picks, and when each job is done"
FLAGS = (
    Flag("-s", "--seed", "seed", "int", 0, "the seed of the random jobs and draws"),
    Flag("-j", "--jobs", "jobs", "int", 3, "how many random jobs"),
    Flag("-l", "--jlist", "jlist", "str", "",
         "the jobs instead of random ones: LENGTH:TICKETS, comma-separated (10:100,20:100)"),
    Flag("-m", "--maxlen", "maxlen", "int", 10, "random lengths are below this"),
    Flag("-T", "--maxticket", "maxticket", "int", 100, "random tickets are below this"),
    Flag("-q", "--quantum", "quantum", "int", 1, "the time slice each pick runs for"),
    Flag("-c", "--compute", "solve", "bool", False, "print the answers too"),
)
DIFFERENCES = (
    "the winners come from osmodel's lottery policy run on the bare platform, with its "
    "option draw = \"ostep\" (the homework's draw); `osmodel schedule --policy lottery` "
    "keeps its own draw unless given -O draw=ostep",
    "a job's last pick is charged a whole quantum, as in the original: osmodel runs each "
    "job for its length rounded up to whole quanta, so the times are the original's",
    "a word that is no flag is refused (the original ignores it)",
    "-j must be at least 1, -q at least 1, -m and -T at least 2 (the original draws "
    "forever with -m 1 or -T 1 and makes negative jobs below), and -l lengths and tickets "
    "at least 1 (a job without tickets never runs and the original then divides by zero)",
)
#: The most random jobs (osmodel schedule's bound on jobs).
MAX_JOBS = 100_000
#: A random number of the homework: ``int(random() * SPAN)``.
SPAN = 1_000_001
#: The most tickets a job may hold (osmodel's bound on ``tickets``).
MAX_TICKETS = 1_000_000
#: The most ticks the jobs may ask for in all (the question lists a random number each).
MAX_TOTAL = 1_000_000
#: The most job states the answers may show (each pick shows every job).
MAX_CELLS = 10_000_000


def _usage() -> str:
    return usage(NAME, SUMMARY, FLAGS, DIFFERENCES)


def _fail(message: str) -> HomeworkUsageError:
    return HomeworkUsageError(f"ostep {NAME}: {message}")


def random_jobs(rng: random.Random, jobs: int, maxlen: int,
                maxticket: int) -> tuple[list[tuple[int, int]], int]:
    """The homework's random jobs (length, tickets), and how many draws they took."""
    out = []
    draws = 0
    for _ in range(jobs):
        length = tickets = 0
        while length == 0:
            length = int(maxlen * rng.random())
            draws += 1
        while tickets == 0:
            tickets = int(maxticket * rng.random())
            draws += 1
        out.append((length, tickets))
    return out, draws


def listed_jobs(text: str) -> list[tuple[int, int]]:
    """``-l``'s jobs, LENGTH:TICKETS each."""
    out = []
    for position, item in enumerate(text.split(","), 1):
        parts = item.split(":")
        try:
            if len(parts) != 2:
                raise ValueError
            length, tickets = int(parts[0]), int(parts[1])
        except ValueError:
            raise _fail(f"-l: item {position} is {item[:30]!r}, not LENGTH:TICKETS "
                        "(write the jobs as 10:100,20:100)") from None
        if length < 1 or tickets < 1:
            raise _fail(f"-l: item {position} ({item.strip()[:30]}): a job needs a length "
                        "and tickets of at least 1")
        if tickets > MAX_TICKETS:
            raise _fail(f"-l: item {position}: at most {MAX_TICKETS:,} tickets a job")
        out.append((length, tickets))
    return out


def build(argv: Sequence[str], pm: PluginManager) -> Homework:
    v = parse(NAME, FLAGS, argv).values
    if v["quantum"] < 1:
        raise _fail(f"-q {v['quantum']}: the time slice must be at least 1")
    rng = random.Random(v["seed"])
    if v["jlist"] != "":
        jobs, draws = listed_jobs(v["jlist"]), 0
    else:
        if not 1 <= v["jobs"] <= MAX_JOBS:
            raise _fail(f"-j {v['jobs']}: the number of jobs must be from 1 to {MAX_JOBS:,}")
        for flag, value, most in (("-m", v["maxlen"], MAX_TOTAL),
                                  ("-T", v["maxticket"], MAX_TICKETS + 1)):
            if not 2 <= value <= most:
                raise _fail(f"{flag} {value}: must be from 2 to {most:,} (random values are "
                            "drawn from 1 to one below it)")
        jobs, draws = random_jobs(rng, v["jobs"], v["maxlen"], v["maxticket"])
    total = sum(length for length, _ in jobs)
    if total > MAX_TOTAL:
        raise _fail(f"the jobs' lengths add up to {total:,}; at most {MAX_TOTAL:,} (the "
                    "answers print a line per pick)")
    if total * len(jobs) > MAX_CELLS:
        raise _fail(f"{len(jobs):,} jobs of {total:,} ticks in all: the answers would show "
                    f"{total * len(jobs):,} job states; at most {MAX_CELLS:,} (fewer or "
                    "shorter jobs)")
    randoms = [int(rng.random() * SPAN) for _ in range(total)]
    question = ["osmodel ostep lottery, the homework's settings:", f"  jlist {v['jlist']}",
                f"  jobs {v['jobs']}", f"  maxlen {v['maxlen']}",
                f"  maxticket {v['maxticket']}", f"  quantum {v['quantum']}",
                f"  seed {v['seed']}", "",
                "The jobs, each with its length (its run time) and its tickets:"]
    question += [f"  job {index}: length {length}, tickets {tickets}"
                 for index, (length, tickets) in enumerate(jobs)]
    question.append("")
    if not v["solve"]:
        question += ["The random numbers the draws use, in order (the answers need at most "
                     "these):"]
        question += [f"random {r}" for r in randoms]
    document: dict[str, Any] = {
        "quantum": v["quantum"],
        "jobs": [{"job": index, "length": length, "tickets": tickets}
                 for index, (length, tickets) in enumerate(jobs)],
        "random": randoms}
    homework = Homework(NAME, tuple(argv), v["seed"], bool(v["solve"]), tuple(question), (),
                        (), document)
    if not v["solve"]:
        return homework
    return _answered(homework, pm, jobs, v["quantum"], draws, v["seed"], randoms)


def _answered(homework: Homework, pm: PluginManager, jobs: list[tuple[int, int]],
              quantum: int, draws: int, seed: int, randoms: list[int]) -> Homework:
    from osmodel.kernel.errors import OsmodelError
    from osmodel.plugins.schedule import engine
    from osmodel.plugins.schedule.workload import Step, Workload, jobs_from

    # each job runs whole quanta, as the homework charges them (see the module's docstring)
    steps = [(Step("cpu", -(-length // quantum) * quantum),) for length, _ in jobs]
    workload = Workload(jobs_from(steps, None,
                                  [("-l", "tickets", [tickets for _, tickets in jobs])]))
    setup = engine.Setup("lottery", (("quantum", quantum), ("draw", "ostep"),
                                     ("skip", draws)), seed=seed)
    try:
        outcome = engine.run(pm, workload, setup)
    except OsmodelError as error:
        raise _fail(str(error)) from None
    return _read(homework, outcome, jobs, quantum, randoms)


def picks(outcome: Outcome, quantum: int) -> list[int]:
    """The winner of every pick: each slice is one pick a quantum (a job that won twice
    running is one slice)."""
    out: list[int] = []
    for piece in outcome.slices:
        if piece.job is not None:
            out += [piece.job] * ((piece.end - piece.start) // quantum)
    return out


def _read(homework: Homework, outcome: Outcome, jobs: list[tuple[int, int]], quantum: int,
          randoms: list[int]) -> Homework:
    """The answers in the homework's order, from the run."""
    finish = {job.job: job.finish for job in outcome.jobs}
    left = [length for length, _ in jobs]
    tickets = sum(count for _, count in jobs)
    answers = ["Answers (osmodel's run of these jobs, policy lottery, draw ostep):", ""]
    numbers: list[Number] = []
    rows = []
    done = []
    for position, (winner, r) in enumerate(zip(picks(outcome, quantum), randoms,
                                               strict=False), 1):
        key = f"pick {position}"
        ticket = r % tickets
        answers.append(f"draw {r}: winning ticket {ticket} of {tickets}, job {winner} runs")
        answers.append("  the jobs before this turn (* is the one that runs):")
        shown = []
        numbers += [Number(f"{key} random", str(r)), Number(f"{key} ticket", str(ticket)),
                    Number(f"{key} total", str(tickets)), Number(f"{key} job", str(winner))]
        for index, (length_left, (_, count)) in enumerate(zip(left, jobs, strict=True)):
            mark = "*" if index == winner else " "
            held = str(count) if length_left > 0 else "---"
            shown.append(f"({mark} job {index}, {length_left} left, "
                         f"{count if length_left > 0 else 'no'} tickets)")
            numbers += [Number(f"{key} job {index} left", str(length_left)),
                        Number(f"{key} job {index} tickets", held)]
        answers.append("  " + " ".join(shown))
        rows.append({"random": r, "ticket": ticket, "total": tickets, "job": winner})
        left[winner] = max(0, left[winner] - quantum)
        if left[winner] == 0:
            answers.append(f"job {winner} is done at time {finish[winner]}")
            numbers.append(Number(f"job {winner} done", str(finish[winner])))
            done.append({"job": winner, "time": finish[winner]})
            tickets -= jobs[winner][1]
    answers.append("")
    document = {**homework.document, "picks": rows, "done": done}
    return Homework(homework.simulator, homework.argv, homework.seed, homework.solve,
                    homework.question, tuple(answers), tuple(numbers), document, outcome)


SIMULATOR = Simulator(NAME, SUMMARY, _usage, build)

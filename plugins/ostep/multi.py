"""``osmodel ostep multi``: OSTEP's multi-CPU scheduling homework with its cache-affinity model.

The flags and defaults are the homework's, and a seed draws the same random
jobs (two ``random()`` draws a job, run time then working set, each scaled to
a multiple of ten as the homework does).  Jobs given with ``-L`` and CPU
affinity given with ``-A`` are read and checked as the homework reads them;
with ``-p`` the jobs are dealt to the per-CPU queues as the homework deals
them (round the CPUs, each taking the first job left that it may run).

So far this is the question only.  The answers (``-c``) and the traces
(``-t``, ``-T``, ``-C``, ``-S``) need the run on osmodel's engine under a
policy with per-CPU caches (`osmodel.plugins.schedule.cache` is that model);
until that policy lands they are refused with a message, not guessed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .flags import Flag, parse, usage
from .homework import Homework, HomeworkUsageError, Simulator

if TYPE_CHECKING:
    from osmodel.kernel.manager import PluginManager

NAME = "multi"
SUMMARY = "several CPUs with caches that warm up: per-CPU queues, affinity, peeking"
FLAGS = (
    Flag("-s", "--seed", "seed", "int", 0, "the seed the random jobs are drawn from"),
    Flag("-j", "--job_num", "job_num", "int", 3, "how many random jobs"),
    Flag("-R", "--max_run", "max_run", "int", 100, "the longest run time of a random job"),
    Flag("-W", "--max_wset", "max_wset", "int", 200,
         "the largest working set of a random job"),
    Flag("-L", "--job_list", "job_list", "str", "",
         "the jobs instead of random ones, name:run_time:working_set each, comma-separated "
         "(a:10:100,b:10:50)"),
    Flag("-p", "--per_cpu_queues", "per_cpu_queues", "bool", False,
         "one scheduling queue per CPU (not one shared queue)"),
    Flag("-A", "--affinity", "affinity", "str", "",
         "the CPUs each listed job may run on, name:cpu.cpu each, comma-separated "
         "(a:0.1,b:1)"),
    Flag("-n", "--num_cpus", "num_cpus", "int", 2, "how many CPUs"),
    Flag("-q", "--quantum", "quantum", "int", 10, "the time slice"),
    Flag("-P", "--peek_interval", "peek_interval", "int", 30,
         "with -p, how often an idle CPU's empty queue peeks at another's (0: never)"),
    Flag("-w", "--warmup_time", "warmup_time", "int", 10,
         "ticks a job must run on a CPU before that CPU's cache is warm for it"),
    Flag("-r", "--warm_rate", "warm_rate", "int", 2,
         "how many times faster a job runs with a warm cache"),
    Flag("-M", "--cache_size", "cache_size", "int", 100,
         "how much working set each CPU's cache holds"),
    Flag("-o", "--rand_order", "rand_order", "bool", False,
         "idle CPUs take jobs in a random order each tick (not CPU 0 first)"),
    Flag("-t", "--trace", "trace", "bool", False, "trace which job runs on each CPU"),
    Flag("-T", "--trace_time_left", "trace_time_left", "bool", False,
         "trace each running job's time left too"),
    Flag("-C", "--trace_cache", "trace_cache", "bool", False,
         "trace each CPU's cache (warm or cold for each job) too"),
    Flag("-S", "--trace_sched", "trace_sched", "bool", False,
         "trace the scheduling queues too"),
    Flag("-c", "--compute", "solve", "bool", False, "print the answers too"),
)
DIFFERENCES = (
    "not yet answered: -c and the trace flags (-t, -T, -C, -S) are refused with a message; "
    "the question (the jobs, their affinity and the queues they start in) is the original's",
    "a word that is no flag is refused (the original ignores it)",
    "bad input is a one-line error with exit status 2 (the original prints and exits 1, "
    "or fails with a Python error): -j below 1, -n below 1, -q below 1, a job name that is "
    "empty or has spaces, an affinity with no CPU",
)
#: The most jobs (osmodel schedule's bound on jobs).
MAX_JOBS = 100_000
#: The most CPUs (the machine's bound is far above what the homework uses).
MAX_CPUS = 1024


def _fail(message: str) -> HomeworkUsageError:
    return HomeworkUsageError(f"ostep {NAME}: {message}")


def random_jobs(seed: int, count: int, max_run: int, max_wset: int) -> list[tuple[str, int, int]]:
    """The homework's random jobs, named 0, 1, ...: run time, then working set, each
    ``int(random() * most / 10.0) * 10``, from ``seed``."""
    rng = random.Random(seed)
    out = []
    for index in range(count):
        run = int((rng.random() * max_run) / 10.0) * 10
        wset = int((rng.random() * max_wset) / 10.0) * 10
        out.append((str(index), run, wset))
    return out


def listed_jobs(text: str) -> list[tuple[str, int, int]]:
    """``-L``'s jobs, name:run_time:working_set each; names unique, words without spaces."""
    out: list[tuple[str, int, int]] = []
    seen: set[str] = set()
    for item in text.split(","):
        fields = item.split(":")
        if len(fields) != 3:
            raise _fail(f"-L: bad job {item[:40]!r}: write name:run_time:working_set "
                        "(a:10:100)")
        name = fields[0]
        if not name or name.split() != [name]:
            raise _fail(f"-L: bad job {item[:40]!r}: a name is a word without spaces")
        try:
            run, wset = int(fields[1]), int(fields[2])
        except ValueError:
            raise _fail(f"-L: bad job {item[:40]!r}: run time and working set are whole "
                        "numbers") from None
        if name in seen:
            raise _fail(f"-L: job name {name!r} is given twice")
        seen.add(name)
        out.append((name, run, wset))
    return out


def affinities(text: str, names: Sequence[str], cpus: int) -> dict[str, list[int]]:
    """``-A``: the CPUs each named job may run on (a job not named may run anywhere)."""
    out: dict[str, list[int]] = {}
    if text == "":
        return out
    for item in text.split(","):
        fields = item.split(":")
        if len(fields) != 2:
            raise _fail(f"-A: bad affinity {item[:40]!r}: write name:cpu.cpu (a:0.1)")
        name = fields[0]
        if name not in names:
            raise _fail(f"-A: there is no job {name[:40]!r}")
        allowed = out.setdefault(name, [])
        for word in fields[1].split("."):
            try:
                cpu = int(word)
            except ValueError:
                raise _fail(f"-A: bad CPU {word[:20]!r} for job {name}") from None
            if not 0 <= cpu < cpus:
                raise _fail(f"-A: CPU {cpu} for job {name}: the CPUs are 0 to {cpus - 1}")
            allowed.append(cpu)
    return out


def may_run(affinity: dict[str, list[int]], name: str, cpu: int) -> bool:
    allowed = affinity.get(name)
    return not allowed or cpu in allowed


def dealt(names: Sequence[str], affinity: dict[str, list[int]], cpus: int) -> list[list[str]]:
    """The per-CPU queues the jobs start in: round the CPUs, each taking the first job not
    yet dealt that it may run, until every job is dealt."""
    queues: list[list[str]] = [[] for _ in range(cpus)]
    left = list(names)
    while left:
        for cpu in range(cpus):
            for name in left:
                if may_run(affinity, name, cpu):
                    queues[cpu].append(name)
                    left.remove(name)
                    break
    return queues


def build(argv: Sequence[str], pm: PluginManager) -> Homework:
    v = parse(NAME, FLAGS, argv).values
    cpus = v["num_cpus"]
    if not 1 <= cpus <= MAX_CPUS:
        raise _fail(f"-n {cpus}: the number of CPUs must be from 1 to {MAX_CPUS}")
    if v["quantum"] < 1:
        raise _fail(f"-q {v['quantum']}: the time slice must be at least 1 (the original "
                    "divides by zero)")
    if v["job_list"]:
        jobs = listed_jobs(v["job_list"])
    else:
        if not 1 <= v["job_num"] <= MAX_JOBS:
            raise _fail(f"-j {v['job_num']}: the number of jobs must be from 1 to "
                        f"{MAX_JOBS:,}")
        jobs = random_jobs(v["seed"], v["job_num"], v["max_run"], v["max_wset"])
    if len(jobs) > MAX_JOBS:
        raise _fail(f"-L: {len(jobs):,} jobs; at most {MAX_JOBS:,}")
    names = [name for name, _, _ in jobs]
    affinity = affinities(v["affinity"], names, cpus)
    tracing = [flag for flag, dest in (("-c", "solve"), ("-t", "trace"),
                                       ("-T", "trace_time_left"), ("-C", "trace_cache"),
                                       ("-S", "trace_sched")) if v[dest]]
    if tracing:
        raise _fail(f"{tracing[0]}: osmodel cannot answer this homework yet (its multi-CPU "
                    "cache policy is not built); without -c and the trace flags it prints "
                    "the question")
    queues = dealt(names, affinity, cpus) if v["per_cpu_queues"] else None
    question = question_lines(v, jobs, affinity, queues)
    document: dict[str, Any] = {
        "cpus": cpus, "quantum": v["quantum"], "per_cpu_queues": v["per_cpu_queues"],
        "peek_interval": v["peek_interval"], "warmup_time": v["warmup_time"],
        "warm_rate": v["warm_rate"], "cache_size": v["cache_size"],
        "random_order": v["rand_order"],
        "jobs": [{"name": name, "run_time": run, "working_set": wset,
                  "affinity": affinity.get(name)} for name, run, wset in jobs],
        "queues": queues if queues is not None else [names],
    }
    seed = None if v["job_list"] else v["seed"]
    return Homework(NAME, tuple(argv), seed, False, tuple(question), (), (), document)


def question_lines(v: Any, jobs: Sequence[tuple[str, int, int]],
                   affinity: dict[str, list[int]], queues: list[list[str]] | None) -> list[str]:
    cpus = v["num_cpus"]
    lines = [
        f"{cpus} CPU{'s' if cpus != 1 else ''}, a time slice of {v['quantum']} ticks.",
        f"Each CPU's cache holds {v['cache_size']} of working set; a job runs "
        f"{v['warm_rate']} times faster once it has run {v['warmup_time']} ticks on a CPU "
        "(the cache is then warm for it).",
    ]
    if queues is not None:
        peek = (f"every {v['peek_interval']} ticks" if v["peek_interval"] > 0 else "never")
        lines.append(f"One queue per CPU; a CPU whose queue is empty peeks at another's {peek}.")
    else:
        lines.append("One queue that every CPU takes jobs from.")
    if v["rand_order"]:
        lines.append("Idle CPUs take their jobs in a random order each tick.")
    lines += ["", "The jobs (name, run time, working set):"]
    for name, run, wset in jobs:
        line = f"  job {name}: run time {run}, working set {wset}"
        if name in affinity:
            line += ", runs only on CPU " + ", ".join(map(str, affinity[name]))
        lines.append(line)
    lines.append("")
    if queues is not None:
        lines += [f"  CPU {cpu} queue: {' '.join(queue) if queue else '(empty)'}"
                  for cpu, queue in enumerate(queues)]
    else:
        lines.append(f"  the queue: {' '.join(name for name, _, _ in jobs)}")
    lines += ["", "Work out when the jobs finish and how busy (and how warm) each CPU is."]
    return lines


SIMULATOR = Simulator(NAME, SUMMARY, lambda: usage(NAME, SUMMARY, FLAGS, DIFFERENCES), build)

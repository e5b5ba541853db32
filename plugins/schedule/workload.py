"""What ``osmodel schedule`` runs: jobs as values, read from the command line or drawn at random.

A job is a list of steps, computing for some ticks or doing an I/O of some
ticks; a CPU-bound job is a single computing step.  Everything here is a
frozen value checked as it is read, so a bad list fails before anything runs,
with a message that says which option and which item.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from attrs import frozen

from osmodel.kernel.asm import MAX_INSTRUCTIONS, ProgramCollector
from osmodel.kernel.errors import Location, OsmodelError
from osmodel.kernel.program import Operand, Program

#: The default length of an I/O written as a bare ``i`` (the homework simulator's).
IO_LENGTH = 5
#: The most jobs (or processes) one workload may have, and so the most items in a list.
MAX_JOBS = 100_000
#: The most ticks a tick-by-tick table may have (processes that do I/O): that view has
#: a row per tick, so its size is the run's length.  It also bounds what a process's
#: program may ask for before anything is drawn: a step's ticks, an X:Y's instructions.
MAX_TABLE_TICKS = 1_000_000


class WorkloadError(OsmodelError):
    """A job list, program or quiz setting the user must fix."""


@frozen
class Step:
    """Compute for ``ticks`` (``kind`` "cpu"), or do an I/O that lasts ``ticks`` ("io")."""

    kind: str
    ticks: int

    def __str__(self) -> str:
        return f"{self.kind[0]}{self.ticks}"


@frozen
class Job:
    """Job ``index`` (its position on the command line), arriving at ``arrival``.

    ``launch`` holds the scheduling fields its process starts with (PCB field
    names, as a scenario's timeline gives them): ``expected``, ``priority`` ...
    """

    index: int
    arrival: int
    steps: tuple[Step, ...]
    launch: tuple[tuple[str, int], ...] = ()

    @property
    def compute(self) -> int:
        """Ticks of computing in the program (I/O issue and completion costs not included)."""
        return sum(step.ticks for step in self.steps if step.kind == "cpu")

    @property
    def ios(self) -> int:
        return sum(1 for step in self.steps if step.kind == "io")

    def demand(self, io_issue_cost: int, io_done_cost: int) -> int:
        """The CPU time the job needs: its computing plus the CPU side of each I/O."""
        return self.compute + self.ios * (io_issue_cost + io_done_cost)

    @property
    def text(self) -> str:
        """The job's program in ``--process`` syntax (``c4,i5,c2``)."""
        return ",".join(str(step) for step in self.steps)


@frozen
class Workload:
    """The jobs of one run.  ``mixed``: programs with I/O (shown tick by tick)."""

    jobs: tuple[Job, ...]
    mixed: bool = False

    def programs(self) -> dict[str, Program]:
        """One program per distinct step list: many processes, one program."""
        out: dict[str, Program] = {}
        for name, job in zip(program_names(self.jobs), self.jobs, strict=True):
            if name not in out:  # the name spells the steps out: equal names, equal steps
                out[name] = step_program(name, job.steps)
        return out


def step_program(name: str, steps: Sequence[Step]) -> Program:
    """``cpu N`` or ``io N`` for each step: the program `ProgramBuilder` would build (with
    its locations), fed to the assembler's collector directly, as the operands are known
    to be whole numbers (a workload can have thousands of steps)."""
    file = f"<builder:{name}>"
    collector = ProgramCollector(name, Location(file, 1, 1))
    add = collector.instruction
    for line, step in enumerate(steps, 1):
        here = Location(file, line, 1)
        add("cpu" if step.kind == "cpu" else "io", [Operand("int", step.ticks, here)], [], here)
    return collector.build()


def program_name(job: Job) -> str:
    return "job_" + "_".join(str(step) for step in job.steps)


def program_names(jobs: Sequence[Job]) -> list[str]:
    """Each job's program name, by job index, worked out once per distinct step list."""
    by_id: dict[int, str] = {}  # `jobs_from` shares equal step lists: one name each
    out = []
    for job in jobs:
        name = by_id.get(id(job.steps))
        if name is None:
            name = by_id[id(job.steps)] = program_name(job)
        out.append(name)
    return out


# --------------------------------------------------------------------------- reading


def whole_number(digits: str, most: int) -> int:
    """The value of ``digits`` (``[+-]?[0-9]+``), or one past ``most`` in magnitude when it has
    more digits than ``most``: int() is slow on long strings and refuses 4300 digits."""
    width = len(str(most))
    if len(digits.lstrip("+-").lstrip("0")) <= width:
        return int(digits)
    return -(most + 1) if digits.startswith("-") else most + 1


def numbers(text: str, option: str, *, minimum: int, maximum: int) -> tuple[int, ...]:
    """A comma-separated list of at most `MAX_JOBS` whole numbers from ``minimum`` to
    ``maximum``."""
    fast = _fast_numbers(text, minimum, maximum)
    if fast is not None:
        return fast
    items = [item.strip() for item in text.split(",")]
    if not text.strip():
        raise WorkloadError(f"{option} is empty; give comma-separated numbers such as 300,100")
    if len(items) > MAX_JOBS:
        raise WorkloadError(f"{option} has {len(items):,} items; at most {MAX_JOBS:,} "
                            "(one per job)")
    values: list[int] = []
    for position, item in enumerate(items, 1):
        if not re.fullmatch(r"[+-]?[0-9]+", item):
            what = "an empty item" if not item else repr(item[:20])
            raise WorkloadError(f"{option}: item {position} is {what}, not a whole number "
                                f"(write the list as 300,100,200)")
        value = whole_number(item, max(abs(minimum), abs(maximum)))
        shown = item if len(item) <= 20 else item[:17] + "..."
        if value < minimum:
            kind = "negative" if value < 0 else "too small"
            raise WorkloadError(f"{option}: item {position} is {shown}, which is {kind} "
                                f"(each must be at least {minimum:,})")
        if value > maximum:
            raise WorkloadError(f"{option}: item {position} is {shown}, which is too large "
                                f"(each must be at most {maximum:,})")
        values.append(value)
    return tuple(values)


_PLAIN_LIST = re.compile(r"\s*[+-]?[0-9]{1,18}\s*(?:,\s*[+-]?[0-9]{1,18}\s*)*")


def _fast_numbers(text: str, minimum: int, maximum: int) -> tuple[int, ...] | None:
    """The list when every item is a short whole number in range (checked in one pass,
    not item by item); None sends it to the reader that names what is wrong."""
    if _PLAIN_LIST.fullmatch(text) is None:
        return None
    values = tuple(map(int, text.split(",")))  # int() allows the spaces the pattern let in
    if len(values) > MAX_JOBS or min(values) < minimum or max(values) > maximum:
        return None
    return values


def _shown(text: str) -> str:
    """A ``--process`` value as messages quote it: its start when it is long."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


_STEP = re.compile(r"([ci])([0-9]*)")


def program_steps(text: str, io_length: int = IO_LENGTH) -> tuple[Step, ...]:
    """``c4,i5,c2``: compute 4 ticks, an I/O of 5 ticks, compute 2 (``i`` alone: ``io_length``)."""
    steps: list[Step] = []
    for position, item in enumerate((part.strip() for part in text.split(",")), 1):
        where = f"--process {_shown(text)}: item {position}"
        match = _STEP.fullmatch(item.lower())
        if match is None:
            raise WorkloadError(f"{where} ({_shown(item)}) is not cN (compute N ticks) or iN "
                                f"(an I/O of N ticks; i alone: {io_length})")
        kind, digits = match.groups()
        if kind == "c" and not digits:
            raise WorkloadError(f"{where} (c) needs a length, such as c4")
        ticks = whole_number(digits, MAX_TABLE_TICKS) if digits else io_length
        if ticks < 1:
            raise WorkloadError(f"{where} ({item[:20]}) must last at least 1 tick")
        if ticks > MAX_TABLE_TICKS:
            raise WorkloadError(f"{where} ({item[:20]}) lasts more than {MAX_TABLE_TICKS:,} "
                                "ticks, the most a tick-by-tick table has")
        steps.append(Step("cpu" if kind == "c" else "io", ticks))
    merged = _merged(steps)
    if len(merged) >= MAX_INSTRUCTIONS:  # each step is an instruction, and then the exit
        raise WorkloadError(f"--process {_shown(text)}: {len(merged):,} steps, more than a "
                            f"program holds ({MAX_INSTRUCTIONS - 1:,})")
    return tuple(merged)


def _merged(steps: Sequence[Step]) -> list[Step]:
    """Adjacent computing steps are one burst (c1,c1 runs exactly like c2)."""
    out: list[Step] = []
    for step in steps:
        if out and step.kind == "cpu" and out[-1].kind == "cpu":
            out[-1] = Step("cpu", out[-1].ticks + step.ticks)
        else:
            out.append(step)
    return out


_DESCRIPTION = re.compile(r"([0-9]+):([0-9]+)")


def is_description(text: str) -> bool:
    """``X:Y``: X instructions, each computing with chance Y percent, else an I/O."""
    return _DESCRIPTION.fullmatch(text.strip()) is not None


def described_steps(text: str, rng: random.Random, io_length: int, *,
                    most: int = MAX_TABLE_TICKS) -> tuple[Step, ...]:
    """Draw the program an ``X:Y`` description stands for, of at most ``most`` instructions
    (what is left of `MAX_TABLE_TICKS` for the workload: each takes at least a tick).

    One draw of ``rng.random()`` per instruction, in order, as the homework
    simulator does, so a seed gives the same programs as ``process-run.py -s``.
    """
    match = _DESCRIPTION.fullmatch(text.strip())
    assert match is not None
    count, percent = whole_number(match.group(1), most), whole_number(match.group(2), 100)
    if count < 1:
        raise WorkloadError(f"--process {_shown(text)}: a process needs at least 1 instruction")
    if count > most:
        left = "" if most == MAX_TABLE_TICKS else f" left of the {MAX_TABLE_TICKS:,} in all"
        raise WorkloadError(f"--process {_shown(text)}: more than {most:,} instructions{left} "
                            "(each takes at least a tick of the tick-by-tick table)")
    if percent > 100:
        raise WorkloadError(f"--process {_shown(text)}: the chance of computing is a percentage "
                            f"from 0 to 100, not {match.group(2)[:20]}")
    chance = percent / 100
    steps = [Step("cpu", 1) if rng.random() < chance else Step("io", io_length)
             for _ in range(count)]
    return tuple(_merged(steps))


def instructions(steps: Sequence[Step]) -> int:
    """How many instructions a drawn program has: a tick of computing each, or an I/O."""
    return sum(step.ticks if step.kind == "cpu" else 1 for step in steps)


def random_lengths(rng: random.Random, count: int, max_length: int,
                   max_arrival: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A quiz's jobs: lengths from 1 to ``max_length``, then arrivals from 0 to ``max_arrival``.

    Only ``randint`` is used, whose results for a seed are the same on every
    Python version; arrivals are drawn (after all the lengths) only when
    ``max_arrival`` is above 0, so adding arrivals keeps the lengths.
    """
    lengths = tuple(rng.randint(1, max_length) for _ in range(count))
    arrivals = tuple(rng.randint(0, max_arrival) for _ in range(count)) if max_arrival else \
        (0,) * count
    return lengths, arrivals


def jobs_from(steps: Sequence[tuple[Step, ...]], arrivals: Sequence[int] | None,
              fields: Sequence[tuple[str, str, Sequence[int]]] = (), *,
              io_costs: tuple[int, int] = (1, 1)) -> tuple[Job, ...]:
    """Jobs from their programs, arrivals and per-job scheduling fields.

    ``fields`` holds (option, PCB field, values) for ``--priorities`` and the
    like; each list must have one value per job.  Every job declares its CPU
    demand as ``expected``, the length SJF and STCF trust.
    """
    count = len(steps)
    lists = [("--arrivals", arrivals)] if arrivals is not None else []
    for option, values in [*lists, *((option, values) for option, _, values in fields)]:
        if len(values) != count:
            raise WorkloadError(f"{option} has {len(values)} value"
                                f"{'s' if len(values) != 1 else ''} but there "
                                f"{'are' if count != 1 else 'is'} {count} job"
                                f"{'s' if count != 1 else ''}")
    jobs = []
    issue, done = io_costs
    # many jobs share a program: equal step lists become one tuple (later lookups by
    # identity), and each distinct one is summed once
    shared: dict[tuple[Step, ...], tuple[tuple[Step, ...], int]] = {}
    for index, program in enumerate(steps):
        found = shared.get(program)
        if found is None:
            found = shared[program] = (program, sum(
                step.ticks if step.kind == "cpu" else issue + done for step in program))
        program, demand = found
        launch = ((("expected", demand),) if not fields else
                  (("expected", demand), *((name, values[index]) for _, name, values in fields)))
        jobs.append(Job(index, arrivals[index] if arrivals is not None else 0, program, launch))
    return tuple(jobs)

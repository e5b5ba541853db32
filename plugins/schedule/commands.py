"""``osmodel schedule``: the textbook's scheduling exercises, from the command line.

Two kinds of workload: CPU-bound jobs (``--jobs 300,100,200``), answered with
each job's response, turnaround and wait and a Gantt chart; and processes
that compute and do I/O (``--process c4,i5,c2``), answered with a tick-by-tick
table of their states.  ``--seed`` turns either into a quiz: the question
only, unless ``--solve``.  Every mistake ends with one line and exit status 2.
"""

from __future__ import annotations

import random
import re
from enum import StrEnum
from typing import Any

import typer

from osmodel.kernel.cli import AppState, fail
from osmodel.kernel.errors import OsmodelError
from osmodel.kernel.machine import MAX_CPUS, MAX_TICKS
from osmodel.plugins.commands import Format, check_or_fail, write_or_fail

from . import engine, report
from .workload import (
    IO_LENGTH,
    MAX_JOBS,
    MAX_TABLE_TICKS,
    Step,
    Workload,
    WorkloadError,
    described_steps,
    instructions,
    is_description,
    jobs_from,
    numbers,
    program_steps,
    random_lengths,
)


class Switch(StrEnum):
    on_io = "on-io"
    on_end = "on-end"


class IoDone(StrEnum):
    later = "later"
    immediate = "immediate"


_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def option_value(text: str) -> Any:
    """A policy option's value as a scenario would give it: ``3``, ``true``, ``[1, 2]``,
    ``1,2,4`` (a list) or a bare word (a string)."""
    import tomllib  # only for -O: a run without options does not pay for it

    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        if "," in text:
            return [option_value(part.strip()) for part in text.split(",")]
        return text


def policy_options(pairs: list[str]) -> list[tuple[str, Any]]:
    if not pairs:  # no -O: the scenario loader, which checks values, is not imported
        return []
    from osmodel.kernel.scenario import unsafe_toml

    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not _KEY.fullmatch(key) or not value.strip():
            raise WorkloadError(f"-O {pair[:40]!r}: write a policy option as KEY=VALUE, "
                                "such as -O quantum=3")
        if key in out:
            raise WorkloadError(f"-O: option {key!r} is given twice")
        hazard = unsafe_toml(value)
        if hazard is not None:  # what the TOML reader must not be given
            raise WorkloadError(f"-O {key}: {hazard[1]} (expected {hazard[2]})")
        out[key] = option_value(value.strip())
    return list(out.items())


def policy_name(state: AppState, given: str) -> str:
    """The installed policy ``given`` names, in any case (``SJF`` is ``sjf``); an unknown
    name is left for the run to refuse with the list of installed ones."""
    if not given.strip():
        raise fail("--policy: an empty name (see `osmodel plugins` for the installed ones)")
    from osmodel.kernel.boot import scheduler_names

    try:
        known = scheduler_names(state.pm)
    except OsmodelError as error:
        raise fail(str(error)) from None
    if given in known:
        return given
    folded = [name for name in known if name.casefold() == given.casefold()]
    return folded[0] if len(folded) == 1 else given


def cyclic_options(options: list[tuple[str, Any]], switch: Switch | None,
                   io_done: IoDone | None) -> list[tuple[str, Any]]:
    """The cyclic policy's options with --switch and --io-done, always both (they are the
    question's rules, so the output states them)."""
    given = dict(options)
    out = [(key, value) for key, value in options if key not in ("switch", "io_done")]
    for key, flag, default in (("switch", switch, Switch.on_io),
                               ("io_done", io_done, IoDone.later)):
        if flag is not None and key in given:
            raise WorkloadError(f"{key} is given twice (--{key.replace('_', '-')} and -O {key})")
        out.append((key, flag.value if flag is not None else given.get(key, default.value)))
    return out


def build(*, jobs: str | None, processes: list[str], arrivals: str | None,
          fields: list[tuple[str, str, str | None]], seed: int | None, count: int | None,
          max_length: int | None, max_arrival: int | None, io_length: int | None,
          costs: tuple[int, int]) -> Workload:
    """The workload the options describe; a mistake raises WorkloadError."""
    if jobs is not None and processes:
        raise WorkloadError("--jobs and --process are two kinds of workload: give one")
    drawn = jobs is None and not processes
    if drawn and seed is None:
        raise WorkloadError("nothing to schedule: give --jobs LENGTHS, --process PROGRAM "
                            "(repeated) or --seed N for a random quiz")
    if not drawn and (count, max_length, max_arrival) != (None, None, None):
        raise WorkloadError("--count, --max-length and --max-arrival draw a random workload: "
                            "use them with --seed instead of --jobs or --process")
    if io_length is not None and not processes:
        raise WorkloadError("--io-length is the length of a bare 'i' in --process programs")
    rng = random.Random(seed or 0)
    arrival_list = (numbers(arrivals, "--arrivals", minimum=0, maximum=MAX_TICKS)
                    if arrivals is not None else None)
    if processes:
        steps = process_steps(processes, rng, io_length or IO_LENGTH)
    else:
        if jobs is not None:
            lengths = numbers(jobs, "--jobs", minimum=1, maximum=engine.MAX_DEMAND)
        else:
            lengths, drawn_arrivals = random_lengths(rng, count or 3, max_length or 10,
                                                     max_arrival or 0)
            if arrival_list is None and max_arrival:
                arrival_list = drawn_arrivals
            elif arrival_list is not None and max_arrival:
                raise WorkloadError("--arrivals and --max-arrival both set the arrivals: "
                                    "give one")
        steps = [(Step("cpu", length),) for length in lengths]
    per_job = []
    if any(text is not None for _, _, text in fields):
        from osmodel.kernel.scenario import LAUNCH_RANGES  # the scenario loader's bounds

        per_job = [(option, name, numbers(text, option, minimum=LAUNCH_RANGES[name][0],
                                          maximum=LAUNCH_RANGES[name][1]))
                   for option, name, text in fields if text is not None]
    return Workload(jobs_from(steps, arrival_list, per_job, io_costs=costs),
                    mixed=bool(processes))


def process_steps(processes: list[str], rng: random.Random,
                  io_length: int) -> list[tuple[Step, ...]]:
    """The programs of ``--process`` options, at most `MAX_JOBS` of them; the X:Y ones
    drawn in order, from what is left of `MAX_TABLE_TICKS` instructions."""
    if len(processes) > MAX_JOBS:
        raise WorkloadError(f"--process is given {len(processes):,} times; at most "
                            f"{MAX_JOBS:,} processes")
    left = MAX_TABLE_TICKS
    out = []
    for text in processes:
        if is_description(text):
            out.append(described_steps(text, rng, io_length, most=left))
            left -= instructions(out[-1])
        else:
            out.append(program_steps(text, io_length))
    return out


def schedule(
    ctx: typer.Context,
    policy: str | None = typer.Option(
        None, "--policy", metavar="NAME",
        help="Scheduling policy (see `osmodel plugins`); default fifo "
        "for --jobs, cyclic for --process."),
    jobs: str | None = typer.Option(
        None, "--jobs", metavar="LENGTHS",
        help="CPU-bound jobs: their lengths, comma-separated (300,100,200)."),
    process: list[str] = typer.Option(
        [], "--process", metavar="PROGRAM",
        help="A process that computes and does I/O, repeated for each: "
        "c4,i5,c2 (compute 4 ticks, an I/O of 5, compute 2; i alone is --io-length), or "
        "X:Y (X instructions, each computing with chance Y%, else an I/O)."),
    arrivals: str | None = typer.Option(
        None, "--arrivals", metavar="TIMES",
        help="Arrival times, one per job (default: all at 0)."),
    priorities: str | None = typer.Option(
        None, "--priorities", metavar="LIST",
        help="Priorities, one per job (the priority policy)."),
    tickets: str | None = typer.Option(
        None, "--tickets", metavar="LIST",
        help="Tickets, one per job (lottery, stride)."),
    nice: str | None = typer.Option(
        None, "--nice", metavar="LIST",
        help="Nice values from -20 to 19, one per job (cfs)."),
    quantum: int | None = typer.Option(
        None, "--quantum", help="The policy's quantum (same as -O quantum=Q)."),
    option: list[str] = typer.Option(
        [], "-O", "--option", metavar="KEY=VALUE",
        help="A policy option, KEY=VALUE (repeatable)."),
    old_option: list[str] = typer.Option([], "-o", hidden=True),
    cpus: int = typer.Option(1, "--cpus", min=1, max=MAX_CPUS, help="Number of CPUs."),
    switch_cost: int = typer.Option(
        0, "--switch-cost", min=0, max=MAX_TICKS, help="Ticks each context switch costs."),
    switch: Switch | None = typer.Option(
        None, "--switch", help="cyclic: switch when a process issues an I/O (on-io, "
        "the default) or only when it ends (on-end)."),
    io_done: IoDone | None = typer.Option(
        None, "--io-done", help="cyclic: a process whose I/O completes waits its turn "
        "(later, the default) or runs at once (immediate)."),
    io_length: int | None = typer.Option(
        None, "--io-length", min=1, max=MAX_TABLE_TICKS,
        help=f"Length of an 'i' in --process (default {IO_LENGTH})."),
    seed: int | None = typer.Option(
        None, "--seed", help="A quiz: draw the workload (and lottery's draws) from this "
        "seed and print only the question."),
    solve: bool = typer.Option(False, "--solve", help="Quiz: print the answers too."),
    count: int | None = typer.Option(
        None, "--count", min=1, max=MAX_JOBS, help="Quiz: number of jobs (default 3)."),
    max_length: int | None = typer.Option(
        None, "--max-length", min=1, max=engine.MAX_DEMAND,
        help="Quiz: longest job (default 10)."),
    max_arrival: int | None = typer.Option(
        None, "--max-arrival", min=0, max=MAX_TICKS,
        help="Quiz: latest arrival (default 0)."),
    fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
    width: int = typer.Option(60, "--width", min=10, max=1000,
                              help="Columns of the Gantt chart."),
    trace: str | None = typer.Option(
        None, "--trace", metavar="FILE", help="Write every slice to FILE, one JSON object "
        "a line: cpu, job (null while switching), start, end."),
) -> None:
    """Schedule jobs or processes under a policy and show the metrics, or quiz yourself."""
    state: AppState = ctx.find_root().obj
    if state.platform not in (None, engine.PLATFORM):
        raise fail(f"schedule runs its jobs on the {engine.PLATFORM} platform; "
                   f"drop --platform {state.platform}")
    if old_option:
        raise fail(f"-o {old_option[0][:40]}: -o is --output in osmodel's commands; a policy "
                   f"option is -O KEY=VALUE (or --option KEY=VALUE)")
    mixed = bool(process)
    name = policy_name(state, policy) if policy else ("cyclic" if mixed else "fifo")
    if solve and seed is None:
        raise fail("--solve prints the answers of a quiz: give --seed N too (without --seed, "
                   "the answers are printed anyway)")
    if seed is not None and not -(1 << 63) <= seed < 1 << 63:  # the scenario's INT64 range
        raise fail("--seed must be a 64-bit integer (from -2^63 to 2^63 - 1)")
    try:
        options = policy_options(option)
        if quantum is not None:
            if any(key == "quantum" for key, _ in options):
                raise WorkloadError("the quantum is given twice (--quantum and -O quantum)")
            options.insert(0, ("quantum", quantum))
        if (switch is not None or io_done is not None) and name != "cyclic":
            raise WorkloadError(f"--switch and --io-done are options of the cyclic policy, "
                                f"not of {name}")
        if name == "cyclic":
            options = cyclic_options(options, switch, io_done)
        setup = engine.Setup(name, tuple(options), cpus, switch_cost, seed or 0)
        workload = build(
            jobs=jobs, processes=process, arrivals=arrivals,
            fields=[("--priorities", "priority", priorities), ("--tickets", "tickets", tickets),
                    ("--nice", "nice", nice)],
            seed=seed, count=count, max_length=max_length, max_arrival=max_arrival,
            io_length=io_length, costs=(setup.io_issue_cost, setup.io_done_cost))
        question_only = seed is not None and not solve
        if question_only and trace is not None:
            raise WorkloadError("--trace writes the answers: add --solve")
        if trace is not None:
            check_or_fail("--trace", trace)  # before the run, not after it
        if question_only:  # the question needs no run, only the checks a run makes
            engine.check(state.pm, workload, setup)
        else:
            outcome = engine.run(state.pm, workload, setup)
    except OsmodelError as error:
        raise fail(str(error)) from None
    if trace is not None:
        write_or_fail("--trace", trace, engine.trace_lines(outcome.slices))
    if question_only:
        question = (report.process_question if mixed else report.job_question)(
            workload, setup, seed)
        out: list[str] | dict[str, Any] = (
            report.question_json(workload, setup, seed) if fmt is Format.json
            else question)
    elif fmt is Format.json:
        out = report.answer_json(outcome, seed)
    else:
        out = report.answer_lines(outcome, width, seed)
    if isinstance(out, dict):
        for chunk in report.json_chunks(out):
            typer.echo(chunk, nl=False)
        typer.echo()
    else:
        typer.echo("\n".join(out))

"""``osmodel ostep process-run``: OSTEP's process-state homework, on osmodel's engine.

The flags, their defaults and the programs a seed draws are the homework
simulator's: ``-l X:Y`` draws X instructions with one ``random.random()``
each (below Y/100: compute, else an I/O), in process order, from Python's
generator seeded with ``-s``.  The answers come from running the programs on
the bare platform under the ``cyclic`` policy (the one ``osmodel schedule
--process`` uses): an I/O costs a tick to issue and a tick to complete, as the
homework's ``io`` and ``io_done`` instructions do, and the tick table is the
engine's.  What osmodel cannot express is refused with a one-line reason.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from osmodel.plugins.schedule import engine
from osmodel.plugins.schedule.workload import MAX_JOBS, MAX_TABLE_TICKS, Step, Workload, jobs_from

from ._b_options import FlagParser, flag_help
from .homework import Homework, Number, Simulator

if TYPE_CHECKING:
    from osmodel.kernel.manager import PluginManager

NAME = "process-run"
SWITCH = {"SWITCH_ON_IO": "on-io", "SWITCH_ON_END": "on-end"}
IO_DONE = {"IO_RUN_LATER": "later", "IO_RUN_IMMEDIATE": "immediate"}
#: What the table calls the states the engine's tick table names.
STATES = {"RUN": "RUNNING"}


def parser() -> FlagParser:
    p = FlagParser(NAME)
    p.add_option("-s", "--seed", type="int", default=0, dest="seed",
                 help="seed of the random programs (default 0)")
    p.add_option("-P", "--program", type="string", default="", dest="program",
                 metavar="PROGRAMS",
                 help="exact programs, colon-separated: c7,i,c1:c3 (cN computes N "
                 "ticks, i is an I/O); overrides -l")
    p.add_option("-l", "--processlist", type="string", default="", dest="process_list",
                 metavar="LIST",
                 help="random programs X1:Y1,X2:Y2,...: X instructions, each computing "
                 "with chance Y percent, else an I/O")
    p.add_option("-L", "--iolength", type="int", default=5, dest="io_length",
                 help="ticks an I/O keeps its process blocked (default 5)")
    p.add_option("-S", "--switch", type="string", default="SWITCH_ON_IO", dest="switch",
                 metavar="WHEN",
                 help="when the CPU switches: SWITCH_ON_IO (default) or SWITCH_ON_END")
    p.add_option("-I", "--iodone", type="string", default="IO_RUN_LATER", dest="io_done",
                 metavar="WHEN",
                 help="after an I/O completes its process runs IO_RUN_LATER (default) "
                 "or IO_RUN_IMMEDIATE")
    p.add_option("-c", action="store_true", default=False, dest="solve",
                 help="print the answers: the state of every process at every tick")
    p.add_option("-p", "--printstats", action="store_true", default=False, dest="stats",
                 help="with -c, also the total time and how busy the CPU and I/O were")
    return p


DIFFERENCES = [
    "Where osmodel differs: the answers come from osmodel's engine (the cyclic policy of",
    "`osmodel schedule --process`), so `--trace` and `--report` show the same run.",
    "Refused, as osmodel's model cannot express them: -L 0 (an I/O lasts at least a",
    "tick) and a process with no instructions (the original shows it RUNNING a tick).",
    "Flags come before or after words the original ignores; -h is osmodel's help.",
]


def usage() -> str:
    lines = ["usage: osmodel ostep process-run [FLAGS]", "",
             "The process-state homework: processes that compute and do I/O, traced tick "
             "by tick.", "", "flags:", *flag_help(parser()), "", *DIFFERENCES]
    return "\n".join(lines)


# ------------------------------------------------------------------- the programs


def exact_program(text: str, fail: Any) -> list[str]:
    """``c7,i,c1``: the instructions of one ``-P`` program (an ``i`` is an io and its io_done)."""
    out: list[str] = []
    for item in text.split(","):
        if not item:
            raise fail(f"-P {text!r}: an empty instruction (write c7,i,c1)")
        if item[0] == "c":
            try:
                count = int(item[1:])
            except ValueError:
                raise fail(f"-P {text!r}: {item!r} is not cN (compute N ticks)") from None
            if count > MAX_TABLE_TICKS:
                raise fail(f"-P {text!r}: {item!r} computes more than "
                           f"{MAX_TABLE_TICKS:,} ticks")
            out += ["cpu"] * max(count, 0)
        elif item[0] == "i":
            out += ["io", "io_done"]
        else:
            raise fail(f"-P {text!r}: bad instruction {item!r} (c for compute, i for I/O)")
    return out


def drawn_program(text: str, rng: random.Random, fail: Any) -> list[str]:
    """``X:Y``: X instructions drawn in order, one ``rng.random()`` each."""
    parts = text.split(":")
    if len(parts) != 2:
        raise fail(f"-l: bad process {text!r}: write X:Y (X instructions, each computing "
                   "with chance Y percent)")
    try:
        count, chance = int(parts[0]), float(parts[1]) / 100.0
    except ValueError:
        raise fail(f"-l: bad process {text!r}: X must be a whole number and Y a "
                   "number") from None
    if count > MAX_TABLE_TICKS:
        raise fail(f"-l: process {text!r} has more than {MAX_TABLE_TICKS:,} instructions")
    out: list[str] = []
    for _ in range(count):
        out += ["cpu"] if rng.random() < chance else ["io", "io_done"]
    return out


def steps_of(instructions: Sequence[str], io_length: int) -> tuple[Step, ...]:
    """The instructions as engine steps: runs of cpu merged, each io an I/O step."""
    steps: list[Step] = []
    for item in instructions:
        if item == "cpu":
            if steps and steps[-1].kind == "cpu":
                steps[-1] = Step("cpu", steps[-1].ticks + 1)
            else:
                steps.append(Step("cpu", 1))
        elif item == "io":
            steps.append(Step("io", io_length))
    return tuple(steps)


# ---------------------------------------------------------------------- the homework


def build(argv: Sequence[str], pm: PluginManager) -> Homework:
    p = parser()
    flags = p.read(argv)
    fail = p.fail
    flags.switch, flags.io_done = flags.switch.upper(), flags.io_done.upper()  # any case
    if flags.switch not in SWITCH:
        raise fail(f"-S {flags.switch!r}: the switch behaviour is SWITCH_ON_IO or SWITCH_ON_END")
    if flags.io_done not in IO_DONE:
        raise fail(f"-I {flags.io_done!r}: the I/O behaviour is IO_RUN_LATER or "
                   "IO_RUN_IMMEDIATE")
    rng = random.Random(flags.seed)
    if flags.program:
        texts = flags.program.split(":")
        programs = [exact_program(text, fail) for text in texts]
    else:
        texts = flags.process_list.split(",")
        if len(texts) > MAX_JOBS:
            raise fail(f"-l: {len(texts):,} processes; at most {MAX_JOBS:,}")
        programs = [drawn_program(text, rng, fail) for text in texts]
    if flags.io_length < 0:
        raise fail(f"-L {flags.io_length}: an I/O cannot take negative time")
    if sum(map(len, programs)) > MAX_TABLE_TICKS:
        raise fail(f"the programs have more than {MAX_TABLE_TICKS:,} instructions in all")
    question = question_lines(programs, flags)
    document: dict[str, Any] = {
        "processes": [{"process": i, "instructions": list(code)}
                      for i, code in enumerate(programs)],
        "switch": flags.switch, "io_done": flags.io_done, "io_length": flags.io_length,
    }
    if not flags.solve:
        return Homework(NAME, tuple(argv), flags.seed, False, tuple(question), (), (),
                        document)
    if flags.io_length == 0:
        raise fail("-L 0: an I/O that blocks for no time cannot be run by osmodel "
                   "(an I/O keeps its process blocked at least a tick)")
    empty = [i for i, code in enumerate(programs) if not code]
    if empty:
        raise fail(f"process {empty[0]} has no instructions; osmodel cannot run it (the "
                   "original shows it RUNNING for a tick and then DONE)")
    workload = Workload(jobs_from([steps_of(code, flags.io_length) for code in programs],
                                  None), mixed=True)
    setup = engine.Setup("cyclic", (("switch", SWITCH[flags.switch]),
                                    ("io_done", IO_DONE[flags.io_done])))
    outcome = engine.run(pm, workload, setup)
    answers, numbers = answer_lines(outcome, flags.stats)
    document["ticks"] = [{"tick": t.tick, "states": [state(s) for s in t.states],
                          "cpu": t.cpu, "ios": t.io, "io_done": t.io_done}
                         for t in outcome.ticks]
    if flags.stats:
        document["stats"] = stats(outcome)
    return Homework(NAME, tuple(argv), flags.seed, True, tuple(question), tuple(answers),
                    tuple(numbers), document, outcome)


def question_lines(programs: Sequence[Sequence[str]], flags: Any) -> list[str]:
    lines = ["Trace these processes tick by tick: the state of each and what it runs.", ""]
    for index, code in enumerate(programs):
        lines.append(f"Process {index} ({len(code)} instructions):")
        lines += [f"  {item}" for item in code]
        lines.append("")
    switch = ("when the running process ends or issues an I/O"
              if flags.switch == "SWITCH_ON_IO" else "only when the running process ends")
    done = ("runs at once" if flags.io_done == "IO_RUN_IMMEDIATE"
            else "waits for its turn")
    lines += [f"The CPU switches {switch}.",
              f"A process whose I/O completes {done}.",
              f"An I/O keeps its process blocked for {flags.io_length} ticks."]
    return lines


def state(name: str) -> str:
    return STATES.get(name, name)


def stats(outcome: engine.Outcome) -> dict[str, Any]:
    total, busy, io = outcome.elapsed, sum(outcome.busy), outcome.io_busy
    return {"total_time": total, "cpu_busy": busy, "cpu_percent": percent(busy, total),
            "io_busy": io, "io_percent": percent(io, total)}


def percent(part: int, whole: int) -> str:
    """As the original prints it: the float quotient with two decimals."""
    return f"{100.0 * part / whole:.2f}" if whole else "0.00"


def answer_lines(outcome: engine.Outcome, with_stats: bool) -> tuple[list[str], list[Number]]:
    count = len(outcome.workload.jobs)
    headers = ["tick", *(f"P{i}" for i in range(count)), "CPU", "IOs"]
    widths = [5, *(12,) * count, 4, 4]
    lines = ["State of each process at each tick (* an I/O completed as the tick began):",
             "  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    numbers: list[Number] = []
    for t in outcome.ticks:
        states = [state(s) for s in t.states]
        cells = [f"{t.tick}{'*' if t.io_done else ' '}", *states, str(t.cpu), str(t.io)]
        lines.append("  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True)))
        numbers += [Number(f"tick {t.tick} state P{i}", s) for i, s in enumerate(states)]
        numbers += [Number(f"tick {t.tick} cpu", str(t.cpu)),
                    Number(f"tick {t.tick} ios", str(t.io))]
    if with_stats:
        s = stats(outcome)
        lines += ["", f"Total time: {s['total_time']} ticks",
                  f"CPU busy: {s['cpu_busy']} ticks ({s['cpu_percent']}%)",
                  f"I/O busy: {s['io_busy']} ticks ({s['io_percent']}%)"]
        numbers += [Number("total time", str(s["total_time"])),
                    Number("cpu busy", str(s["cpu_busy"])),
                    Number("cpu busy percent", s["cpu_percent"]),
                    Number("io busy", str(s["io_busy"])),
                    Number("io busy percent", s["io_percent"])]
    return lines, numbers


SIMULATOR = Simulator(NAME, "processes that compute and do I/O, traced tick by tick "
                 "(process-run.py)", usage, build)

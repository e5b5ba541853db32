"""``osmodel ostep fork``: OSTEP's process-tree homework, run on osmodel's unix platform.

The question is the homework's: the same flags and defaults, and for a seed
the same random actions (each a ``random()`` below ``-f`` for a fork, then a
pick ``int(random() * len(living))`` of who forks or exits, the root's exit
picks drawn and skipped), with the same names (b, c, ... Z, aa, ab ...).

The answers are a run of the unix platform: the root ``a`` is a command typed
at the shell that makes itself a subreaper and ignores SIGCHLD (no zombies),
and asks for fork.py's rules as the platform's departures from UNIX
(``prctl_orphans``, ``prctl_leaf_exit``, docs/unix.md).  Each process is a
program that waits in ``pause``; at action N the operator sends SIGUSR1 to the
process that acts, which then forks (the child execs its own program) or
exits.  The tree after each action is read from the run's process tree.
"""

from __future__ import annotations

import random
import re
import secrets
import string
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from attrs import frozen

from ._b_options import FlagParser, flag_help
from .homework import Homework, HomeworkUsageError, Number, Simulator

if TYPE_CHECKING:
    from osmodel.kernel.manager import PluginManager
    from osmodel.kernel.simulation import Simulation

NAME = "fork"
ROOT = "a"
#: The most actions one homework may have (each is a step of the run and a tree printed).
MAX_ACTIONS = 1000
#: Ticks between two actions of the run: far more than one action takes.
STEP = 10
#: When the first action happens: once the shell has started a and a is waiting.
FIRST = 40
STYLES = {
    # vertical, horizontal, branch, last branch
    "line1": ("|", "-", "+", "|"),
    "line2": ("|", "_", "|", "|"),
    "fancy": ("\u2502", "\u2500", "\u251c", "\u2514"),
}
PROGRAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: The unix platform's own programs (boot.py): a homework process is never named so, since
#: a scenario's program of that name would replace the built-in one.
SYSTEM = frozenset({"init", "syslogd", "atd", "sh"})


def parser() -> FlagParser:
    p = FlagParser(NAME)
    p.add_option("-s", "--seed", type="int", default=-1, dest="seed",
                 help="seed of the random actions (default -1: osmodel picks one and "
                 "prints it)")
    p.add_option("-f", "--forks", type="float", default=0.7, dest="fork_percentage",
                 metavar="P", help="chance that an action is a fork, not an exit (default "
                 "0.7)")
    p.add_option("-A", "--action_list", type="string", default="", dest="action_list",
                 metavar="LIST", help="the actions instead of random ones: a+b,b+c,b- "
                 "(a forks b, b forks c, b exits)")
    p.add_option("-a", "--actions", type="int", default=5, dest="actions",
                 help="how many random actions (default 5)")
    p.add_option("-t", "--show_tree", action="store_true", default=False, dest="show_tree",
                 help="show the trees and ask for the actions")
    p.add_option("-P", "--print_style", type="string", default="fancy", dest="print_style",
                 metavar="STYLE", help="how trees are drawn: basic, line1, line2 or fancy "
                 "(default)")
    p.add_option("-F", "--final_only", action="store_true", default=False,
                 dest="just_final", help="only the final tree")
    p.add_option("-L", "--leaf_only", action="store_true", default=False, dest="leaf_only",
                 help="only processes without children may exit")
    p.add_option("-R", "--local_reparent", action="store_true", default=False,
                 dest="local_reparent", help="an exiting process's children go to its "
                 "parent (default: all its descendants go to the root a)")
    p.add_option("-c", "--compute", action="store_true", default=False, dest="solve",
                 help="print the answers")
    p.add_option("--unix", action="store_true", default=False, dest="unix",
                 help="osmodel's own: answer with UNIX's rule instead (the exiting "
                 "process's children go to a, a subreaper; grandchildren stay)")
    return p


DIFFERENCES = [
    "Where osmodel differs: the answers come from a run of osmodel's unix platform (the",
    "tree after each action is the run's process tree); fork.py's rules are the",
    "platform's departures from UNIX (prctl_orphans, prctl_leaf_exit). --unix, osmodel's",
    "own flag, answers with UNIX's rule instead. Unseeded (the default -s -1), osmodel",
    "picks a seed and prints it. Refused at once (the original fails midway or goes on):",
    "a bad -A action, forking a name that is alive, exiting a, an unknown -P style,",
    "-f 0.001 or less, more than 1,000 actions; a word that is no flag. -h is osmodel's.",
]


def usage() -> str:
    lines = ["usage: osmodel ostep fork [FLAGS]", "",
             "The process-tree homework: forks and exits, and the tree after each.", "",
             "flags:", *flag_help(parser()), "", *DIFFERENCES]
    return "\n".join(lines)


# ------------------------------------------------------------------- the question


@frozen
class Action:
    """One action: ``actor`` forks ``child``, or (child None) ``actor`` exits."""

    actor: str
    child: str | None = None

    @property
    def code(self) -> str:
        """As -A writes it (a+b, b-): the answers' value for --check."""
        return f"{self.actor}+{self.child}" if self.child is not None else f"{self.actor}-"


def names() -> Iterator[str]:
    """b, c, ... z, A ... Z, then aa, ab, ... ZZ, then aaa ...: the homework's names."""
    base = string.ascii_lowercase + string.ascii_uppercase
    current = list(base)
    first = True
    while True:
        yield from current[1:] if first else current
        first = False
        current = [a + b for a in current for b in base]


def drawn_actions(rng: random.Random, chance: float, count: int) -> list[Action]:
    """The random actions, drawn as the homework draws them (the same calls, in order)."""
    out: list[Action] = []
    living = [ROOT]
    fresh = names()
    while len(out) < count:
        if rng.random() < chance:
            actor = living[int(rng.random() * len(living))]
            child = next(fresh)
            out.append(Action(actor, child))
            living.append(child)
        else:
            actor = living[int(rng.random() * len(living))]
            if actor == ROOT:
                continue
            living.remove(actor)
            out.append(Action(actor))
    return out


def listed_actions(text: str, fail: Any) -> list[Action]:
    """``a+b,b-``, checked against who is alive at each action."""
    out: list[Action] = []
    living = {ROOT}
    for item in text.split(","):
        parts = item.split("+") if "+" in item else item.split("-") if "-" in item else []
        if len(parts) != 2 or not parts[0]:
            raise fail(f"-A: bad action {item[:40]!r}: write X+Y (X forks Y) or X- (X exits)")
        actor = parts[0]
        if actor not in living:
            raise fail(f"-A: action {item[:40]!r}: {actor[:40]!r} is not a living process")
        if "+" in item:
            child = parts[1]
            if not child or child in living:
                raise fail(f"-A: action {item[:40]!r}: the child needs a name no living "
                           "process has")
            living.add(child)
            out.append(Action(actor, child))
        else:
            if actor == ROOT:
                raise fail(f"-A: action {item[:40]!r}: the root process a cannot exit")
            living.discard(actor)
            out.append(Action(actor))
    return out


# ------------------------------------------------------------------------ the run


def rule_of(flags: Any) -> tuple[str, str]:
    """The orphan rule as the unix platform's constant, and in words."""
    if flags.unix:
        return "ORPHANS_UNIX", ("UNIX's rule: its children go to a (a subreaper); "
                                "grandchildren keep their parents")
    if flags.local_reparent:
        return "ORPHANS_TO_PARENT", "its children go to its parent (-R)"
    return "ORPHANS_TO_ROOT", "all its descendants go to the root a (fork.py's default)"


def scenario_of(actions: Sequence[Action], flags: Any) -> tuple[Any, dict[str, str]]:
    """The programs and timeline of the run; and each program's homework name."""
    from osmodel.kernel.asm import parse
    from osmodel.kernel.machine import Limits, Machine
    from osmodel.kernel.scenario import Scenario, TimelineEvent

    lives: list[tuple[str, list[Action]]] = [(ROOT, [])]  # each process: name, its actions
    current = {ROOT: 0}
    steps: list[int] = []
    for action in actions:
        index = current[action.actor]
        lives[index][1].append(action)
        steps.append(index)
        if action.child is not None:
            current[action.child] = len(lives)
            lives.append((action.child, []))
    program_names: list[str] = []
    used: set[str] = set(SYSTEM)
    for number, (name, _) in enumerate(lives):
        shown = name if PROGRAM_NAME.match(name) and name not in used else f"p{number}_"
        used.add(shown)
        program_names.append(shown)
    born: dict[int, int] = {}  # id(action) -> index of the process it forks
    nxt = 1
    for action in actions:
        if action.child is not None:
            born[id(action)] = nxt
            nxt += 1
    rule, _ = rule_of(flags)
    programs = {}
    for number, (_, own) in enumerate(lives):
        code = []
        if number == 0:
            code += ["prctl_subreaper 1", "sigignore SIGCHLD", f"prctl_orphans {rule}"]
            if flags.leaf_only and not flags.unix:
                code.append("prctl_leaf_exit 1")
        code.append("signal SIGUSR1, nudged")
        for step, action in enumerate(own):
            code.append("pause")
            if action.child is None:
                code.append("exit 0")  # under -L it may fail, and the process goes on
            else:
                code += ["fork -> r0", f"jnz r0, went{step}",
                         f"exec {program_names[born[id(action)]]}", f"went{step}:"]
        code += ["idle:", "pause", "jmp idle", "nudged:", "ret"]
        programs[program_names[number]] = parse("\n".join(code), program_names[number])
    timeline = [TimelineEvent(0, "user", program=program_names[0])]
    timeline += [TimelineEvent(FIRST + STEP * n, "kill", target=program_names[index],
                               signal="SIGUSR1") for n, index in enumerate(steps)]
    machine = Machine(limits=Limits(time=FIRST + STEP * (len(actions) + 2)))
    scenario = Scenario(machine, programs, tuple(timeline), {}, platform="unix",
                        title=f"osmodel ostep fork: {len(actions)} actions")
    return scenario, {program: name for program, (name, _) in zip(program_names, lives,
                                                                   strict=True)}


def tree_now(sim: Simulation, shown: dict[str, str]) -> list[tuple[str, int]]:
    """The root's living tree in the run, depth first: (name, depth) each."""
    from osmodel.platforms.unix.proc import unix

    table = sim.kernel.processes
    root = next(p for p in sim.kernel.live() if p.name in shown and shown[p.name] == ROOT)
    out: list[tuple[str, int]] = []
    stack = [(root.pid, 0)]
    while stack:
        pid, depth = stack.pop()
        proc = table[pid]
        out.append((shown.get(proc.name, proc.name), depth))
        kids = [c for c in unix(proc).children if c in table and table[c].exit is None]
        stack += [(c, depth + 1) for c in reversed(kids)]
    return out


def run_actions(actions: Sequence[Action], flags: Any,
                pm: PluginManager) -> tuple[Simulation, list[list[tuple[str, int]]],
                                            list[bool]]:
    """The run, the tree after each action, and whether each exit took place."""
    from osmodel.kernel.simulation import simulate

    scenario, shown = scenario_of(actions, flags)
    sim = simulate(scenario, pm=pm, run=False)
    trees, done = [], []
    for n, action in enumerate(actions):
        sim.run(FIRST + STEP * (n + 1) - 1)
        tree = tree_now(sim, shown)
        living = {name for name, _ in tree}
        if action.child is not None and action.child not in living:
            raise HomeworkUsageError(f"ostep fork: the run did not fork {action.child} "
                                     f"at action {n + 1}")
        done.append(action.child is not None or action.actor not in living)
        trees.append(tree)
    sim.run()
    return sim, trees, done


# -------------------------------------------------------------------- the homework


def drawing(tree: Sequence[tuple[str, int]], style: str) -> list[str]:
    """The tree as the homework draws it in ``style``, two spaces in (one pass each way)."""
    if style == "basic":
        return ["  " + "   " * depth + f"{name:>2}" for name, depth in tree]
    vertical, across, branch, last = STYLES[style]
    final = [False] * len(tree)  # no later sibling
    seen: dict[int, bool] = {}
    for index in range(len(tree) - 1, -1, -1):
        depth = tree[index][1]
        final[index] = not seen.get(depth, False)
        seen = {d: v for d, v in seen.items() if d < depth}
        seen[depth] = True
    lines = []
    ended: list[bool] = []  # per level, whether the ancestor there was the last child
    for index, (name, depth) in enumerate(tree):
        del ended[depth:]
        ended.append(final[index])
        if depth == 0:
            lines.append("  " + name)
            continue
        lead = "".join("    " if ended[level] else f"{vertical}   "
                       for level in range(1, depth))
        lines.append("  " + lead + f"{last if final[index] else branch}{across}{across} {name}")
    return lines


def described(action: Action, done: bool) -> str:
    if action.child is not None:
        return f"{action.actor} forks {action.child}"
    return f"{action.actor} exits" if done else f"{action.actor} exits (refused: it has " \
        "children, and only leaves may exit)"


def build(argv: Sequence[str], pm: PluginManager) -> Homework:
    p = parser()
    flags = p.read(argv)
    fail = p.fail
    style = flags.print_style
    if style not in (*STYLES, "basic"):
        raise fail(f"-P {style[:20]!r}: the styles are basic, line1, line2 and fancy")
    if flags.fork_percentage <= 0.001:
        raise fail(f"-f {flags.fork_percentage}: the chance of a fork must be above 0.001")
    if flags.unix and (flags.local_reparent or flags.leaf_only):
        raise fail("--unix answers with UNIX's rules: leave out -R and -L")
    listed = flags.action_list != ""
    seed: int | None = None
    picked = False
    if listed:
        actions = listed_actions(flags.action_list, fail)
    else:
        if flags.actions > MAX_ACTIONS:
            raise fail(f"-a {flags.actions}: at most {MAX_ACTIONS:,} actions")
        seed = flags.seed
        if seed == -1:
            seed, picked = secrets.randbelow(1_000_000), True
        actions = drawn_actions(random.Random(seed), flags.fork_percentage, flags.actions)
    if len(actions) > MAX_ACTIONS:
        raise fail(f"-A: {len(actions):,} actions; at most {MAX_ACTIONS:,}")
    _, rule = rule_of(flags)
    question = ["osmodel ostep fork, the homework's settings:"]
    if listed:
        question.append(f"  action_list {flags.action_list}")
    else:
        question.append(f"  seed {seed}" + (f" (picked by osmodel; -s {seed} asks this again)"
                                             if picked else ""))
        question += [f"  forks {flags.fork_percentage}", f"  actions {flags.actions}"]
    question += [f"  when a process exits: {rule}",
                 "  only processes without children may exit (-L)" if flags.leaf_only
                 else "  any process but a may exit", "",
                 "The process tree at the start:", *drawing([(ROOT, 0)], style), ""]
    document: dict[str, Any] = {"actions": [a.code for a in actions],
                                "rule": rule_of(flags)[0], "leaf_only": flags.leaf_only}
    show_tree, final = flags.show_tree, flags.just_final
    sim, trees, done = run_actions(actions, flags, pm) if actions else (None, [], [])
    if sim is None:
        from osmodel.kernel.simulation import simulate

        scenario, _ = scenario_of(actions, flags)
        sim = simulate(scenario, pm=pm)
    last = trees[-1] if trees else [(ROOT, 0)]
    answers: list[str] = []
    numbers: list[Number] = []

    def tree_numbers(prefix: str, tree: Sequence[tuple[str, int]]) -> None:
        for k, (name, depth) in enumerate(tree, 1):
            numbers.extend([Number(f"{prefix} line {k}", name, exact=True),
                            Number(f"{prefix} line {k} depth", str(depth))])

    if show_tree:
        if final:
            question += [f"The final process tree, after {len(actions)} actions:",
                         *drawing(last, style)]
        else:
            question.append("The process tree after each action:")
            for n, tree in enumerate(trees, 1):
                question += [f"After action {n}:", *drawing(tree, style)]
        question += ["", "Which actions made these trees? (-c shows them)"]
        answers.append("The actions, in order:")
        for n, (action, ok) in enumerate(zip(actions, done, strict=True), 1):
            answers.append(f"  action {n}: {described(action, ok)}")
            numbers.append(Number(f"action {n}", action.code, exact=True))
            if action.child is None and flags.leaf_only:
                numbers.append(Number(f"action {n} exit", "done" if ok else "refused"))
    else:
        question.append("The actions, in order:")
        question += [f"  action {n}: {described(action, ok)}"
                     for n, (action, ok) in enumerate(zip(actions, done, strict=True), 1)]
        question += ["", ("Draw the final process tree." if final else
                          "Draw the process tree after each action.") + " (-c shows it)"]
        if final:
            answers += ["The final process tree:", *drawing(last, style)]
            tree_numbers("final tree", last)
        else:
            for n, (action, tree) in enumerate(zip(actions, trees, strict=True), 1):
                answers += [f"After action {n} ({described(action, done[n - 1])}):",
                            *drawing(tree, style)]
                tree_numbers(f"tree {n}", tree)
    document["trees"] = [[{"name": name, "depth": depth} for name, depth in tree]
                         for tree in trees]
    document["exits_done"] = [ok for ok, a in zip(done, actions, strict=True)
                              if a.child is None]
    return Homework(NAME, tuple(argv), seed, bool(flags.solve), tuple(question),
                    tuple(answers), tuple(numbers), document, sim)


SIMULATOR = Simulator(NAME, "process trees: forks and exits, and the tree after each "
                      "(fork.py)", usage, build)

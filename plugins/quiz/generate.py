"""A seeded quiz on the chapter: processes that create others, end, get killed and get Ctrl-C.

The quiz is a scenario: each process runs a program of its own (named after
the process), made of the portable instructions every platform has
(``spawn``, ``wait``, ``kill``, ``exit``, ``cpu``, ``sleep``), plus events
from outside (a user's command, an operator's kill, a Ctrl-C). The same seed
gives the same scenario on every platform, so a UNIX quiz and a Windows quiz
of one seed ask about the same programs.
"""

from __future__ import annotations

import random

from attrs import frozen

#: Process names, in creation order of the tree: the first is the user's command.
NAMES = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot")
MAX_CHILDREN = 3


@frozen
class Outside:
    """An event from outside the programs, as the question words it."""

    at: int
    #: user | kill | key
    kind: str
    target: str = ""

    def toml(self) -> str:
        if self.kind == "user":
            return f'[[timeline]]\nat = {self.at}\nuser = "{self.target}"\n'
        if self.kind == "kill":
            return f'[[timeline]]\nat = {self.at}\nkill = "{self.target}"\n'
        return f'[[timeline]]\nat = {self.at}\nkey = "ctrl-c"\n'

    def words(self) -> str:
        if self.kind == "user":
            return f"at {self.at}: a user runs {self.target} from the terminal"
        if self.kind == "kill":
            return f"at {self.at}: the operator kills {self.target} (if it still runs)"
        return f"at {self.at}: the user presses Ctrl-C on the terminal"


@frozen
class Quiz:
    """One generated quiz: its programs, its events and the time the questions ask about."""

    seed: int
    #: Program name -> its code, in creation order of the tree.
    programs: tuple[tuple[str, str], ...]
    events: tuple[Outside, ...]
    at: int

    def scenario(self, platform: str) -> str:
        """The quiz as a scenario file for ``platform``."""
        parts = ["[scenario]", f'title = "quiz, seed {self.seed}"', f'platform = "{platform}"',
                 f"seed = {self.seed}", ""]
        for name, code in self.programs:
            parts += [f"[programs.{name}]", 'code = """', code, '"""', ""]
        parts += [event.toml() for event in self.events]
        return "\n".join(parts)


def _program(rng: random.Random, children: list[str]) -> str:
    lines = [f"        cpu {rng.randint(1, 3)}"]
    for register, child in enumerate(children, start=1):
        lines.append(f"        spawn {child} -> r{register}")
    ending = rng.choice(["exit", "exit", "wait", "fault", "linger"] if children
                        else ["exit", "exit", "fault", "linger"])
    if ending == "wait":
        lines += ["        wait r1 -> r9             ; wait for the first child",
                  f"        exit {rng.choice([0, 0, 1, 2])}"]
    elif ending == "fault":
        lines += [f"        sleep {rng.randint(2, 12)}",
                  "        mov 0 -> r9",
                  "        div 1, r9 -> r9           ; divide by zero"]
    elif ending == "linger":
        lines += [f"        sleep {rng.randint(40, 60)}", "        exit 0"]
    else:
        lines += [f"        sleep {rng.randint(1, 15)}", f"        exit {rng.choice([0, 0, 1, 3])}"]
    return "\n".join(lines)


def generate(seed: int) -> Quiz:
    """The quiz of ``seed``: 4 to 6 processes in a random tree, an operator's kill and a
    Ctrl-C, each drawn or not, and a time to ask about."""
    rng = random.Random(seed)
    count = rng.randint(4, len(NAMES))
    names = NAMES[:count]
    children: dict[str, list[str]] = {name: [] for name in names}
    for index in range(1, count):
        parents = [n for n in names[:index] if len(children[n]) < MAX_CHILDREN]
        children[rng.choice(parents)].append(names[index])
    programs = tuple((name, _program(rng, children[name])) for name in names)
    events = [Outside(0, "user", names[0])]
    if rng.random() < 0.7:
        events.append(Outside(rng.randint(6, 30), "kill", rng.choice(names[1:])))
    if rng.random() < 0.5:
        events.append(Outside(rng.randint(10, 45), "key"))
    events.sort(key=lambda event: event.at)
    return Quiz(seed, programs, tuple(events), rng.randint(8, 30))

"""The process tree as text, the way ``ps -ejH`` / ``pstree`` show it.

Rooted at init; children by pid; STAT uses ps's letters (R, S, D, T, Z) with
``s`` for a session leader and ``+`` for the terminal's foreground group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from osmodel.kernel.states import BLOCKED

from .constants import ZOMBIE
from .groups import has_terminal
from .proc import system, unix

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process

HEADER = f"{'PID':>5} {'PPID':>5} {'PGID':>5} {'SID':>5} {'TTY':<5} {'STAT':<4}  COMMAND"


def stat(kernel: Kernel, proc: Process) -> str:
    """ps's STAT column: state letter, then ``s`` and ``+`` when they apply."""
    u = unix(proc)
    letter = proc.state.letter
    if proc.state is BLOCKED and proc.blocked_on.startswith("io:"):
        letter = "D"
    if u.sid == proc.pid:
        letter += "s"
    if has_terminal(kernel, proc) and system(kernel).terminal.foreground == u.pgid:
        letter += "+"
    return letter


def _line(kernel: Kernel, proc: Process, prefix: str) -> str:
    u = unix(proc)
    tty = u.tty if has_terminal(kernel, proc) and u.tty else "-"
    name = proc.name + (" <defunct>" if proc.state is ZOMBIE else "")
    ppid = "-" if u.ppid is None else str(u.ppid)
    return (f"{proc.pid:>5} {ppid:>5} {u.pgid:>5} {u.sid:>5} {tty:<5} "
            f"{stat(kernel, proc):<4}  {prefix}{name}")


def render_tree(kernel: Kernel) -> list[str]:
    """Every process (live and zombie) under init; any without a living parent last."""
    table = kernel.processes
    lines = [HEADER]

    def walk(proc: Process, lead: str, branch: str) -> None:
        lines.append(_line(kernel, proc, lead + branch))
        kids = sorted(c for c in unix(proc).children if c in table)
        inner = lead + ("   " if branch.startswith("└") else "│  " if branch else "")
        for i, pid in enumerate(kids):
            walk(table[pid], inner, "└─ " if i == len(kids) - 1 else "├─ ")

    roots = [pid for pid in sorted(table)
             if unix(table[pid]).ppid is None or unix(table[pid]).ppid not in table]
    for pid in roots:
        walk(table[pid], "", "")
    return lines

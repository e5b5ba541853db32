"""The process table as text, the way xv6's procdump() (^P at the console) prints it.

xv6 has no tree command and no handle table: what arranges its processes is
one fixed array, ``proc[NPROC]``, scanned in slot order by the scheduler and
by wait.  So the structure drawing is that array: slot, pid, state (in
procdump's six-letter names), name, plus the parent pointer and the killed
flag that procdump leaves out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .proc import system, xv6
from .states import PROCDUMP_NAMES, xv6_state

if TYPE_CHECKING:
    from osmodel.kernel import Kernel, Process


def _line(proc: Process) -> str:
    x = xv6(proc)
    parent = "-" if x.parent is None else str(x.parent)
    killed = "  killed" if x.killed and proc.exit is None else ""
    return (f"{x.slot:>4} {proc.pid:>5} {parent:>5}  {PROCDUMP_NAMES[xv6_state(proc)]}  "
            f"{proc.name}{killed}").rstrip()


def procdump(kernel: Kernel) -> list[str]:
    """The used slots of the process table, in slot order, with a header."""
    sysm = system(kernel)
    lines = [f"proc[{sysm.nproc}]: {sysm.in_use()} used",
             f"{'SLOT':>4} {'PID':>5} {'PPID':>5}  STATE   NAME"]
    lines += [_line(proc) for proc in sysm.processes()]
    return lines

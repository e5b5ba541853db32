"""xv6's process states (kernel/proc.h) and how the kernel's states map onto them.

The osmodel kernel decides every transition with its own states (new, ready,
running, blocked) and enters a platform's state only when a process ends, so
the only xv6 state the kernel itself holds is ZOMBIE.  The other five are a
view, computed from the kernel's state and shown wherever xv6 names belong:
the ``xv6_state`` field of reports, the process table that ``procdump`` and
the structure drawing print.  Each state's ``textbook`` names the chapter's
state it is, so an xv6 run reads in the textbook's terms too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import osmodel.kernel as core
from osmodel.kernel import State

if TYPE_CHECKING:
    from osmodel.kernel import Process

#: A free slot of the process table: the process it held has been reaped.
UNUSED = State("unused", "terminated", "U")
#: allocproc() took the slot; fork has not finished filling it in.
USED = State("used", "new", "N")
#: Asleep on a channel: in wait, sleep, a console read or a disk request.
SLEEPING = State("sleeping", "blocked", "S")
#: Ready to run; the scheduler loop will find it when it reaches its slot.
RUNNABLE = State("runnable", "ready", "R")
#: On a CPU.
RUNNING = State("running", "running", "R")
#: Ended; the slot keeps its pid and exit status until the parent's wait.
ZOMBIE = State("zombie", "terminated", "Z")

XV6_STATES = (UNUSED, USED, SLEEPING, RUNNABLE, RUNNING, ZOMBIE)

#: What xv6's procdump() prints for each state (kernel/proc.c), six columns wide.
PROCDUMP_NAMES = {UNUSED: "unused", USED: "used  ", SLEEPING: "sleep ", RUNNABLE: "runble",
                  RUNNING: "run   ", ZOMBIE: "zombie"}

_FROM_CORE = {core.NEW: USED, core.READY: RUNNABLE, core.RUNNING: RUNNING,
              core.BLOCKED: SLEEPING, ZOMBIE: ZOMBIE}


def xv6_state(process: Process) -> State:
    """The xv6 state of ``process``: its kernel state in proc.h's terms."""
    return _FROM_CORE.get(process.state, UNUSED)

"""What UNIX adds to a process and to the machine: the data the kernel core does not know.

The core's PCB keeps identity, context, memory and files; the hierarchy,
groups, credentials and signal state below hang off ``process.platform``.
Machine-wide state (the terminal, the process-group index, per-user counts)
lives in one `UnixSystem` owned by the platform instance of the run.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from attrs import define, field

from osmodel.kernel.platform import MachineData, ProcessData

from .constants import USER

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel, Timer
    from osmodel.kernel.process import Process



@define(eq=False)
class BlockedCall:
    """A unix call the process is blocked in.

    The call's pc was rewound to the instruction itself, so waking the process
    runs the call again (how the kernel's wait loops work); ``restart`` says
    what a caught signal does: run it again after the handler (waitpid,
    SA_RESTART) or make it fail with EINTR (pause).
    """

    name: str
    results: tuple[int, ...]
    restart: bool
    #: waitpid's pid argument and options, to tell whether a child's change concerns it.
    pid: int = 0
    options: int = 0


@define(eq=False)
class UnixProc:
    """Per-process UNIX data (the part of a Linux task_struct the textbook talks about)."""

    ppid: int | None
    pgid: int
    sid: int
    uid: int = USER
    #: signal -> handler pc for caught signals; ``ignored`` holds SIG_IGN ones.
    caught: dict[int, int] = field(factory=dict)
    ignored: set[int] = field(factory=set)
    mask: set[int] = field(factory=set)
    pending: set[int] = field(factory=set)
    #: Children in the order they became children (fork, then adoption): waitpid's order.
    children: dict[int, None] = field(factory=dict)
    subreaper: bool = False
    #: Departures from UNIX asked for with prctl_orphans / prctl_leaf_exit (inherited by
    #: fork, kept by exec): where this process's children go when it exits, and whether
    #: its exit call fails while it has a living child.
    orphans: int = 0
    leaf_exit: bool = False
    execd: bool = False
    #: The controlling terminal's name, or None (daemons, after setsid).
    tty: str | None = None
    #: A stop not yet reported to waitpid(WUNTRACED): the stop signal.
    stop_report: int | None = None
    #: A continue not yet reported to waitpid(WCONTINUED).
    cont_report: bool = False
    #: The raw wait status word once ended (Linux encoding).
    status: int | None = None
    call: BlockedCall | None = None
    #: A delivery action is already queued with kernel.interrupt.
    delivering: bool = False
    alarm: Timer | None = None


@define(eq=False)
class Terminal:
    """One terminal: the session it controls, its foreground group, the typed commands.

    ``commands`` holds the process groups of foreground jobs the shell has not
    yet started waiting for (what it reads with ``readcmd``).
    """

    name: str = "tty1"
    session: int | None = None
    foreground: int | None = None
    commands: deque[int] = field(factory=deque)


@define(eq=False)
class UnixSystem:
    """Machine-wide UNIX state for one run."""

    terminal: Terminal = field(factory=Terminal)
    #: pgid -> members (live and zombie), in the order they joined.
    groups: dict[int, dict[int, None]] = field(factory=dict)
    #: uid -> processes (live and zombie) that count against RLIMIT_NPROC.
    users: dict[int, int] = field(factory=dict)
    init: int = 1
    shell: int | None = None
    batchd: int | None = None

    def join(self, pid: int, pgid: int) -> None:
        self.groups.setdefault(pgid, {})[pid] = None

    def leave(self, pid: int, pgid: int) -> None:
        members = self.groups.get(pgid)
        if members is not None:
            members.pop(pid, None)
            if not members:
                del self.groups[pgid]

    def members(self, pgid: int) -> list[int]:
        return list(self.groups.get(pgid, ()))


#: ``unix(process)``: the UNIX data of a process (every process of a unix run has it).
unix = ProcessData(UnixProc, "unix")


#: ``system(kernel)``: the machine-wide state of a unix run (the platform's ``system``).
system = MachineData(UnixSystem, "unix")


def parent(kernel: Kernel, proc: Process) -> Process | None:
    ppid = unix(proc).ppid
    return kernel.processes.get(ppid) if ppid is not None else None


def alive(proc: Process) -> bool:
    return proc.exit is None

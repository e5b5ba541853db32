"""Numbers a UNIX program sees: signals and their default actions, errno, wait flags, states.

Values are Linux's (signal(7), errno(3), <sys/wait.h>) so that what a student
reads here matches what ``kill -l`` or ``strace`` shows on a real machine.
"""

from __future__ import annotations

from typing import Final

from osmodel.kernel.states import State

# --- signals ---------------------------------------------------------------------------

SIGHUP: Final = 1
SIGINT: Final = 2
SIGQUIT: Final = 3
SIGILL: Final = 4
SIGTRAP: Final = 5
SIGABRT: Final = 6
SIGBUS: Final = 7
SIGFPE: Final = 8
SIGKILL: Final = 9
SIGUSR1: Final = 10
SIGSEGV: Final = 11
SIGUSR2: Final = 12
SIGPIPE: Final = 13
SIGALRM: Final = 14
SIGTERM: Final = 15
SIGSTKFLT: Final = 16
SIGCHLD: Final = 17
SIGCONT: Final = 18
SIGSTOP: Final = 19
SIGTSTP: Final = 20
SIGTTIN: Final = 21
SIGTTOU: Final = 22
SIGURG: Final = 23
SIGXCPU: Final = 24
SIGXFSZ: Final = 25
SIGVTALRM: Final = 26
SIGPROF: Final = 27
SIGWINCH: Final = 28
SIGIO: Final = 29
SIGPWR: Final = 30
SIGSYS: Final = 31

#: Default actions (signal(7)).
TERM, IGN, CORE, STOP, CONT = "term", "ign", "core", "stop", "cont"

#: number -> (name, default action), for every standard signal 1..31.
SIGNALS: Final[dict[int, tuple[str, str]]] = {
    SIGHUP: ("SIGHUP", TERM),
    SIGINT: ("SIGINT", TERM),
    SIGQUIT: ("SIGQUIT", CORE),
    SIGILL: ("SIGILL", CORE),
    SIGTRAP: ("SIGTRAP", CORE),
    SIGABRT: ("SIGABRT", CORE),
    SIGBUS: ("SIGBUS", CORE),
    SIGFPE: ("SIGFPE", CORE),
    SIGKILL: ("SIGKILL", TERM),
    SIGUSR1: ("SIGUSR1", TERM),
    SIGSEGV: ("SIGSEGV", CORE),
    SIGUSR2: ("SIGUSR2", TERM),
    SIGPIPE: ("SIGPIPE", TERM),
    SIGALRM: ("SIGALRM", TERM),
    SIGTERM: ("SIGTERM", TERM),
    SIGSTKFLT: ("SIGSTKFLT", TERM),
    SIGCHLD: ("SIGCHLD", IGN),
    SIGCONT: ("SIGCONT", CONT),
    SIGSTOP: ("SIGSTOP", STOP),
    SIGTSTP: ("SIGTSTP", STOP),
    SIGTTIN: ("SIGTTIN", STOP),
    SIGTTOU: ("SIGTTOU", STOP),
    SIGURG: ("SIGURG", IGN),
    SIGXCPU: ("SIGXCPU", CORE),
    SIGXFSZ: ("SIGXFSZ", CORE),
    SIGVTALRM: ("SIGVTALRM", TERM),
    SIGPROF: ("SIGPROF", TERM),
    SIGWINCH: ("SIGWINCH", IGN),
    SIGIO: ("SIGIO", TERM),
    SIGPWR: ("SIGPWR", TERM),
    SIGSYS: ("SIGSYS", CORE),
}
#: Name -> number, also accepting the name without its SIG prefix (``TERM``).
SIGNAL_NUMBERS: Final[dict[str, int]] = {name: n for n, (name, _) in SIGNALS.items()}
#: Signals a process can neither catch, block nor ignore.
UNCATCHABLE: Final = frozenset({SIGKILL, SIGSTOP})
#: Signals whose default action stops the process.
STOP_SIGNALS: Final = frozenset(n for n, (_, action) in SIGNALS.items() if action == STOP)

#: Dispositions as a program names them.
SIG_DFL: Final = 0
SIG_IGN: Final = 1

#: Faults (kernel names) and the signal each raises.
FAULT_SIGNALS: Final[dict[str, int]] = {
    "divide_by_zero": SIGFPE,
    "bad_address": SIGSEGV,
    "illegal_instruction": SIGILL,
    # the OOM killer's choice on Linux: a copy-on-write fault with no frame left
    "out_of_memory": SIGKILL,
}


def signal_name(number: int) -> str:
    entry = SIGNALS.get(number)
    return entry[0] if entry else f"signal {number}"


def signal_number(text: str) -> int | None:
    """``SIGTERM``, ``TERM``, ``sigterm`` or ``15`` -> 15; None if it names no signal."""
    word = text.strip().upper()
    if word.isdigit():
        number = int(word)
        return number if number in SIGNALS else None
    if not word.startswith("SIG"):
        word = "SIG" + word
    return SIGNAL_NUMBERS.get(word)


# --- errno -----------------------------------------------------------------------------

EPERM: Final = 1
ENOENT: Final = 2
ESRCH: Final = 3
EINTR: Final = 4
EBADF: Final = 9
ECHILD: Final = 10
EAGAIN: Final = 11
ENOMEM: Final = 12
EACCES: Final = 13
EBUSY: Final = 16
EINVAL: Final = 22
ENOTTY: Final = 25

ERRNO_NAMES: Final[dict[int, str]] = {
    EPERM: "EPERM",
    ENOENT: "ENOENT",
    ESRCH: "ESRCH",
    EINTR: "EINTR",
    EBADF: "EBADF",
    ECHILD: "ECHILD",
    EAGAIN: "EAGAIN",
    ENOMEM: "ENOMEM",
    EACCES: "EACCES",
    EBUSY: "EBUSY",
    EINVAL: "EINVAL",
    ENOTTY: "ENOTTY",
}



class UnixError(Exception):
    """A failing call: the syscall layer turns it into -1 and sets errno."""

    def __init__(self, errno: int, detail: str = "") -> None:
        self.errno = errno
        self.detail = detail
        super().__init__(f"{ERRNO_NAMES.get(errno, errno)}{': ' + detail if detail else ''}")

    @property
    def name(self) -> str:
        return ERRNO_NAMES.get(self.errno, str(self.errno))


# --- limits ----------------------------------------------------------------------------

#: Mappings an address space may hold (Linux's vm.max_map_count, 65530 there): one more
#: mmap fails with ENOMEM.  Finding room scans the mappings, so a loop of mmap calls
#: without it took minutes (20,000 calls: 5 minutes).
MAX_MAP_COUNT: Final = 256

# --- waitpid ---------------------------------------------------------------------------

WNOHANG: Final = 1
WUNTRACED: Final = 2
WCONTINUED: Final = 8

#: Raw status word (Linux encoding): the core-dump flag and the "continued" value.
WCOREFLAG: Final = 0x80
W_CONTINUED: Final = 0xFFFF

# --- departures from UNIX a program may ask for (prctl_orphans, prctl_leaf_exit) ------

#: Where an exiting process's children go.  UNIX: the direct children, to the nearest
#: living subreaper, else init.
ORPHANS_UNIX: Final = 0
#: Departure (OSTEP fork.py's default): every descendant, flattened, to that reaper.
ORPHANS_TO_ROOT: Final = 1
#: Departure (fork.py -R): the direct children, to the exiting process's own parent.
ORPHANS_TO_PARENT: Final = 2
ORPHAN_RULES: Final[dict[int, str]] = {ORPHANS_UNIX: "ORPHANS_UNIX",
                                       ORPHANS_TO_ROOT: "ORPHANS_TO_ROOT",
                                       ORPHANS_TO_PARENT: "ORPHANS_TO_PARENT"}

# --- users -----------------------------------------------------------------------------

ROOT: Final = 0
USER: Final = 1000

# --- states ----------------------------------------------------------------------------

#: Ended, holding pid and status until the parent waits (ps: Z).
ZOMBIE: Final = State("zombie", "terminated", "Z")
#: Stopped by a signal until SIGCONT (ps: T); outside the textbook's three states.
STOPPED: Final = State("stopped", "suspended", "T")


def constants() -> dict[str, int]:
    """Every name a unix program may write as a constant."""
    table: dict[str, int] = dict(SIGNAL_NUMBERS)
    table.update({name: number for number, name in ERRNO_NAMES.items()})
    table.update(
        SIG_DFL=SIG_DFL,
        SIG_IGN=SIG_IGN,
        WNOHANG=WNOHANG,
        WUNTRACED=WUNTRACED,
        WCONTINUED=WCONTINUED,
    )
    table.update({name: number for number, name in ORPHAN_RULES.items()})
    return table

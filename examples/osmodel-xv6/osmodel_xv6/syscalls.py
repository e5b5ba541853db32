"""xv6's system calls as instructions.

Every call enters the kernel through `trap`, which is where a killed process
exits: before the call runs and again as it returns (so ``kill`` of oneself
ends the caller at once).  A failing call returns -1; xv6 has no errno.  A
call that sleeps (wait, getcmd) rewinds its pc, so waking runs it again:
that is xv6's own loop of scan, sleep, scan again.

The portable four are here too: ``spawn`` is fork then exec in the child,
``wait PID`` waits for that one child, ``kill`` and ``exit`` are xv6's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from osmodel.kernel import Args, Handler, OpSpec, OutOfMemory, Res, put, val

from . import creation, lifecycle, procdump
from .proc import say, system, xv6

if TYPE_CHECKING:
    from osmodel.kernel import Kernel, Process

#: fork costs one tick plus one per page it copies (uvmcopy's memmove of each page).
FORK_TICKS = 1


def trap(fn: Handler) -> Handler:
    """Enter the kernel through usertrap(): a killed process exits before and after."""

    def handler(k: Kernel, p: Process, a: Args, r: Res) -> int:
        if xv6(p).killed:
            lifecycle.exit_killed(k, p)
            return 0
        cost = fn(k, p, a, r)
        if xv6(p).killed and p.exit is None and p.cpu is not None:
            lifecycle.exit_killed(k, p)
            return 0
        return cost

    handler.__name__ = fn.__name__
    handler.__doc__ = fn.__doc__
    return handler


def sleep_in(k: Kernel, p: Process, call: str) -> int:
    """Sleep in ``call`` with the pc on the call, so waking runs it again."""
    p.context.pc -= 1
    k.block(p, call)
    return 0


def _values(p: Process, args: Args) -> list[int]:
    return [val(p, x) for x in args]


# --- processes -------------------------------------------------------------------------


@trap
def sys_fork(k: Kernel, p: Process, a: Args, r: Res) -> int:
    try:
        child, copied = creation.fork(k, p)
    except creation.ForkFailed:
        put(p, r, -1)
        return FORK_TICKS
    if r:
        child.context.registers[r[0]] = 0
    k.ready(child, "forked")
    put(p, r, child.pid)
    return FORK_TICKS + copied


@trap
def sys_exec(k: Kernel, p: Process, a: Args, r: Res) -> int:
    try:
        creation.exec_image(k, p, str(a[0]), _values(p, a[1:]))
    except OutOfMemory:
        put(p, r, -1)
    return 1


@trap
def sys_spawn(k: Kernel, p: Process, a: Args, r: Res) -> int:
    try:
        child, copied = creation.fork(k, p)
    except creation.ForkFailed:
        put(p, r, -1)
        return FORK_TICKS
    try:
        creation.exec_image(k, child, str(a[0]), _values(p, a[1:]))
    except OutOfMemory:
        k.exit(child, lifecycle.exit_status(-1))  # the child's exec failed: it exits
    else:
        k.ready(child, "forked")
    put(p, r, child.pid)
    return FORK_TICKS + copied


@trap
def sys_exit(k: Kernel, p: Process, a: Args, r: Res) -> int:
    k.exit(p, lifecycle.exit_status(val(p, a[0]) if a else 0))
    return 0


@trap
def sys_wait(k: Kernel, p: Process, a: Args, r: Res) -> int:
    pid = val(p, a[0]) if a else None
    got = lifecycle.wait(k, p, pid)
    if got is None:
        return sleep_in(k, p, "wait")
    child, status = got
    if pid is None:  # wait -> pid, status
        put(p, r, child)
        if len(r) > 1:
            p.context.registers[r[1]] = status
    else:  # the portable wait PID -> status
        put(p, r, status if child >= 0 else -1)
        if len(r) > 1:
            p.context.registers[r[1]] = child
    return 1


@trap
def sys_kill(k: Kernel, p: Process, a: Args, r: Res) -> int:
    target = k.processes.get(val(p, a[0]))
    if target is None:
        put(p, r, -1)
        return 1
    lifecycle.mark(k, target, by=p.pid)
    put(p, r, 0)
    return 1


@trap
def sys_getpid(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, p.pid)
    return 1


@trap
def sys_sleep(k: Kernel, p: Process, a: Args, r: Res) -> int:
    ticks = val(p, a[0])
    put(p, r, 0)
    if ticks <= 0:
        return 1
    k.sleep(p, ticks, "sleep")
    return 0


@trap
def sys_uptime(k: Kernel, p: Process, a: Args, r: Res) -> int:
    put(p, r, k.now)
    return 1


@trap
def sys_getcmd(k: Kernel, p: Process, a: Args, r: Res) -> int:
    console = system(k).console
    if not console:
        return sleep_in(k, p, "getcmd")
    put(p, r, console.popleft())
    return 1


def op_procdump(k: Kernel, p: Process, a: Args, r: Res) -> int:
    for line in procdump.procdump(k):
        say(k, p, line)
    return 0


def table() -> dict[str, OpSpec]:
    """Every xv6 instruction, read once at boot."""
    P, C = "xv6 process", "xv6 console"
    specs = [
        OpSpec("fork", "", 1, sys_fork, "Copy the caller into a free slot of the process "
               "table, every page copied now: the child's pid in the parent, 0 in the child, "
               "-1 when the table (NPROC) or memory is full. Costs 1 tick + 1 per page.",
               group=P),
        OpSpec("exec", "p,v?,v?,v?", 1, sys_exec, "Replace the caller's image with PROG "
               '(a name or "string"; args in r0..), loaded whole; same pid; -1 on failure.',
               group=P),
        OpSpec("exit", "v?", 0, sys_exit, "End the caller; its parent's wait sees the whole "
               "int status. Children go to init; the caller stays a zombie until reaped.",
               group=P),
        OpSpec("wait", "v?", 2, sys_wait, "wait -> pid, status: reap a zombie child (the "
               "first in table order), sleeping until one exits; -1 without children or "
               "when killed. Portable form: wait PID -> status (that child only).", group=P),
        OpSpec("kill", "v", 1, sys_kill, "Mark process PID killed: it exits (status -1) at "
               "its next trap (system call, timer, or wake-up); 0, or -1 if no such pid.",
               group=P),
        OpSpec("getpid", "", 1, sys_getpid, "The caller's pid.", group=P, min_results=1),
        OpSpec("sleep", "v", 1, sys_sleep, "Sleep N ticks; 0 (the process exits instead if "
               "it is killed meanwhile).", group=P),
        OpSpec("uptime", "", 1, sys_uptime, "Ticks since boot.", group=P, min_results=1),
        OpSpec("spawn", "p,v?,v?,v?", 1, sys_spawn, "Portable: fork, then exec PROG in the "
               "child (args in its r0..); the child's pid, or -1.", group=P),
        OpSpec("getcmd", "", 1, sys_getcmd, "Used by sh: sleep until a command line is "
               "typed; the pid of the child running it.", group=C, min_results=1),
        OpSpec("procdump", "", 0, op_procdump, "Print the process table, as typing ^P at "
               "the console does (not a system call: no trap, no cost).", group=C,
               instant=True),
    ]
    return {spec.name: spec for spec in specs}

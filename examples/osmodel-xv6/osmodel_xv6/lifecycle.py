"""Ending processes the xv6 way: exit, zombies, wait, and kill that only marks.

exit (kernel/proc.c) gives the exiting process's children to init, wakes
its parent and leaves a ZOMBIE holding the pid and the whole int status.
wait scans the table for a child; it reaps a zombie (returning its pid and
status), returns -1 when the caller has no children (or was killed), and
otherwise sleeps until some child exits.

kill(pid) only sets ``p->killed`` (and wakes the process if it sleeps in a
call that checks the flag); the process exits with status -1 at its next
*trap*, the next time it enters the kernel:

- a system call: the check at the start of usertrap() and after the call;
- a timer interrupt: here, the end of its current time slice (or the next
  tick when the scheduler gives no slices); a process that is waiting for a
  CPU exits as soon as it is scheduled again;
- a sleep that checks ``killed`` (wait, sleep, the console read) is ended at
  once and the process exits as it returns to user space; a disk request is
  not interrupted, so the process exits when it completes.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from osmodel.kernel import BLOCKED, RUNNING, ExitStatus

from .proc import say, system, xv6
from .states import ZOMBIE

if TYPE_CHECKING:
    from osmodel.kernel import Kernel, Process, State

#: Sleeps that give up when the process is killed (the others are disk requests).
INTERRUPTIBLE = frozenset({"wait", "sleep", "getcmd"})
#: The status a killed process exits with (xv6: exit(-1) in usertrap()).
KILLED_STATUS = -1


def exit_status(code: int) -> ExitStatus:
    """exit(code): xv6 keeps the whole int, so exit(300) is 300 and exit(-1) is -1."""
    return ExitStatus("normal" if code == 0 else "error", code, reason="exit")


# --- exit ------------------------------------------------------------------------------


def wakeup_waiter(kernel: Kernel, proc: Process | None, why: str) -> None:
    """wakeup(p): a process sleeping in wait runs its wait again (it rescans the table)."""
    if proc is not None and proc.state is BLOCKED and proc.blocked_on == "wait":
        kernel.wake(proc, why)


def reparent(kernel: Kernel, proc: Process) -> None:
    """Give every child of ``proc`` to init; wake init, which may have a zombie to reap."""
    sysm = system(kernel)
    init = kernel.processes.get(sysm.init) if sysm.init is not None else None
    moved = False
    for child in list(sysm.children(proc.pid)):
        new = init.pid if init is not None and init is not proc else None
        xv6(child).parent = new
        moved = True
        if kernel.sinks:
            kernel.trace("reparent", child.pid, old=proc.pid, new=new, to="init")
    if moved and init is not None and init is not proc:
        wakeup_waiter(kernel, init, "child given to init")


def on_exit(kernel: Kernel, proc: Process) -> State | None:
    """The platform's part of exit(): re-parent, wake the parent, stay a ZOMBIE."""
    x = xv6(proc)
    assert proc.exit is not None
    x.xstate = proc.exit.code
    sysm = system(kernel)
    if proc.pid == sysm.init:
        # xv6 halts here; the model reports it and keeps the rest of the run going
        say(kernel, proc, "panic: init exiting")
    if proc.pid == sysm.shell:
        sysm.shell = None
    reparent(kernel, proc)
    parent = kernel.processes.get(x.parent) if x.parent is not None else None
    if parent is None:
        return None
    wakeup_waiter(kernel, parent, "child exited")
    return ZOMBIE


def on_released(kernel: Kernel, proc: Process) -> None:
    """The zombie was reaped (freeproc()): its slot is UNUSED again."""
    table = system(kernel).table
    slot = xv6(proc).slot
    if table[slot] is proc:
        table[slot] = None


# --- wait ------------------------------------------------------------------------------


def wait(kernel: Kernel, proc: Process, pid: int | None = None) -> tuple[int, int] | None:
    """One pass of wait(): (pid, status) of a reaped zombie child, (-1, 0) when there is
    nothing to wait for, or None to sleep until a child exits.

    ``pid`` narrows it to one child (the portable ``wait PID``); xv6's own
    wait takes any child, the first zombie in table order.
    """
    havekids = False
    for child in system(kernel).children(proc.pid):
        if pid is not None and child.pid != pid:
            continue
        havekids = True
        if child.state is ZOMBIE:
            status = xv6(child).xstate
            if kernel.sinks:
                kernel.trace("reap", proc.pid, child=child.pid, status=status)
            kernel.release(child)
            return child.pid, status if status is not None else 0
    if not havekids or xv6(proc).killed:
        return -1, 0
    return None


# --- kill ------------------------------------------------------------------------------


def exit_killed(kernel: Kernel, proc: Process) -> None:
    """The trap that finds ``p->killed`` set: the process exits with status -1."""
    if proc.exit is None:
        kernel.exit(proc, ExitStatus("killed", KILLED_STATUS, reason="killed"))


def _timer_trap(kernel: Kernel, proc: Process) -> None:
    if proc.exit is not None:
        return
    if proc.state is BLOCKED:  # in a disk request: it exits once the request completes
        kernel.interrupt(proc, partial(exit_killed, kernel))
    else:
        exit_killed(kernel, proc)


def mark(kernel: Kernel, target: Process, by: int | str) -> None:
    """kill(): set ``killed`` and arrange for the target to exit at its next trap."""
    x = xv6(target)
    already = x.killed
    x.killed = True
    if kernel.sinks:
        kernel.trace("kill", target.pid, by=by, effect="marked killed" if not already
                     else "already marked")
    if already or target.exit is not None or target is kernel.current:
        return  # a zombie stays one; the caller itself exits as its kill() returns
    action = partial(exit_killed, kernel)
    if target.state is RUNNING:
        cpu = target.cpu
        assert cpu is not None
        end = cpu.slice_end
        when = int(end) if end != float("inf") else kernel.now + 1
        kernel.at(when, partial(_timer_trap, kernel), target)
        return
    if target.state is BLOCKED and target.blocked_on in INTERRUPTIBLE:
        kernel.wake(target, "killed")
    kernel.interrupt(target, action)

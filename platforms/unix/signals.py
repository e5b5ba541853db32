"""Signals: generation, the pending set, and delivery at the next instruction boundary.

Event-driven, never per tick: ``send`` records a signal and acts at once when
it can (a ready, stopped or interruptibly blocked process), or asks the kernel
to interrupt a running process (``kernel.interrupt``).  A process blocked on a
device (state D) keeps its signals pending until the I/O completes; SIGKILL
alone ends it at once.  Rules: signal(7), sigaction(2), kill(2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from osmodel.kernel.process import ExitStatus
from osmodel.kernel.states import BLOCKED, NEW, RUNNING

from . import waiting
from .constants import (
    CONT,
    CORE,
    EINTR,
    FAULT_SIGNALS,
    IGN,
    SIGALRM,
    SIGCONT,
    SIGKILL,
    SIGNALS,
    SIGSEGV,
    STOP,
    STOP_SIGNALS,
    STOPPED,
    TERM,
    UNCATCHABLE,
    signal_name,
)
from .proc import UnixProc, system, unix

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process

CATCH = "catch"
#: Who sent a signal: a pid, or the kernel part that generated it (tty1, fault, timer ...).
Sender = int | str | None


def action_of(u: UnixProc, sig: int) -> str:
    """What delivering ``sig`` does now: catch, or ign / term / core / stop / cont."""
    if sig not in UNCATCHABLE:
        if sig in u.caught:
            return CATCH
        if sig in u.ignored:
            return IGN
    return SIGNALS[sig][1]


def blocked(u: UnixProc, sig: int) -> bool:
    return sig in u.mask and sig not in UNCATCHABLE


def deliverable(u: UnixProc) -> list[int]:
    """Pending signals the mask lets through, lowest number first (as Linux delivers)."""
    return sorted(s for s in u.pending if not blocked(u, s))


def interruptible(proc: Process) -> bool:
    """Blocked in S (a wait, pause, sleep) rather than D (device I/O)."""
    return proc.state is BLOCKED and not proc.blocked_on.startswith("io:")


def _trace(kernel: Kernel, target: Process, sig: int, sender: Sender, action: str) -> None:
    kernel.trace("signal", target.pid, sig=signal_name(sig), sender=sender, action=action)


def send(kernel: Kernel, target: Process, sig: int, *, sender: Sender) -> None:
    """Generate ``sig`` for ``target`` (permission checks are the caller's)."""
    u = unix(target)
    if target.exit is not None:
        _trace(kernel, target, sig, sender, "none (zombie)")
        return
    if target.pid == system(kernel).init and sig not in u.caught:
        # init receives only the signals it has handlers for, even SIGKILL
        _trace(kernel, target, sig, sender, "none (init is protected)")
        return
    if sig == SIGCONT:
        resume(kernel, target)
    elif sig in STOP_SIGNALS:
        u.pending.discard(SIGCONT)
    action = action_of(u, sig)
    if action in (IGN, CONT) and not blocked(u, sig):
        _trace(kernel, target, sig, sender, "continue" if action == CONT else "ignored")
        return
    if sig == SIGKILL:
        _trace(kernel, target, sig, sender, "terminate")
        die(kernel, target, sig, "killed")
        return
    u.pending.add(sig)
    if blocked(u, sig):
        note = "pending (blocked by the mask)"
    elif target.state is STOPPED:
        note = "pending (stopped)"
    elif target.state is BLOCKED and not interruptible(target):
        note = f"pending (uninterruptible {target.blocked_on})"
    else:
        note = {CATCH: "handler", TERM: "terminate", CORE: "terminate (core)",
                STOP: "stop"}[action]
    _trace(kernel, target, sig, sender, note)
    schedule(kernel, target)


def schedule(kernel: Kernel, proc: Process) -> None:
    """Act on ``proc``'s deliverable signals as soon as the process allows it."""
    u = unix(proc)
    if proc.exit is not None or proc.state is STOPPED or not deliverable(u):
        return
    if proc.state in (RUNNING, NEW) or (proc.state is BLOCKED and not interruptible(proc)):
        if not u.delivering:
            u.delivering = True
            kernel.interrupt(proc, lambda p: _on_cpu(kernel, p))
        return
    deliver(kernel, proc)


def _on_cpu(kernel: Kernel, proc: Process) -> None:
    unix(proc).delivering = False
    deliver(kernel, proc)


def deliver(kernel: Kernel, proc: Process) -> None:
    """Take each deliverable signal's action now (the process is not mid-instruction)."""
    u = unix(proc)
    for sig in deliverable(u):
        if proc.exit is not None or proc.state is STOPPED:
            return
        u.pending.discard(sig)
        action = action_of(u, sig)
        if action == CATCH:
            if u.call is not None or proc.state is BLOCKED:
                _interrupt_call(kernel, proc)
            pc = u.caught[sig]
            # the signal is blocked while its handler runs, as sigaction does by default
            masked = sig not in u.mask
            u.mask.add(sig)
            kernel.divert(proc, pc, on_return=_unmasker(kernel, sig) if masked else None)
            kernel.trace("handler", proc.pid, sig=signal_name(sig), pc=pc)
        elif action in (TERM, CORE):
            die(kernel, proc, sig, "killed")
            return
        elif action == STOP:
            stop(kernel, proc, sig)
            return


def _unmasker(kernel: Kernel, sig: int) -> Callable[[Process], None]:
    def unmask(proc: Process) -> None:
        unix(proc).mask.discard(sig)
        schedule(kernel, proc)  # an instance that came meanwhile is delivered now

    return unmask


def _interrupt_call(kernel: Kernel, proc: Process) -> None:
    """A caught signal ends a sleep (or a call a stop interrupted): the call restarts
    after the handler, or fails with EINTR (pause)."""
    u = unix(proc)
    call = u.call
    if call is not None and not call.restart:
        ctx = proc.context
        ctx.pc += 1  # past the call, which was rewound when it blocked
        if call.results:
            ctx.registers[call.results[0]] = -1
        ctx.error = EINTR
    u.call = None
    if proc.state is BLOCKED:
        kernel.wake(proc, "signal")


def stop(kernel: Kernel, proc: Process, sig: int) -> None:
    """Default action Stop: state T until SIGCONT; the parent hears of it."""
    u = unix(proc)
    if proc.state is BLOCKED:
        # a rewound call runs again after SIGCONT; u.call stays, so that a handler run
        # before then still ends a pause with EINTR
        kernel.wake(proc, "signal")
    kernel.set_state(proc, STOPPED, signal_name(sig))
    u.stop_report, u.cont_report = sig, False
    waiting.child_changed(kernel, proc)


def resume(kernel: Kernel, proc: Process) -> None:
    """SIGCONT: discard pending stops; a stopped process runs again."""
    u = unix(proc)
    u.pending -= STOP_SIGNALS
    if proc.state is STOPPED:
        kernel.ready(proc, "SIGCONT")
        u.stop_report, u.cont_report = None, True
        waiting.child_changed(kernel, proc)
        schedule(kernel, proc)


def die(kernel: Kernel, proc: Process, sig: int, kind: str, reason: str | None = None) -> None:
    """End ``proc`` by ``sig``: a shell shows 128+N, waitpid WTERMSIG N."""
    if proc.exit is None:
        kernel.exit(proc, ExitStatus(kind, 128 + sig, signal=sig,
                                     reason=reason or signal_name(sig)))


def fault(kernel: Kernel, proc: Process, kind: str, detail: Mapping[str, Any]) -> bool:
    """A hardware fault raises its signal in the faulting process, synchronously.

    A handler runs at once and its ``ret`` resumes after the faulting
    instruction; ignored or blocked, a real fault still kills (Linux
    force_sig_fault resets the action to default and unblocks it).
    """
    sig = FAULT_SIGNALS.get(kind, SIGSEGV)
    u = unix(proc)
    if action_of(u, sig) == CATCH and not blocked(u, sig):
        _trace(kernel, proc, sig, "fault", "handler")
        pc = u.caught[sig]
        kernel.divert(proc, pc)
        kernel.trace("handler", proc.pid, sig=signal_name(sig), pc=pc)
        return True
    _trace(kernel, proc, sig, "fault", "terminate (core)" if sig != SIGKILL else "terminate")
    reason = signal_name(sig) + (" (out of memory)" if kind == "out_of_memory" else "")
    die(kernel, proc, sig, "fatal", reason)
    return True


def alarm(kernel: Kernel, proc: Process, ticks: int) -> int:
    """alarm(2): SIGALRM after ``ticks``; returns what was left of the previous alarm."""
    u = unix(proc)
    left = 0
    if u.alarm is not None and not u.alarm.cancelled:
        left = max(0, u.alarm.time - kernel.now)
        u.alarm.cancel()
    u.alarm = None
    if ticks > 0:
        u.alarm = kernel.after(ticks, lambda p: _ring(kernel, p), proc)
    return left


def _ring(kernel: Kernel, proc: Process) -> None:
    unix(proc).alarm = None
    send(kernel, proc, SIGALRM, sender="timer")

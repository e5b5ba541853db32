"""Ending a process, signaling its object, waiting on objects, and releasing the record.

Rules (Terminating a Process, GetExitCodeProcess, WaitForSingleObject):
ending closes the process's handles, sets the 32-bit exit code and signals
the process object; every holder of a SYNCHRONIZE handle may wait, any
number of times, and nothing is reaped.  The object, and with it the pid,
lives until the last handle to the process or to its thread is closed.
Nobody is told of a child's end and nobody is re-parented: there is no tree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from osmodel.kernel.process import ExitStatus
from osmodel.kernel.states import TERMINATED

from .constants import (
    ERROR_ACCESS_DENIED,
    WAIT_OBJECT_0,
    WAIT_TIMEOUT,
    WinError,
    dword,
)
from .objects import EventObject, KernelObject, ProcessObject, ThreadObject, Waiter, describe
from .proc import WinProc, system, trace, win

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process
    from osmodel.kernel.states import State


def install(kernel: Kernel, proc: Process, data: WinProc, tid: int) -> None:
    """Give a new process its process and thread objects (no handle yet), and name it the
    owner of its handle table."""
    proc.resources.owner = proc.pid
    data.obj = ProcessObject(proc=proc, on_zero=lambda _: maybe_release(kernel, proc))
    data.thread = ThreadObject(proc=proc, tid=tid, on_zero=lambda _: maybe_release(kernel, proc))


def maybe_release(kernel: Kernel, proc: Process) -> None:
    """Drop what nothing refers to any more: the thread id, then the process record."""
    data = win(proc)
    if not data.obj.finished:
        return
    maybe_release_thread_id(kernel, proc)
    if data.thread.refs == 0 and data.obj.refs == 0 and kernel.processes.get(proc.pid) is proc:
        kernel.release(proc)


def exit_code(proc: Process) -> int:
    """What GetExitCodeProcess reads: STILL_ACTIVE (259) while live, then the 32-bit code."""
    return win(proc).exit_code


# --- the ways to end ------------------------------------------------------------------


def exit_process(kernel: Kernel, proc: Process, code: int, reason: str = "ExitProcess") -> None:
    """ExitProcess: a normal end with 0, an error exit otherwise; the code is kept whole."""
    code = dword(code)
    kernel.exit(proc, ExitStatus("normal" if code == 0 else "error", code, reason=reason))


def terminate(kernel: Kernel, target: Process, code: int, *, by: str,
              caller: Process | None = None) -> None:
    """TerminateProcess: the target ends at once with ``code``; no handler runs.

    An already ended process makes it fail with ERROR_ACCESS_DENIED.  A
    process that terminates itself ends as an exit with that code.
    """
    if target.exit is not None:
        raise WinError(ERROR_ACCESS_DENIED, f"process {target.pid} has already ended")
    code = dword(code)
    trace(kernel, "TerminateProcess", caller.pid if caller is not None else None,
          target=target.pid, code=code, by=by)
    if caller is target:
        exit_process(kernel, target, code, reason="TerminateProcess (itself)")
        return
    kernel.exit(target, ExitStatus("killed", code, reason=f"TerminateProcess by {by}"))


def on_exit(kernel: Kernel, proc: Process) -> State | None:
    """The process has ended (handles closed, memory released): set the code, signal
    the object, and keep the record while a handle to it or its thread is open."""
    data = win(proc)
    assert proc.exit is not None
    data.exit_code = dword(proc.exit.code if proc.exit.code is not None else 0)
    cancel_wait(kernel, proc)
    data.resume = None
    data.tries.clear()
    data.obj.finished = True
    system(kernel).running[data.account] -= 1
    signal(kernel, data.obj)
    signal(kernel, data.thread)
    maybe_release_thread_id(kernel, proc)
    held = data.obj.refs + data.thread.refs
    if held:
        if kernel.sinks:
            trace(kernel, "signaled", proc.pid, exit_code=data.exit_code,
                  kept_by_handles=held_by(proc))
        return TERMINATED
    return None


def maybe_release_thread_id(kernel: Kernel, proc: Process) -> None:
    """The thread object is gone once its thread ended and no handle is open: free its id."""
    thread = win(proc).thread
    if thread.refs == 0 and not thread.freed:
        thread.freed = True
        if thread.tid:
            system(kernel).ids.free(thread.tid)


def held_by(proc: Process) -> list[str]:
    """Who holds handles to ``proc`` or its thread: ``pid:handle`` entries, by holder pid."""
    data = win(proc)
    return [f"{pid}:{value}"
            for pid, value in sorted([*data.obj.holders(), *data.thread.holders()])]


# --- waiting --------------------------------------------------------------------------


def wait(kernel: Kernel, proc: Process, obj: KernelObject, ms: int | None,
         result: int | None, *, exit_code: bool = False) -> int | None:
    """WaitForSingleObject: the result now, or None when the caller blocked.

    ``ms`` None means INFINITE; a timed wait sets a timer (ticks are
    milliseconds).  A wait that a Ctrl handler interrupted resumes with the
    deadline it had.
    """
    data = win(proc)
    pc = proc.context.pc - 1
    deadline = None if ms is None else kernel.now + ms
    if data.resume is not None:
        if data.resume[0] == pc:
            deadline = data.resume[1]
        data.resume = None
    if obj.signaled():
        if isinstance(obj, EventObject) and not obj.manual:
            obj.state = False
        return completion(obj, exit_code)
    if deadline is not None and deadline <= kernel.now:
        return WAIT_TIMEOUT
    waiter = Waiter(proc, obj, exit_code, deadline, pc=pc)
    obj.waiters.append(waiter)
    data.wait = waiter
    if deadline is not None:
        waiter.timer = kernel.at(deadline, lambda w: _timed_out(kernel, w), waiter)
    kernel.block(proc, f"WaitForSingleObject({describe(obj)})", result)
    return None


def completion(obj: KernelObject, exit_code: bool) -> int:
    if exit_code and isinstance(obj, ProcessObject):
        return win(obj.proc).exit_code
    return WAIT_OBJECT_0


def _timed_out(kernel: Kernel, waiter: Waiter) -> None:
    if win(waiter.proc).wait is not waiter:
        return
    cancel_wait(kernel, waiter.proc)
    kernel.wake(waiter.proc, "wait timed out", WAIT_TIMEOUT)


def cancel_wait(kernel: Kernel, proc: Process) -> Waiter | None:
    """Take ``proc`` off the object it waits on (it ended, or a handler interrupts it)."""
    data = win(proc)
    waiter = data.wait
    if waiter is None:
        return None
    data.wait = None
    if waiter in waiter.obj.waiters:
        waiter.obj.waiters.remove(waiter)
    if waiter.timer is not None:
        waiter.timer.cancel()
    return waiter


def interrupt_wait(kernel: Kernel, proc: Process) -> bool:
    """Stop a wait so a handler can run; the waiting instruction runs again after it."""
    waiter = cancel_wait(kernel, proc)
    if waiter is None:
        return False
    win(proc).resume = (waiter.pc, waiter.deadline)
    proc.context.pc = waiter.pc
    kernel.wake(proc, "Ctrl handler")
    return True


def signal(kernel: Kernel, obj: KernelObject) -> None:
    """Wake the waiters of a signaled object, in the order they came: all of them,
    or one for an auto-reset event (which resets)."""
    while obj.waiters and obj.signaled():
        waiter = obj.waiters.pop(0)
        win(waiter.proc).wait = None
        if waiter.timer is not None:
            waiter.timer.cancel()
        if isinstance(obj, EventObject) and not obj.manual:
            obj.state = False
        kernel.wake(waiter.proc, f"{describe(obj)} signaled", completion(obj, waiter.exit_code))

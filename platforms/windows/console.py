"""Console control: CTRL_C_EVENT and CTRL_BREAK_EVENT to the processes on a console.

Rules (CTRL+C and CTRL+BREAK Signals, SetConsoleCtrlHandler,
GenerateConsoleCtrlEvent): a key press sends the event to every process
attached to the console; detached processes never see it.  CTRL_C_EVENT
skips processes that ignore it (SetConsoleCtrlHandler(NULL, TRUE), which
children inherit, and what CREATE_NEW_PROCESS_GROUP sets in a new group);
CTRL_BREAK_EVENT is always delivered.  Each process runs its handler list,
last added first, ending in the default handler, which calls
ExitProcess(STATUS_CONTROL_C_EXIT).

Model: a program handler runs on the process's one thread (Windows starts a
new thread for it) at the next instruction boundary, with r0 = the event; a
wait it interrupts runs again afterwards with the time it had left.  Its
``ret`` means TRUE (handled), so the handlers added before it do not run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from osmodel.kernel.process import ExitStatus

from . import lifetime
from .constants import (
    CTRL_BREAK_EVENT,
    CTRL_C_EVENT,
    CTRL_EVENTS,
    ERROR_INVALID_HANDLE,
    ERROR_INVALID_PARAMETER,
    STATUS_CONTROL_C_EXIT,
    WinError,
    exception_text,
)
from .proc import trace, win

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process

IGNORED = "ignored"


def send(kernel: Kernel, console: int, event: int, group: int, *, sender: str) -> list[int]:
    """Send ``event`` to the processes on ``console`` (``group`` 0: all of them).

    CTRL_C_EVENT cannot be limited to a group: sent to a nonzero group it
    succeeds but nobody receives it.  Returns the pids that received it.
    """
    name = CTRL_EVENTS[event]
    if event == CTRL_C_EVENT and group != 0:
        trace(kernel, "ctrl", None, event=name, console=console, group=group, sender=sender,
              action="nobody receives CTRL_C_EVENT sent to a process group")
        return []
    targets = [p for p in kernel.live()
               if win(p).console == console and (group == 0 or win(p).group == group)]
    received = []
    for proc in targets:
        if proc.exit is not None:
            continue
        action = plan(proc, event)
        trace(kernel, "ctrl", proc.pid, event=name, console=console, group=group,
              sender=sender, action=action)
        if action != IGNORED:
            deliver(kernel, proc, event)
            received.append(proc.pid)
    return received


def plan(proc: Process, event: int) -> str:
    """What delivering ``event`` to ``proc`` does, in words."""
    data = win(proc)
    if event == CTRL_C_EVENT and data.ignore_ctrl_c:
        return IGNORED
    if data.handlers:
        return f"handler at {data.handlers[-1]}"
    return "default handler: ExitProcess(STATUS_CONTROL_C_EXIT)"


def deliver(kernel: Kernel, proc: Process, event: int) -> None:
    """Run ``proc``'s handler list for ``event`` (the caller checked it is not ignored)."""
    data = win(proc)
    if data.handlers:
        pc = data.handlers[-1]
        lifetime.interrupt_wait(kernel, proc)
        kernel.interrupt(proc, lambda p: _run_handler(kernel, p, pc, event))
        return
    kernel.exit(proc, ExitStatus("killed", STATUS_CONTROL_C_EXIT,
                                 reason=f"{CTRL_EVENTS[event]}: default handler, "
                                 f"{exception_text(STATUS_CONTROL_C_EXIT)}"))


def _run_handler(kernel: Kernel, proc: Process, pc: int, event: int) -> None:
    kernel.divert(proc, pc)
    proc.context.registers[0] = event
    trace(kernel, "handler", proc.pid, event=CTRL_EVENTS[event], pc=pc)


def set_handler(proc: Process, handler: int | None, add: bool) -> None:
    """SetConsoleCtrlHandler: add or remove a routine; NULL sets or clears ignoring Ctrl+C."""
    data = win(proc)
    if handler is None:
        data.ignore_ctrl_c = add
        return
    if add:
        data.handlers.append(handler)
    elif handler in data.handlers:
        del data.handlers[len(data.handlers) - 1 - data.handlers[::-1].index(handler)]
    else:
        raise WinError(ERROR_INVALID_PARAMETER, f"no handler at {handler} to remove")


def generate(kernel: Kernel, proc: Process, event: int, group: int) -> list[int]:
    """GenerateConsoleCtrlEvent from a program: only on the caller's own console."""
    if event not in (CTRL_C_EVENT, CTRL_BREAK_EVENT):
        raise WinError(ERROR_INVALID_PARAMETER, f"no console event {event}")
    console = win(proc).console
    if console is None:
        raise WinError(ERROR_INVALID_HANDLE, "the caller has no console")
    return send(kernel, console, event, group, sender=str(proc.pid))

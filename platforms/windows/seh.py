"""Structured exception handling: hardware faults are exceptions a program may handle.

Rules (Structured Exception Handling, GetExceptionCode): a fault raises
EXCEPTION_ACCESS_VIOLATION (0xC0000005), EXCEPTION_INT_DIVIDE_BY_ZERO
(0xC0000094) or EXCEPTION_ILLEGAL_INSTRUCTION (0xC000001D).  Inside
``__try`` the ``__except`` block runs and the process goes on; unhandled,
the process ends and its exit code is the exception value.

In the program language ``try LABEL`` opens a ``__try`` block whose
``__except`` block starts at LABEL, and ``endtry`` closes it.  A fault
inside unwinds to LABEL (stack pointer as at ``try``), as
EXCEPTION_EXECUTE_HANDLER does; execution does not return to the fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from osmodel.kernel.process import ExitStatus

from .constants import EXCEPTION_ACCESS_VIOLATION, FAULT_EXCEPTIONS, exception_text
from .proc import TryFrame, trace, win

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process


def begin(proc: Process, handler: int) -> None:
    ctx = proc.context
    win(proc).tries.append(TryFrame(handler, ctx.sp, len(ctx.frames)))


def end(proc: Process) -> None:
    tries = win(proc).tries
    if tries:
        tries.pop()


def _innermost(proc: Process) -> TryFrame | None:
    """The __try block that covers the current code: one opened at this handler depth."""
    tries = win(proc).tries
    depth = len(proc.context.frames)
    while tries and tries[-1].depth > depth:
        tries.pop()  # left behind by a handler that returned inside its __try
    return tries[-1] if tries and tries[-1].depth == depth else None


def fault(kernel: Kernel, proc: Process, kind: str, detail: Mapping[str, Any]) -> bool:
    """Raise the exception for a fault: the __except block runs, or the process ends."""
    code = FAULT_EXCEPTIONS.get(kind, EXCEPTION_ACCESS_VIOLATION)
    frame = _innermost(proc)
    if frame is not None:
        win(proc).tries.pop()
        win(proc).exception = code
        ctx = proc.context
        ctx.pc, ctx.sp, ctx.burst_left = frame.handler, frame.sp, 0
        trace(kernel, "exception", proc.pid, code=exception_text(code),
              action=f"__except at {frame.handler}")
        return True
    trace(kernel, "exception", proc.pid, code=exception_text(code), action="unhandled: the "
          "process ends with the exception code")
    kernel.exit(proc, ExitStatus("fatal", code, reason=exception_text(code)))
    return True

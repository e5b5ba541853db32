"""What reports show instead of a tree: the process list with creators, and the handle graph.

Windows keeps no hierarchy: a creator's pid is only recorded, and it goes
stale when that process is gone (or names another process once reused).
Control is by handle, so the arrangement worth drawing is who holds which
handle to which object, with what rights.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from osmodel.kernel.render import table

from .constants import STILL_ACTIVE, exception_text, rights_text
from .handles import handle_list
from .lifetime import held_by
from .objects import describe, kind_of
from .proc import creator_status, win

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process

#: Windows thread states for the kernel's process states (one thread per process).
THREAD_STATES = {"new": "Initialized", "ready": "Ready", "running": "Running",
                 "blocked": "Waiting", "terminated": "Terminated", "idle": "Running"}


def code_text(code: int) -> str:
    if code == STILL_ACTIVE:
        return "259 (STILL_ACTIVE)"
    if code >= 0xC0000000:
        return exception_text(code)
    return str(code)


def creator_text(kernel: Kernel, proc: Process) -> str:
    data = win(proc)
    if data.creator is None:
        return "-"
    status = creator_status(kernel, proc)
    other = kernel.processes.get(data.creator)
    if status == "running" and other is not None:
        return f"{data.creator} {other.name}"
    if status == "ended":
        return f"{data.creator} (ended)"
    return f"{data.creator} ({'gone' if status == 'gone' else 'pid reused'}: stale)"


def process_info(kernel: Kernel, proc: Process) -> dict[str, Any]:
    """The JSON fields of a process: creator record, exit code, handles, job, console."""
    data = win(proc)
    status = creator_status(kernel, proc)
    return {
        "creator_alive": None if data.creator is None else status == "running",
        "exit_code": data.exit_code,
        "handles_to_it": data.obj.refs + data.thread.refs,
        "job": data.job.number if data.job is not None else None,
        "console": {"id": data.console, "group": data.group,
                    "ignores_ctrl_c": data.ignore_ctrl_c, "handlers": list(data.handlers)},
        "thread": {"tid": data.thread.tid, "state": THREAD_STATES.get(proc.state.name,
                                                                       proc.state.name),
                   "suspend_count": data.thread.suspend_count},
        "token": {"account": data.account, "session": data.session},
        "handles": handle_list(proc),
    }


def process_rows(kernel: Kernel, procs: list[Process]) -> list[str]:
    rows = [[p.pid, p.name, p.state.name, creator_text(kernel, p), code_text(win(p).exit_code),
             ", ".join(held_by(p)) or "-"] for p in procs]
    return table(["PID", "NAME", "STATE", "CREATOR (recorded)", "EXIT CODE",
                  "HANDLES"], rows)


def handle_rows(kernel: Kernel) -> list[str]:
    rows = []
    for pid in sorted(kernel.processes):
        holder = kernel.processes[pid]
        for value, slot in holder.resources:
            rows.append([f"{pid} {holder.name}", value, describe(slot.obj),
                         rights_text(kind_of(slot.obj), slot.rights),
                         "yes" if slot.inheritable else "no"])
    if not rows:
        return ["  (no handle is open)"]
    return table(["HOLDER", "HANDLE", "OBJECT", "RIGHTS", "INHERITABLE"], rows)


def structure(kernel: Kernel) -> list[str]:
    """The process list (no tree) and the handle graph, as text."""
    procs = [kernel.processes[pid] for pid in sorted(kernel.processes)]
    return ["processes: no tree; each creator pid is only recorded, and may be stale",
            "  (HANDLES: the handles to each process, as holder pid:handle)",
            *("  " + line for line in process_rows(kernel, procs)),
            "handles: who holds which handle to which object, with what rights",
            *("  " + line for line in handle_rows(kernel))]


def tasklist(kernel: Kernel) -> list[str]:
    """The users' processes (not the boot ones), for the ``tasklist`` instruction."""
    procs = [kernel.processes[pid] for pid in sorted(kernel.processes)
             if kernel.processes[pid].cause != "boot"]
    return process_rows(kernel, procs)


def graph(kernel: Kernel) -> list[dict[str, Any]]:
    """The handle graph as edges, for the JSON report."""
    edges = []
    for pid in sorted(kernel.processes):
        for value, slot in kernel.processes[pid].resources:
            edge: dict[str, Any] = {"holder": pid, "handle": value, "object": describe(slot.obj),
                                    "rights": rights_text(kind_of(slot.obj), slot.rights)}
            target = getattr(slot.obj, "proc", None)
            if target is not None:
                edge["pid"] = target.pid
            edges.append(edge)
    return edges

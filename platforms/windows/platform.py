"""The Windows platform: the class the kernel instantiates, with its hook implementations.

Everything here is a thin dispatch to the modules that hold the rules
(creation, handles, lifetime, console, jobs, sections, seh, boot, report),
so that the hooks a third party would write are easy to read on their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from osmodel.kernel import hookimpl
from osmodel.kernel.events import EventKind
from osmodel.kernel.events import kind as _kind
from osmodel.kernel.manager import LazyModule
from osmodel.kernel.platform import Platform

from .constants import (
    CTRL_BREAK_EVENT,
    CTRL_C_EVENT,
    ERROR_ACCESS_DENIED,
    ERROR_FILE_NOT_FOUND,
    ERROR_INVALID_HANDLE,
    ERROR_INVALID_PARAMETER,
    FILE_GENERIC_READ,
    FILE_GENERIC_WRITE,
    IDLE,
    USER_CONSOLE,
    constants,
)
from .proc import WindowsSystem, trace

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.link import OpSpec
    from osmodel.kernel.process import Process
    from osmodel.kernel.states import State

    from . import boot, console, lifetime, seh, syscalls
    from . import report as reporting
else:  # the rules are imported when a run on windows first needs them, not at registration
    boot = LazyModule(f"{__package__}.boot")
    console = LazyModule(f"{__package__}.console")
    lifetime = LazyModule(f"{__package__}.lifetime")
    seh = LazyModule(f"{__package__}.seh")
    syscalls = LazyModule(f"{__package__}.syscalls")
    reporting = LazyModule(f"{__package__}.report")

#: Console keys and the event each sends to every process on the user's console.
KEYS = {"ctrl-c": CTRL_C_EVENT, "ctrl-break": CTRL_BREAK_EVENT}

#: The rule and its source behind each kind of difference ``osmodel compare`` reports.
COMPARE_RULES: Mapping[str, str] = {
    "presence": "CreateProcess: returns 0 on failure, nothing is created",
    "orphan": "CreateProcess: no hierarchy; ending a process does not end or re-parent "
              "its children",
    "memory": "CreateProcess: a new private address space from the image; nothing of "
              "the creator's memory is copied",
    "forced_kill": "TerminateProcess: the process ends at once with the caller's exit code",
    "fatal_fault": "Structured Exception Handling: unhandled, the exit code is the "
                   "exception code (0xC0000005, 0xC0000094, 0xC000001D)",
    "ctrl_c_reach": "CTRL+C and CTRL+BREAK Signals: every process attached to the console "
                    "(Ctrl+C is disabled in a CREATE_NEW_PROCESS_GROUP group)",
    "ctrl_c_end": "SetConsoleCtrlHandler: the default handler calls ExitProcess with "
                  "STATUS_CONTROL_C_EXIT (0xC000013A)",
    "exit_width": "GetExitCodeProcess: exit codes are 32-bit, not truncated",
    "end": "Terminating a Process, GetExitCodeProcess",
}

#: The trace events windows emits beyond the kernel's, with their fields.
EVENTS: Mapping[str, EventKind] = {
    "boot": _kind("the system is up", system="System's pid", shell="explorer's pid",
                  task_scheduler="the Task Scheduler's pid", console="the user's console"),
    "CreateProcess": _kind("CreateProcess made a process", child="its pid",
                           program="its image", hProcess="the creator's process handle",
                           hThread="the creator's thread handle", tid="the thread id",
                           flags="the creation flags", inherited="handles inherited, or None",
                           job="the job it is in, or None"),
    "TerminateProcess": _kind("TerminateProcess, or an operator's kill", (
        "code", "by", "result", "note"), target="the pid", code="the exit code",
                              by="who", result="why it failed", note="what the kill means"),
    "OpenProcess": _kind("a handle to a process was opened", target="the pid",
                         handle="the new handle", state="the target's state"),
    "CloseHandle": _kind("a handle was closed", handle="the handle", object="its object",
                         handles_left="handles still open on it, or None"),
    "DuplicateHandle": _kind("a handle was copied", source="the source pid",
                             handle="the source handle", target="the target pid",
                             new="the new handle", object="the object",
                             rights="the access rights", closed_source="DUPLICATE_CLOSE_SOURCE"),
    "error": _kind("a call failed", call="the call", error="the error name and code",
                   detail="why, in words"),
    "ctrl": _kind("a console control event, per receiver (pid None: nobody)", (
        "event", "console", "group", "sender", "key"), event="CTRL_C_EVENT or "
        "CTRL_BREAK_EVENT", console="the console", group="the process group (0: all)",
                  sender="who sent it", key="a key that sends no event",
                  action="what it does to the receiver"),
    "handler": _kind("a console control handler starts", event="the event", pc="the handler"),
    "exception": _kind("a structured exception", code="the exception code",
                       action="__except, or unhandled"),
    "signaled": _kind("the process object is signaled and kept by open handles",
                      exit_code="the exit code", kept_by_handles="who holds handles"),
    "section": _kind("a section was created or mapped", (
        "created", "pages", "mapped", "address", "view"), created="the new section",
                     pages="its size in pages", mapped="the section mapped",
                     address="where", view="shared, read-only or copy-on-write"),
    "job": _kind("a job object acted", ("assigned", "terminate", "code", "reason"),
                 job="the job", assigned="the pid assigned", terminate="the pids ended",
                 code="their exit code", reason="why"),
}


class WindowsPlatform(Platform):
    """CreateProcess from an image, no tree, handles with access rights, console events."""

    name = "windows"
    summary = ("Windows: CreateProcess (a new address space from the image), no hierarchy, "
               "control through handles that can be passed on, 32-bit exit codes, "
               "structured exceptions, console control events and job objects")
    states = (IDLE,)
    events = EVENTS
    file_rights = FILE_GENERIC_READ | FILE_GENERIC_WRITE
    file_inheritable = False  # CreateFile handles pass to children only when marked

    def __init__(self, kernel: Kernel) -> None:
        super().__init__(kernel)
        self.system = WindowsSystem()
        kernel.pids = self.system.ids

    # --- what programs see -----------------------------------------------------------

    def syscalls(self) -> Mapping[str, OpSpec]:
        return syscalls.table()

    def constants(self) -> Mapping[str, int]:
        return constants()

    def equivalents(self) -> Mapping[str, str]:
        return {
            "fork": "CreateProcess (a new process from an image; nothing is copied)",
            "exec": "CreateProcess (a new process with a new pid)",
            "execve": "CreateProcess (a new process with a new pid)",
            "waitpid": "WaitForSingleObject, then GetExitCodeProcess (any handle holder)",
            "wexitstatus": "GetExitCodeProcess (the whole 32-bit code)",
            "wifexited": "GetExitCodeProcess (the code says how it ended)",
            "wifsignaled": "GetExitCodeProcess (the code says how it ended)",
            "wtermsig": "GetExitCodeProcess (the code says how it ended)",
            "setpgid": "CREATE_NEW_PROCESS_GROUP or job objects",
            "setsid": "DETACHED_PROCESS or CREATE_NEW_CONSOLE",
            "getpgid": "nothing: a console group is fixed at CreateProcess",
            "tcsetpgrp": "nothing: every process on the console gets Ctrl+C",
            "signal": "SetConsoleCtrlHandler (Ctrl+C) or try/endtry (faults)",
            "sigignore": "SetConsoleCtrlHandler NULL, TRUE",
            "pause": "WaitForSingleObject on an event",
            "alarm": "WaitForSingleObject with a timeout",
            "getppid": "none: the creator's pid is only recorded (GetProcessId of a handle)",
            "pstree": "tasklist (there is no tree)",
            "dup": "DuplicateHandle",
            "dup2": "DuplicateHandle",
            "cloexec": "SetHandleInformation (clear HANDLE_FLAG_INHERIT)",
            "mmap_shared": "CreateFileMapping + MapViewOfFile (FILE_MAP_WRITE)",
            "mmap_private": "CreateFileMapping + MapViewOfFile (FILE_MAP_COPY)",
            "prctl_subreaper": "nothing: nobody is re-parented (jobs group processes)",
            "getuid": "nothing: access is checked per handle",
        }

    def error_code(self, reason: str) -> int:
        return {"bad": ERROR_INVALID_HANDLE, "missing": ERROR_FILE_NOT_FOUND,
                "mode": ERROR_ACCESS_DENIED}.get(reason, ERROR_INVALID_PARAMETER)

    # --- set-up and creation ---------------------------------------------------------

    def boot(self, kernel: Kernel) -> None:
        boot.boot(kernel)

    def user_command(self, kernel: Kernel, program: str, background: bool,
                     args: Sequence[int]) -> Process | None:
        return boot.user_command(kernel, program, background, args)

    def batch_job(self, kernel: Kernel, program: str, args: Sequence[int]) -> Process | None:
        return boot.batch_job(kernel, program, args)

    # --- termination -----------------------------------------------------------------

    def process_exit(self, kernel: Kernel, process: Process) -> State | None:
        return lifetime.on_exit(kernel, process)

    def process_released(self, kernel: Kernel, process: Process) -> None:
        if process.pid:
            self.system.ids.free(process.pid)

    def fault(self, kernel: Kernel, process: Process, fault: str,
              detail: Mapping[str, Any]) -> bool:
        return seh.fault(kernel, process, fault, detail)

    def operator_kill(self, kernel: Kernel, target: Process, signal: str | None) -> None:
        boot.operator_kill(kernel, target, signal)

    # --- hierarchy: there is none (`Platform.parent` answers None) --------------------

    def interrupt(self, kernel: Kernel, key: str) -> list[int]:
        """A console key: every process attached to the user's console receives its
        event; the answer is those that do not ignore it."""
        event = KEYS.get(key)
        if event is None:
            trace(kernel, "ctrl", None, key=key, action="no console event (Ctrl+Z only types "
                  "an end-of-file character)")
            return []
        return console.send(kernel, USER_CONSOLE, event, 0, sender=f"key {key}")

    def process_info(self, kernel: Kernel, process: Process) -> Mapping[str, Any]:
        return reporting.process_info(kernel, process)

    def structure(self, kernel: Kernel) -> Sequence[str]:
        return reporting.structure(kernel)

    def report_section(self, kernel: Kernel) -> Mapping[str, Any]:
        return {
            "structure": reporting.structure(kernel),
            "handle_graph": reporting.graph(kernel),
            "named_sections": sorted(self.system.names),
        }

    @hookimpl(optionalhook=True, trylast=True)
    def osmodel_compare_rules(self, kernel: Kernel) -> Mapping[str, str]:
        """The rule and its source behind each kind of difference ``osmodel compare``
        reports (a hook the compare view adds; optional, so windows loads without it)."""
        return COMPARE_RULES

"""The xv6 platform: the class the kernel instantiates, with its hook implementations.

Each hook is a thin dispatch to the module that holds the rule (creation,
lifecycle, boot, procdump), so the hooks a platform must write are easy to
read in one place.  Decision hooks are ``trylast``, as osmodel's own
platforms do, so that yet another plugin can still override them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from osmodel.kernel import ExitStatus, Platform, hookimpl

from . import boot, lifecycle, procdump, syscalls
from .proc import NPROC, Xv6System, say, xv6
from .states import ZOMBIE, xv6_state

if TYPE_CHECKING:
    from osmodel.kernel import Kernel, OpSpec, Process, State

#: x86 trap numbers (xv6's traps.h) and names for the kernel's faults.  The model's
#: machine traps on a divide by zero as x86 does (RISC-V does not trap at all).
TRAPS = {"divide_by_zero": (0, "divide error"), "illegal_instruction": (6, "illegal opcode"),
         "bad_address": (14, "page fault"), "out_of_memory": (14, "page fault")}


class Xv6Platform(Platform):
    """MIT's xv6: a fixed process table, fork by copying, kill that only marks."""

    name = "xv6"
    summary = ("xv6: a fixed table of NPROC = 64 processes, fork copies every page "
               "(no copy-on-write), exit leaves a zombie and gives children to init, "
               "wait -> pid and status, kill only marks; no signals, groups or sessions")
    states = (ZOMBIE,)
    #: The rules ``osmodel compare`` cites for xv6, with their sources.
    rules: ClassVar[Mapping[str, str]] = {
        "presence": "kernel/proc.c fork(): returns -1 when no proc[] slot is UNUSED (NPROC 64)",
        "orphan": "kernel/proc.c reparent(): an exiting process's children go to init",
        "memory": "kernel/vm.c uvmcopy(): fork copies every page; no copy-on-write",
        "forced_kill": "kernel/proc.c kill(): only marks p->killed; exit(-1) at the next trap",
        "fatal_fault": "kernel/trap.c usertrap(): a user trap prints and kills: exit(-1)",
        "ctrl_c_reach": "kernel/console.c: no signals; ^C is input, it reaches no process",
        "ctrl_c_end": "kernel/console.c: no signals; ^C ends no process",
        "exit_width": "kernel/proc.c exit(int), wait(uint64): the whole int reaches wait",
        "end": "kernel/proc.c exit(), wait()",
    }

    def __init__(self, kernel: Kernel) -> None:
        super().__init__(kernel)
        limit = kernel.machine.limits.processes
        self.system = Xv6System(nproc=min(NPROC, limit) if limit is not None else NPROC)

    # --- what programs see -----------------------------------------------------------

    def syscalls(self) -> Mapping[str, OpSpec]:
        return syscalls.table()

    def constants(self) -> Mapping[str, int]:
        return {"NPROC": self.system.nproc}

    def equivalents(self) -> Mapping[str, str]:
        none = "nothing: xv6 has no signals"
        return {
            "waitpid": "wait (-> pid, status: any child) or the portable wait PID",
            "execve": "exec",
            "getppid": "nothing: xv6 keeps p->parent but has no call to read it",
            "signal": none, "sigignore": none, "sigdefault": none, "sigblock": none,
            "sigunblock": none, "sigpending": none, "alarm": none,
            "pause": "sleep",
            "setpgid": "nothing: xv6 has no process groups",
            "getpgid": "nothing: xv6 has no process groups",
            "setsid": "nothing: xv6 has no sessions",
            "getsid": "nothing: xv6 has no sessions",
            "tcsetpgrp": "nothing: xv6 has no job control",
            "tcgetpgrp": "nothing: xv6 has no job control",
            "pstree": "procdump (the process table, as ^P prints it)",
            "CreateProcess": "fork + exec (or spawn)",
            "WaitForSingleObject": "wait",
            "GetExitCodeProcess": "wait (-> pid, status)",
            "TerminateProcess": "kill (it only marks the process)",
            "ExitProcess": "exit",
            "GetCurrentProcessId": "getpid",
        }

    def error_code(self, reason: str) -> int:
        return -1  # xv6 has no errno: a failing call just returns -1

    # --- set-up and creation ---------------------------------------------------------

    @hookimpl(trylast=True)
    def osmodel_boot(self, kernel: Kernel) -> None:
        boot.boot(kernel)

    @hookimpl(trylast=True)
    def osmodel_user_command(self, kernel: Kernel, program: str, background: bool,
                             args: Sequence[int]) -> Process:
        return boot.user_command(kernel, program, background, args)

    @hookimpl(trylast=True)
    def osmodel_batch_job(self, kernel: Kernel, program: str, args: Sequence[int]) -> Process:
        return boot.batch_job(kernel, program, args)

    # --- termination -----------------------------------------------------------------

    @hookimpl(trylast=True)
    def osmodel_process_exit(self, kernel: Kernel, process: Process) -> State | None:
        return lifecycle.on_exit(kernel, process)

    @hookimpl
    def osmodel_process_released(self, kernel: Kernel, process: Process) -> None:
        lifecycle.on_released(kernel, process)

    @hookimpl(trylast=True)
    def osmodel_fault(self, kernel: Kernel, process: Process, fault: str,
                      detail: Mapping[str, Any]) -> bool:
        """A trap in user space: xv6 prints it, marks the process killed, and it exits."""
        trapno, what = TRAPS.get(fault, (13, "general protection"))
        address = int(detail.get("address", 0))
        err = 0
        if fault == "bad_address":  # x86 page-fault error code: user, write, present
            page = address // kernel.pool.page_words
            err = 4 | (2 if detail.get("write") else 0) | (
                1 if process.space.segment_at(page) is not None else 0)
        cpu = process.cpu.index if process.cpu is not None else 0
        say(kernel, process, f"pid {process.pid} {process.name}: trap {trapno} err {err} on "
                             f"cpu {cpu} eip {process.context.pc - 1:#x} addr {address:#x}"
                             "--kill proc")
        xv6(process).killed = True
        kernel.exit(process, ExitStatus("fatal", lifecycle.KILLED_STATUS,
                                        reason=f"trap {trapno}: {what}"))
        return True

    @hookimpl(trylast=True)
    def osmodel_operator_kill(self, kernel: Kernel, target: Process,
                              signal: str | None) -> bool:
        """kill(pid) from outside; xv6 has no signals, so a named one changes nothing."""
        lifecycle.mark(kernel, target, by="operator" if signal is None
                       else f"operator ({signal} ignored: xv6 has no signals)")
        return True

    # --- hierarchy -------------------------------------------------------------------

    @hookimpl(trylast=True)
    def osmodel_parent(self, kernel: Kernel, process: Process) -> int | None:
        return xv6(process).parent

    @hookimpl(trylast=True)
    def osmodel_interrupt(self, kernel: Kernel, key: str) -> list[int]:
        """xv6's console knows ^P (procdump), ^U, ^H and ^D; anything else is input.

        There are no signals and no job control, so Ctrl-C or Ctrl-Z reaches no
        process: the character waits in the console's buffer for a read.  Either
        way the key is handled and reaches no process (the empty answer).
        """
        init = kernel.processes.get(self.system.init or 0)
        if key == "ctrl-p" and init is not None:
            for line in procdump.procdump(kernel):
                say(kernel, init, line)
            return []
        if kernel.sinks:
            kernel.trace("key", None, key=key, delivered_to="nobody",
                         why="xv6 has no signals or job control: the console keeps the "
                             "character as input")
        return []

    @hookimpl
    def osmodel_process_info(self, kernel: Kernel, process: Process) -> Mapping[str, Any]:
        x = xv6(process)
        released = kernel.processes.get(process.pid) is not process
        return {"xv6_state": xv6_state(process).name.upper(),
                "slot": None if released else x.slot, "killed": x.killed}

    @hookimpl(trylast=True)
    def osmodel_structure(self, kernel: Kernel) -> Sequence[str]:
        return procdump.procdump(kernel)

    @hookimpl
    def osmodel_report(self, kernel: Kernel, report: dict[str, Any]) -> None:
        sysm = self.system
        report["xv6"] = {"nproc": sysm.nproc, "slots_used": sysm.in_use(),
                         "forks_failed": sysm.forks_failed, "pages_loaded": sysm.pages_loaded,
                         "procdump": procdump.procdump(kernel)}

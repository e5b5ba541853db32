"""The bare platform: jobs from outside, the core instructions and ``exit``.

A process here has no parent and no children; it ends by ``exit`` (or by
falling off its program), by a fault, or by an operator's kill from the
timeline, and its record goes at once: nobody is there to wait for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from osmodel.kernel.errors import ConfigError
from osmodel.kernel.isa import val
from osmodel.kernel.link import OpSpec
from osmodel.kernel.platform import Platform
from osmodel.kernel.process import ExitStatus

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.link import Args, Res
    from osmodel.kernel.process import Process

#: What a program written for another platform should do instead, for the linker's errors.
_FROM_OUTSIDE = "no process creation: jobs start from the timeline (user or batch events)"
EQUIVALENTS = {
    "spawn": _FROM_OUTSIDE,
    "fork": _FROM_OUTSIDE,
    "exec": _FROM_OUTSIDE,
    "CreateProcess": _FROM_OUTSIDE,
    "wait": "no hierarchy, so nothing to wait for",
    "waitpid": "no hierarchy, so nothing to wait for",
    "WaitForSingleObject": "no hierarchy, so nothing to wait for",
    "kill": "no signals: an operator kill in the timeline ends a process",
    "signal": "no signals: an operator kill in the timeline ends a process",
    "TerminateProcess": "no signals: an operator kill in the timeline ends a process",
    "ExitProcess": "exit",
    "getppid": "no hierarchy: processes have no parent",
}


#: How almost every job ends: one value shared by all (an `ExitStatus` is frozen).
NORMAL_EXIT = ExitStatus("normal", 0, reason="exit")


def sys_exit(k: Kernel, p: Process, a: Args, r: Res) -> int:
    """``exit [code]``: a normal exit for 0, an error exit otherwise."""
    code = val(p, a[0]) if a else 0
    k.exit(p, NORMAL_EXIT if code == 0 else ExitStatus("error", code, reason="exit"))
    return 0


def start_job(kernel: Kernel, program: str, args: Sequence[int], cause: str) -> Process:
    """A new process running ``program`` with ``args`` in r0, r1, ...; ready at once."""
    proc = kernel.create(program, cause=cause, start=False)
    if args:
        proc.context.registers[: len(args)] = list(args)
    kernel.ready(proc, cause)
    return proc


class BarePlatform(Platform):
    """Jobs started from outside, the core instruction set plus ``exit``; nothing else."""

    name = "bare"
    summary = "processes and nothing else: jobs from the timeline, no tree, no signals"

    def syscalls(self) -> Mapping[str, OpSpec]:
        return {"exit": OpSpec("exit", "v?", 0, sys_exit,
                               "End the process: code 0 is a normal exit, others an error exit.",
                               group="process")}

    def equivalents(self) -> Mapping[str, str]:
        return EQUIVALENTS

    # --- creation: only from outside; a process's record goes at once when it ends
    # (`Platform.process_exit`), and there is no hierarchy (`Platform.parent`) -----------

    def user_command(self, kernel: Kernel, program: str, background: bool,
                     args: Sequence[int]) -> Process:
        return start_job(kernel, program, args, "user")

    def batch_job(self, kernel: Kernel, program: str, args: Sequence[int]) -> Process:
        return start_job(kernel, program, args, "batch")

    def operator_kill(self, kernel: Kernel, target: Process, signal: str | None) -> None:
        if signal is not None:
            raise ConfigError(f"bare has no signals: a kill event ends {target.name} "
                              f"(pid {target.pid}) outright; remove signal = {signal!r}")
        kernel.exit(target, ExitStatus("killed", None, reason="operator kill"))

"""A minimal platform used only by the core's tests, so the core is tested alone.

spawn makes a fresh process, wait blocks until a child ends and returns its
code, kill ends a process, exit ends the caller.  Ended processes are kept
until waited for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from osmodel.kernel import hookimpl
from osmodel.kernel.isa import put, val
from osmodel.kernel.kernel import Kernel
from osmodel.kernel.link import OpSpec
from osmodel.kernel.platform import Platform
from osmodel.kernel.process import ExitStatus, Process
from osmodel.kernel.states import TERMINATED, State


def sys_spawn(k: Kernel, p: Process, a: Any, r: Any) -> int:
    child = k.create(a[0], cause="syscall", creator=p)
    put(p, r, child.pid)
    return 1


def sys_wait(k: Kernel, p: Process, a: Any, r: Any) -> int:
    child = k.processes.get(val(p, a[0]))
    if child is None or child.creator != p.pid:
        put(p, r, -1)
        return 1
    if child.exit is not None:
        put(p, r, child.exit.code or 0)
        k.release(child)
        return 1
    child.extra["waiter"] = p
    k.block(p, f"wait {child.pid}", r[0] if r else None)
    return 0


def sys_kill(k: Kernel, p: Process, a: Any, r: Any) -> int:
    target = k.processes.get(val(p, a[0]))
    if target is not None:
        k.exit(target, ExitStatus("killed", 9, signal=9, reason="kill"))
    return 1


def sys_exit(k: Kernel, p: Process, a: Any, r: Any) -> int:
    code = val(p, a[0]) if a else 0
    k.exit(p, ExitStatus("normal" if code == 0 else "error", code, reason="exit"))
    return 0


class Toy(Platform):
    name = "toy"
    summary = "a test-only platform"

    def syscalls(self) -> Mapping[str, OpSpec]:
        return {
            "spawn": OpSpec("spawn", "p", 1, sys_spawn, "create a child"),
            "wait": OpSpec("wait", "v", 1, sys_wait, "wait for a child"),
            "kill": OpSpec("kill", "v", 0, sys_kill, "kill a process"),
            "exit": OpSpec("exit", "v?", 0, sys_exit, "end the caller"),
        }

    def constants(self) -> Mapping[str, int]:
        return {"ANSWER": 42}

    def equivalents(self) -> Mapping[str, str]:
        return {"fork": "spawn"}

    @hookimpl(trylast=True)
    def osmodel_user_command(self, kernel: Kernel, program: str, background: bool,
                             args: Sequence[int]) -> Process:
        proc = kernel.create(program, cause="user", start=False)
        proc.context.registers[: len(args)] = list(args)
        kernel.ready(proc, "user")
        return proc

    @hookimpl(trylast=True)
    def osmodel_process_exit(self, kernel: Kernel, process: Process) -> State | None:
        waiter = process.extra.pop("waiter", None)
        if waiter is not None:
            kernel.wake(waiter, "child ended", process.exit.code if process.exit else 0)
            return None
        return TERMINATED


@hookimpl
def osmodel_platforms() -> dict[str, type[Platform]]:
    return {"toy": Toy}

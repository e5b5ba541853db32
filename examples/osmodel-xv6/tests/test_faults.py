"""A trap in user space: xv6 prints it and kills the process (status -1)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from osmodel.testing import Run


@pytest.mark.parametrize(("code", "message", "reason"), [
    ("nop\nload [0] -> r1", "trap 14 err 4 on cpu 0 eip 0x1 addr 0x0", "trap 14: page fault"),
    ("store [8], 1", "trap 14 err 7 on cpu 0 eip 0x0 addr 0x8", "trap 14: page fault"),
    ("mov 0 -> r1\ndiv 1, r1 -> r2", "trap 0 err 0 on cpu 0 eip 0x1 addr 0x0",
     "trap 0: divide error"),
    ("illegal", "trap 6 err 0 on cpu 0 eip 0x0 addr 0x0", "trap 6: illegal opcode"),
])
def test_a_fault_is_reported_and_the_process_killed(
        xv6: Callable[..., Run], code: str, message: str, reason: str) -> None:
    sim = xv6({"main": code + "\nprint \"never\""})
    (main,) = sim.procs("main")
    assert sim.said()[1:] == [f"pid {main.pid} main: {message}--kill proc"]
    assert main.exit is not None
    assert (main.exit.kind, main.exit.code, main.exit.reason) == ("fatal", -1, reason)
    assert sim.kernel.hook.osmodel_process_info(kernel=sim.kernel, process=main)[0][
        "killed"] is True

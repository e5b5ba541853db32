"""The machine a scenario describes: CPUs, memory, costs, scheduler and limits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import field, frozen

# The bounds on what a machine is made of.  Each is checked where a value is read (a
# scenario's [machine], a command-line option), so a value that validates cannot exhaust
# the host: memory grows with frames * page_words, queues with CPUs.

#: The most CPUs a machine may have.
MAX_CPUS = 1024
#: The most physical frames.
MAX_FRAMES = 1 << 20
#: The most words in a page (a power of two).
MAX_PAGE_WORDS = 1 << 12
#: The most words of physical memory, frames * page_words: about 130 MB of Python lists
#: when every frame is in use.
MAX_MEMORY_WORDS = 1 << 24
#: The longest time any one value in ticks may give (a cost, an arrival, a quantum ...).
MAX_TICKS = 10**12


@frozen
class Limits:
    """Bounds that stop a runaway workload cleanly instead of crashing the simulator.

    ``processes``: size of the process table (a fork bomb meets EAGAIN or its
    platform's equivalent); ``user_processes``: the per-user process limit a
    platform may apply (UNIX RLIMIT_NPROC).  The others are budgets: the run
    stops, with ``Kernel.stop_reason`` naming the budget, after ``time``
    simulated ticks, ``instructions`` executed, ``created`` processes made,
    ``refused`` creations turned away because a table was full (a fork bomb
    retrying EAGAIN), or ``events`` traced.  Budgets count work, never wall
    time, so a stopped run is as reproducible as a finished one; the defaults
    stop a runaway within seconds and leave room for every shipped workload.
    None means unbounded.
    """

    processes: int | None = 4096
    time: int | None = 1_000_000
    user_processes: int | None = None
    instructions: int | None = 10_000_000
    created: int | None = 10_000
    refused: int | None = 1_000
    events: int | None = 200_000


@frozen
class Machine:
    """What a run is made of; values are checked where the scenario is read."""

    cpus: int = 1
    frames: int = 4096
    page_words: int = 8
    switch_cost: int = 0
    scheduler: str = "rr"
    scheduler_options: Mapping[str, Any] = field(factory=dict)
    io_issue_cost: int = 1
    io_done_cost: int = 1
    limits: Limits = field(factory=Limits)

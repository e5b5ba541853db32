"""The names the built-in policies share, from before they had a module each.

`osmodel.plugins.schedulers.options` reads and bounds options,
`osmodel.plugins.schedulers.queues` holds the ready queues and
`osmodel.plugins.schedulers.policy` is the policy base; this module re-exports
them so that ``from osmodel.plugins.schedulers.base import ...`` keeps working.
"""

from __future__ import annotations

from .options import MAX_BIG, MAX_LEVELS, MAX_OPTION_TICKS, OptionError, OptionReader
from .policy import INF, QUEUE_MODES, Job, Policy
from .queues import (
    FifoEntry,
    FifoQueue,
    HeapEntry,
    HeapQueue,
    ReadyQueue,
    check_affinity,
    sub_queue,
)

__all__ = [
    "INF",
    "MAX_BIG",
    "MAX_LEVELS",
    "MAX_OPTION_TICKS",
    "QUEUE_MODES",
    "FifoEntry",
    "FifoQueue",
    "HeapEntry",
    "HeapQueue",
    "Job",
    "OptionError",
    "OptionReader",
    "Policy",
    "ReadyQueue",
    "check_affinity",
    "sub_queue",
]

"""Event objects: the simplest waitable object a program can signal itself.

Services wait on an event nobody sets (their stop request), which blocks
them without a timer, so a run ends when the users' work is done.  Rules
(CreateEvent, SetEvent, ResetEvent): a manual-reset event stays signaled and
releases every waiter; an auto-reset event releases one waiter and resets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import handles, lifetime
from .constants import EVENT_ALL_ACCESS
from .objects import EventObject
from .proc import system

if TYPE_CHECKING:
    from osmodel.kernel.kernel import Kernel
    from osmodel.kernel.process import Process


def create(kernel: Kernel, proc: Process, manual: bool, initial: bool) -> int:
    sysm = system(kernel)
    sysm.events += 1
    event = EventObject(manual=manual, state=initial, number=sysm.events)
    return handles.add(proc, event, EVENT_ALL_ACCESS)


def set_event(kernel: Kernel, event: EventObject) -> None:
    event.state = True
    lifetime.signal(kernel, event)


def reset_event(event: EventObject) -> None:
    event.state = False

"""Process states as values, so that a platform can add its own.

The core knows the textbook's three states plus new and terminated; UNIX adds
zombie and stopped.  ``textbook`` maps every state onto the textbook's names
so that any platform's trace can be read in the chapter's terms.
"""

from __future__ import annotations

from attrs import frozen


@frozen
class State:
    """A process state: its name, and what the textbook calls it."""

    name: str
    textbook: str
    letter: str = "?"

    def __str__(self) -> str:
        return self.name


NEW = State("new", "new", "N")
READY = State("ready", "ready", "R")
RUNNING = State("running", "running", "R")
BLOCKED = State("blocked", "blocked", "S")
TERMINATED = State("terminated", "terminated", "X")

CORE_STATES = (NEW, READY, RUNNING, BLOCKED, TERMINATED)

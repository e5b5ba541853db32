"""Scheduler options: every policy's options read by one reader, each with a bound.

An option is user input (a scenario's ``[machine] scheduler = { ... }`` or
``-o NAME=VALUE``), so a bad one is an `OptionError` that names the scheduler
and the option; the error path turns the option's name into the place it was
written (`Scenario.locations`).  Every integer option has an upper bound, the
same wherever it comes from.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable, Mapping
from typing import Any

from osmodel.kernel.errors import ConfigError
from osmodel.kernel.machine import MAX_TICKS

__all__ = ["MAX_BIG", "MAX_LEVELS", "MAX_OPTION_TICKS", "OptionError", "OptionReader"]

#: The most levels a multi-level queue may have (each CPU's queue keeps a FIFO per level).
MAX_LEVELS = 64
#: The largest stride numerator (``big``).
MAX_BIG = 1_000_000_000
#: Every other integer option is a time in ticks, at most the machine's bound on times.
MAX_OPTION_TICKS = MAX_TICKS

# Values are echoed in errors: a long list or string shows only its start.
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxtuple, _SHORT.maxstring, _SHORT.maxother = (
    2, 8, 8, 40, 40)


def _bound(value: int) -> str:
    return f"{value:,}" if value >= 10_000 else str(value)


class OptionError(ConfigError):
    """A scheduler option that is unknown or has a bad value; ``option`` names it, so an
    error can point at where the option was written (`Scenario.locations`)."""

    def __init__(self, message: str, scheduler: str, option: str) -> None:
        super().__init__(message)
        self.scheduler = scheduler
        self.option = option


class OptionReader:
    """Reads a scheduler's options; every bad one is an OptionError naming scheduler and option.

    Every integer option has an upper bound (`MAX_LEVELS`, `MAX_BIG`,
    `MAX_OPTION_TICKS`), the same from a scenario file and from ``-o``, so a value
    that passes cannot make a policy build more than it can hold.
    """

    def __init__(self, scheduler: str, config: Mapping[str, Any],
                 known: Iterable[str]) -> None:
        self.scheduler = scheduler
        self.config = config
        allowed = sorted(known)
        unknown = sorted(set(config) - set(allowed))
        if unknown:
            raise OptionError(f"scheduler {scheduler!r} has no option "
                              f"{_SHORT.repr(unknown[0])} "
                              f"(options: {', '.join(allowed) or 'none'})", scheduler, unknown[0])

    def fail(self, option: str, wanted: str) -> OptionError:
        return OptionError(f"scheduler {self.scheduler!r}: option {option!r} must be {wanted}, "
                           f"not {_SHORT.repr(self.config[option])}", self.scheduler, option)

    @staticmethod
    def _is_int(value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    def integer(self, option: str, minimum: int = 0, maximum: int = MAX_OPTION_TICKS) -> int:
        value = self.config[option]
        if not self._is_int(value) or not minimum <= value <= maximum:
            raise self.fail(option, f"an integer from {minimum} to {_bound(maximum)}")
        return int(value)

    def boolean(self, option: str) -> bool:
        value = self.config[option]
        if not isinstance(value, bool):
            raise self.fail(option, "true or false")
        return value

    def choice(self, option: str, choices: Iterable[str]) -> str:
        value = self.config[option]
        allowed = tuple(choices)
        if value not in allowed:
            raise self.fail(option, "one of " + ", ".join(repr(c) for c in allowed))
        return str(value)

    def per_level(self, option: str, levels: int, minimum: int = 1,
                  maximum: int = MAX_OPTION_TICKS) -> list[int]:
        """An integer for every level, or a list of one integer per level."""
        value = self.config[option]
        wanted = (f"an integer from {minimum} to {_bound(maximum)} or a list of {levels} "
                  f"such integers (one per level)")

        def fits(item: object) -> bool:
            return (isinstance(item, int) and not isinstance(item, bool)
                    and minimum <= item <= maximum)

        if self._is_int(value):
            if not fits(value):
                raise self.fail(option, wanted)
            return [int(value)] * levels
        if (not isinstance(value, list | tuple) or len(value) != levels
                or not all(fits(v) for v in value)):
            raise self.fail(option, wanted)
        return [int(v) for v in value]

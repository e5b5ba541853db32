"""Errors that osmodel reports to users.

Every error a user can cause carries enough to find the cause: a source
location for bad input, a plugin and hook for a failing plugin.  The command
line turns each into a one-line message and exit status 2.
"""

from __future__ import annotations

from attrs import frozen


class OsmodelError(Exception):
    """Base class: something the user (or a plugin author) must fix."""


@frozen
class Location:
    """Where in a source something was found: file (or None), 1-based line and column."""

    file: str | None
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file or '<string>'}:{self.line}:{self.column}"


class SourceError(OsmodelError):
    """Bad input in a program or scenario, with the place and what was expected there."""

    def __init__(self, message: str, location: Location, expected: str | None = None) -> None:
        self.message = message
        self.location = location
        self.expected = expected
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        return text


class ConfigError(OsmodelError):
    """An unknown platform, scheduler or option, named with the choices that exist."""


class LimitTooSmall(ConfigError):
    """A ``[machine.limits]`` value the platform cannot run under (a process table smaller
    than its own boot); ``limit`` names the key, so the error can point at it."""

    def __init__(self, message: str, limit: str) -> None:
        super().__init__(message)
        self.limit = limit


class PluginError(OsmodelError):
    """A plugin failed to load, has a bad hook, or raised while the simulation ran."""

    def __init__(
        self,
        plugin: str,
        message: str,
        *,
        hook: str | None = None,
        time: int | None = None,
        pid: int | None = None,
    ) -> None:
        self.plugin = plugin
        self.hook = hook
        self.time = time
        self.pid = pid
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [f"plugin {self.plugin!r}"]
        if self.hook:
            where.append(f"hook {self.hook}")
        if self.time is not None:
            where.append(f"time {self.time}")
        if self.pid is not None:
            where.append(f"pid {self.pid}")
        return f"{', '.join(where)}: {self.message}"


class LimitExceeded(OsmodelError):
    """A run hit one of the scenario's limits; the run ends cleanly with what it has."""

"""The scenarios shipped with osmodel, by topic: what each is called and where it lies.

A command that takes a scenario file accepts a gallery name too (`resolve`):
an existing path always wins, so a file of one's own never hides behind a
gallery entry of the same spelling.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from attrs import frozen

SCENARIOS = Path(__file__).resolve().parent / "scenarios"

#: Topics in the order the list shows them, each with its scenarios in reading order.
TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("the chapter: creating, running and ending processes",
     ("fork-cow", "exec", "zombie", "states", "parallel", "signals", "groups")),
    ("platform differences (osmodel compare NAME)",
     ("orphans", "isolation", "kill", "ctrl-c", "faults", "exit-width", "handles")),
    ("scheduling classics",
     ("convoy", "mlfq", "lottery")),
)


@frozen
class Entry:
    """One gallery scenario."""

    name: str
    topic: str
    path: Path
    title: str
    #: The platform the file names, or None for a scenario meant for ``osmodel compare``.
    platform: str | None


def _entry(name: str, topic: str) -> Entry:
    path = SCENARIOS / f"{name}.toml"
    with path.open("rb") as f:
        header = tomllib.load(f).get("scenario", {})
    return Entry(name, topic, path, header.get("title", name), header.get("platform"))


def entries() -> list[Entry]:
    """Every gallery scenario, by topic then in reading order."""
    return [_entry(name, topic) for topic, names in TOPICS for name in names]


def names() -> list[str]:
    return [name for _, group in TOPICS for name in group]


def find(name: str) -> Entry | None:
    """The gallery scenario called ``name`` (``.toml`` may be added), or None."""
    stem = name.removesuffix(".toml")
    for topic, group in TOPICS:
        if stem in group:
            return _entry(stem, topic)
    return None


def resolve(given: Path) -> Path:
    """The file a scenario argument means: the path if anything is there, else the gallery
    scenario of that name, else the path as given (whose reading then reports it missing)."""
    if given.exists() or given.is_symlink() or given.parent != Path("."):
        return given
    entry = find(given.name)
    return entry.path if entry is not None else given

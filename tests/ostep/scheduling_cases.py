"""The originals' recorded outputs for the scheduler and lottery tests, and how to compare.

Recorded by record_scheduling.py; each case keeps the exact command line the
original ran.  osmodel words its lines its own way, so a case matches when
every line that carries numbers carries the same numbers, in the same order
and spelled the same (``2.00`` is not ``2``), line for line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def cases(program: str) -> list[dict[str, Any]]:
    document = json.loads((DATA / f"{program}.json").read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = document["cases"]
    return found


def numbered_lines(text: str) -> list[list[str]]:
    """The numbers of each line that has any, line by line."""
    return [NUMBER.findall(line) for line in text.splitlines() if NUMBER.search(line)]

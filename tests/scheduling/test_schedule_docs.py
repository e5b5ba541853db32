"""docs/scheduling.md shows real output: every ``$ osmodel ...`` example is run and compared.

An example whose command fails shows what it printed on stderr (one line,
exit status 2); any other shows stdout, byte for byte.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from conftest import run_cli

DOC = Path(__file__).resolve().parents[2] / "docs" / "scheduling.md"


def examples() -> list[tuple[str, str]]:
    found = []
    for body in re.findall(r"```console\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        command, _, output = body.partition("\n")
        assert command.startswith("$ osmodel "), command
        found.append((command[2:], output))
    return found


def test_the_doc_has_the_homework_examples() -> None:
    commands = [command for command, _ in examples()]
    assert "osmodel schedule --policy rr --quantum 3 --jobs 5,2,7" in commands
    assert "osmodel schedule --policy sjf --jobs 300,100,200,100" in commands
    assert "osmodel schedule --process i5 --process c4" in commands
    assert "osmodel schedule --process i5 --process c4 --switch on-end" in commands


@pytest.mark.parametrize(("command", "output"), examples(), ids=[c for c, _ in examples()])
def test_an_example_prints_what_the_doc_shows(command: str, output: str) -> None:
    result = run_cli(*shlex.split(command)[1:])
    printed = result.stdout if result.code == 0 else result.stderr
    if result.code:
        assert result.code == 2 and result.stdout == ""
    assert printed == output

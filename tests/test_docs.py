"""The docs' examples run, and the instruction reference lists every core instruction."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import toy_kernel

from osmodel.kernel.isa import CORE_OPS

DOCS = Path(__file__).resolve().parent.parent / "docs"


def blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)


def test_every_core_instruction_is_in_the_reference() -> None:
    text = (DOCS / "language.md").read_text()
    for op in CORE_OPS:
        assert f"`{op.signature}`" in text, op.name


def test_the_language_example_runs_as_described() -> None:
    parent, child = blocks((DOCS / "language.md").read_text(), "asm")[-2:]
    kernel = toy_kernel({"main": parent, "child": child})
    kernel.create("main", cause="user")
    kernel.run()
    assert [text for *_, text in kernel.output] == ["child ended with 3 and x is 1"]

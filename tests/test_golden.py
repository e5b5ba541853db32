"""Golden tests: the text renderings of small scenarios, compared byte for byte.

Each case runs one command on a scenario of the gallery and compares
its stdout with tests/golden/NAME.txt.  The renderings are plain text with
fixed columns, independent of the terminal, so they are the same everywhere.

When a rendering changes on purpose, regenerate the files and review the diff:

    OSMODEL_REGEN_GOLDEN=1 pytest tests/test_golden.py
    git diff tests/golden/

With the variable set, each file that differs is rewritten from the current
output and its test still fails, saying which file was rewritten: a run with
the switch on passes only when nothing changed.  Without it, any difference
fails with a unified diff.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from test_cli import osmodel

from osmodel.plugins.gallery.catalog import SCENARIOS

TESTS = Path(__file__).resolve().parent
DATA = SCENARIOS
GOLDEN = TESTS / "golden"
REGENERATE = bool(os.environ.get("OSMODEL_REGEN_GOLDEN"))

CASES: dict[str, list[str]] = {
    "tree_unix_orphans_at_12": ["--platform", "unix", "tree", "orphans.toml", "--at", "12"],
    "tree_windows_orphans_at_12": ["--platform", "windows", "tree", "orphans.toml", "--at", "12"],
    "tree_windows_kill_at_15": ["--platform", "windows", "tree", "kill.toml", "--at", "15"],
    "tree_unix_ctrlc_dot_at_55": ["--platform", "unix", "tree", "ctrl-c.toml", "--at", "55",
                                  "--format", "dot"],
    "timeline_unix_ctrlc": ["--platform", "unix", "timeline", "ctrl-c.toml", "--width", "60"],
    "timeline_windows_ctrlc": ["--platform", "windows", "timeline", "ctrl-c.toml",
                               "--width", "60"],
    "compare_orphans": ["compare", "orphans.toml"],
    "compare_orphans_at_16": ["compare", "orphans.toml", "--at", "16"],
    "compare_memory": ["compare", "isolation.toml"],
    "compare_kill": ["compare", "kill.toml"],
    "compare_faults": ["compare", "faults.toml"],
    "compare_ctrlc": ["compare", "ctrl-c.toml"],
    "compare_width": ["compare", "exit-width.toml"],
    "compare_width_three_platforms": ["compare", "unix", "toy", "windows", "exit-width.toml"],
}


def check_golden(path: Path, actual: str, *, regenerate: bool) -> None:
    """Fail unless ``path`` holds ``actual``; with ``regenerate``, rewrite it first (and fail)."""
    data = actual.encode("utf-8")
    expected = path.read_bytes() if path.exists() else None
    if expected == data:
        return
    if regenerate:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        pytest.fail(f"rewrote {path.parent.name}/{path.name} from the current output: review "
                    "the diff, then run again without OSMODEL_REGEN_GOLDEN")
    if expected is None:
        pytest.fail(f"no {path}: run with OSMODEL_REGEN_GOLDEN=1 to create it")
    diff = difflib.unified_diff(expected.decode("utf-8").splitlines(), actual.splitlines(),
                                f"golden/{path.name}", "actual", lineterm="")
    pytest.fail("output differs from the golden file (OSMODEL_REGEN_GOLDEN=1 rewrites "
                "it):\n" + "\n".join(diff))


@pytest.mark.parametrize("name", sorted(CASES))
def test_rendering_matches_its_golden_file(name: str) -> None:
    args = [str(DATA / arg) if arg.endswith(".toml") else arg for arg in CASES[name]]
    result = osmodel(*args)
    assert result.code == 0, result.stderr
    check_golden(GOLDEN / f"{name}.txt", result.stdout, regenerate=REGENERATE)


@pytest.mark.parametrize("before", [b"old output\n", None])
def test_regenerating_a_golden_file_that_differs_still_fails(tmp_path: Path,
                                                             before: bytes | None) -> None:
    path = tmp_path / "golden" / "case.txt"
    if before is not None:
        path.parent.mkdir()
        path.write_bytes(before)
    with pytest.raises(pytest.fail.Exception, match=r"rewrote golden/case\.txt"):
        check_golden(path, "new output\n", regenerate=True)
    assert path.read_text() == "new output\n"
    check_golden(path, "new output\n", regenerate=True)  # unchanged now: passes
    with pytest.raises(pytest.fail.Exception, match="differs"):
        check_golden(path, "other\n", regenerate=False)


def test_every_golden_file_has_a_case() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.txt")) == sorted(CASES)


#: Golden outputs that docs/views.md shows; the docs must show them as they are.
IN_THE_DOCS = ("timeline_unix_ctrlc", "tree_unix_orphans_at_12", "tree_windows_kill_at_15",
               "tree_unix_ctrlc_dot_at_55", "compare_orphans_at_16")


@pytest.mark.parametrize("name", IN_THE_DOCS)
def test_the_docs_show_the_real_output(name: str) -> None:
    docs = (TESTS.parent / "docs" / "views.md").read_text(encoding="utf-8")
    command = "$ osmodel " + " ".join(
        arg.removesuffix(".toml") for arg in CASES[name])  # gallery names stand for the files
    assert f"{command}\n{(GOLDEN / f'{name}.txt').read_text(encoding='utf-8')}```" in docs

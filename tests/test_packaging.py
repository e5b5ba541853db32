"""Packaging: the wheel holds every subpackage and entry point; README and CI agree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("kernel", "platforms", "plugins")


def source_packages() -> set[str]:
    found = set()
    for folder in FOLDERS:
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT)
            found.add("osmodel/" + rel.as_posix())
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True, capture_output=True, text=True,
    )
    (path,) = out.glob("osmodel-*.whl")
    return zipfile.ZipFile(path)


def test_every_subpackage_is_in_the_wheel(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    packaged = {n.rsplit("/", 1)[0] for n in names if n.endswith("/__init__.py")}
    assert source_packages() <= packaged
    assert not any(n.split("/")[0] in FOLDERS for n in names), "a top-level name leaked"
    assert any(n.endswith("platforms/unix/demo.toml") for n in names)


def test_the_wheel_declares_the_entry_points(wheel: zipfile.ZipFile) -> None:
    (ep_file,) = [n for n in wheel.namelist() if n.endswith("entry_points.txt")]
    text = wheel.read(ep_file).decode()
    assert "osmodel = osmodel.kernel.cli:main" in text
    assert "[pytest11]" in text and "osmodel.kernel.testing" in text


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = "python3 -m venv .venv && .venv/bin/pip install '.[test]' && .venv/bin/pytest"
    assert command in readme
    assert command in ci
    assert "osmodel --platform unix" in readme


def test_the_source_tree_cannot_be_imported_under_the_wrong_name() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import kernel"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "import osmodel.kernel" in result.stderr

"""Packaging: the wheel holds every subpackage and entry point; building leaves the tree
clean; README and CI agree.

Builds run on a copy of the source tree in a temporary directory, so that a
build that writes into its tree shows here and never dirties the checkout.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("kernel", "platforms", "plugins", "testing")
#: What a build may write into the tree it builds; it must write neither.
LEFTOVERS = ("build", "*.egg-info")


def source_copy(dest: Path) -> Path:
    """The project's own files (no venv, caches or earlier build output) under ``dest``."""
    ignore = shutil.ignore_patterns(".git", ".venv", "__pycache__", "dist", *LEFTOVERS)
    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


def leftovers(tree: Path) -> list[str]:
    return sorted(p.relative_to(tree).as_posix() for pattern in LEFTOVERS
                  for p in tree.rglob(pattern) if ".venv" not in p.parts)


def source_packages() -> set[str]:
    found = set()
    for folder in FOLDERS:
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT)
            found.add("osmodel/" + rel.as_posix())
    return found


def run(*args: str, cwd: Path) -> None:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``python -m build`` (sdist, then the wheel from it) on a copy: (the copy, the dist dir)."""
    tree = source_copy(tmp_path_factory.mktemp("src") / "osmodel")
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", str(out), ".", cwd=tree)
    return tree, out


@pytest.fixture(scope="module")
def wheel(built: tuple[Path, Path]) -> zipfile.ZipFile:
    (path,) = built[1].glob("osmodel-*.whl")
    return zipfile.ZipFile(path)


def test_python_m_build_leaves_no_build_output_in_the_tree(built: tuple[Path, Path]) -> None:
    tree, out = built
    assert sorted(p.name.split("-")[0] for p in out.iterdir()) == ["osmodel", "osmodel"]
    assert leftovers(tree) == []


def test_pip_install_leaves_no_build_output_in_the_tree(tmp_path: Path) -> None:
    tree = source_copy(tmp_path / "osmodel")
    run(sys.executable, "-m", "pip", "install", "--no-deps", "--quiet",
        "--target", str(tmp_path / "site"), ".", cwd=tree)
    assert (tmp_path / "site" / "osmodel" / "testing" / "plugin.py").is_file()
    assert leftovers(tree) == []


def test_the_leftover_check_sees_what_setuptools_writes_by_default(tmp_path: Path) -> None:
    """Without setup.py's scratch directory, setuptools writes both into the tree."""
    tree = source_copy(tmp_path / "osmodel")
    setup = tree / "setup.py"
    setup.write_text(setup.read_text().replace("options=", "_unused="))
    run(sys.executable, "setup.py", "-q", "egg_info", "build_py", cwd=tree)
    assert leftovers(tree) == ["build", "osmodel.egg-info"]


def test_every_subpackage_is_in_the_wheel(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    packaged = {n.rsplit("/", 1)[0] for n in names if n.endswith("/__init__.py")}
    assert source_packages() <= packaged
    assert not any(n.split("/")[0] in FOLDERS for n in names), "a top-level name leaked"
    assert any(n.endswith("platforms/unix/demo.toml") for n in names)
    from osmodel.plugins.gallery.catalog import names as gallery

    for scenario in gallery():  # the gallery's files are data, not a package
        assert f"osmodel/plugins/gallery/scenarios/{scenario}.toml" in names


def test_the_wheel_declares_the_entry_points(wheel: zipfile.ZipFile) -> None:
    (ep_file,) = [n for n in wheel.namelist() if n.endswith("entry_points.txt")]
    text = wheel.read(ep_file).decode()
    assert "osmodel = osmodel.kernel.cli:main" in text
    assert "[pytest11]\nosmodel = osmodel.testing.plugin" in text


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

"""The optional extras: a missing one is named with the pip line that installs it (exit 2,
nothing written); Parquet holds what the CSV holds; ``--plot`` draws a PNG."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import run_cli

SPEC = """\
[sweep]
seeds = "0-4"
[grid]
policy = ["fifo", "rr"]
[workload]
count = 4
max_length = 10
"""


def sweep(tmp_path: Path, *args: str, name: str = "out.csv") -> tuple[int, str, Path]:
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC)
    out = tmp_path / name
    result = run_cli("sweep", str(spec), "-o", str(out), "--workers", "1", *args)
    return result.code, result.stderr, out


@pytest.mark.parametrize(("hidden", "args", "name", "message"), [
    (("dask", "dask.distributed"), ("--executor", "dask"), "out.csv",
     "--executor dask needs dask, which is not installed: pip install 'osmodel[dask]'"),
    (("matplotlib",), ("--plot", "p.png"), "out.csv",
     "--plot needs matplotlib, which is not installed: pip install 'osmodel[plot]'"),
    (("pyarrow", "pyarrow.parquet"), (), "out.parquet",
     "a .parquet output needs pyarrow, which is not installed: pip install 'osmodel[parquet]'"),
])
def test_a_missing_extra_says_which_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               hidden: tuple[str, ...], args: tuple[str, ...],
                                               name: str, message: str) -> None:
    for module in hidden:  # None in sys.modules: the import raises ImportError
        monkeypatch.setitem(sys.modules, module, None)
    code, stderr, _out = sweep(tmp_path, *args, name=name)
    assert code == 2
    assert stderr == f"osmodel: error: {message}\n"
    assert list(tmp_path.iterdir()) == [tmp_path / "spec.toml"]


def test_parquet_holds_the_csv_rows_and_resumes(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    code, stderr, csv_out = sweep(tmp_path)
    assert code == 0, stderr
    code, stderr, parquet = sweep(tmp_path, name="out.parquet")
    assert code == 0, stderr
    table = pq.read_table(parquet)
    lines = csv_out.read_text().splitlines()
    assert table.column_names == lines[0].split(",")
    assert str(table.schema.field("turnaround").type) == "double"
    assert str(table.schema.field("switches").type) == "int64"
    first = {name: table[name][0].as_py() for name in table.column_names}
    values = dict(zip(lines[0].split(","), lines[1].split(","), strict=True))
    assert first["turnaround"] == float(values["turnaround"])
    assert first["seed"] == 0 and first["policy"] == "fifo" and first["error"] == ""
    made = parquet.read_bytes()
    pq.write_table(table.slice(0, 3), parquet)  # as if interrupted after three runs
    code, stderr, parquet = sweep(tmp_path, "--resume", name="out.parquet")
    assert code == 0, stderr
    assert parquet.read_bytes() == made


def test_the_plot_is_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    code, stderr, _out = sweep(tmp_path, "--plot", str(tmp_path / "dist.png"))
    assert code == 0, stderr
    picture = (tmp_path / "dist.png").read_bytes()
    assert picture.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(picture[16:20], "big"), int.from_bytes(picture[20:24], "big")
    assert width >= 600 and height >= 600  # six panels, two across


def test_other_commands_do_not_import_the_heavy_parts() -> None:
    import subprocess

    code = ("import sys; from osmodel.kernel.cli import main\n"
            "try:\n    main(['plugins'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('dask', 'matplotlib', 'pyarrow', 'osmodel.plugins.sweep.work')"
            " if m in sys.modules]\nprint(heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.splitlines()[-1] == "[]"

"""``--executor dask`` on a LocalCluster: the same bytes as the local executor.

One cluster serves the whole module (starting one costs seconds); its
workers are threads of this process, which also shows that runs in
parallel threads keep to their own plugin managers.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

SPEC = """\
[sweep]
seeds = [3, 1, 2]
[grid]
policy = ["stcf", { name = "mlfq", levels = [2, 3] }]
cpus = [1, 2]
[workload]
count = 5
max_length = 30
"""


@pytest.fixture(scope="module")
def distributed() -> Iterator[Any]:
    """dask.distributed, imported here rather than when the module is collected.

    Importing it imports the importlib_metadata backport, which puts its own finder
    on sys.meta_path and deletes the standard one's ``find_distributions``; the
    start-up pre-check (`may_declare_entry_points`, tested in test_startup) then
    sees a finder it cannot list and says yes to everything.  Both are put back as
    they were when this module is done.
    """
    from importlib.machinery import PathFinder

    before = list(sys.meta_path)
    standard = PathFinder.__dict__.get("find_distributions")
    yield pytest.importorskip("dask.distributed")
    sys.meta_path[:] = [finder for finder in sys.meta_path if finder in before]
    if standard is not None and "find_distributions" not in PathFinder.__dict__:
        setattr(PathFinder, "find_distributions", standard)  # noqa: B010


@pytest.fixture(scope="module")
def cluster(distributed: Any) -> Iterator[Any]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0", silence_logs=logging.ERROR) as made:
        yield made


def run(tmp_path: Path, *args: str, name: str = "out.csv") -> Path:
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC)
    out = tmp_path / name
    result = run_cli("sweep", str(spec), "-o", str(out), *args)
    assert result.code == 0, result.stderr
    return out


def test_a_cluster_gives_the_local_bytes(cluster: Any, tmp_path: Path) -> None:
    local = run(tmp_path, "--workers", "1", name="local.csv")
    remote = run(tmp_path, "--executor", "dask", "--address", cluster.scheduler_address,
                 name="dask.csv")
    assert remote.read_bytes() == local.read_bytes()
    assert len(local.read_text().splitlines()) == 1 + 3 * 2 * 3


def test_a_local_cluster_is_started_when_no_address_is_given(
        distributed: Any, cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[dict[str, Any]] = []

    def started(**options: Any) -> Any:  # the module's cluster stands in for a new one
        made.append(options)
        return cluster

    monkeypatch.setattr(distributed, "LocalCluster", started)
    monkeypatch.setattr(type(cluster), "close", lambda self, *a, **k: None)
    local = run(tmp_path, "--workers", "1", name="local.csv")
    out = run(tmp_path, "--executor", "dask", "--workers", "2")
    assert out.read_bytes() == local.read_bytes()
    assert made == [{"n_workers": 2, "threads_per_worker": 1, "processes": True,
                     "dashboard_address": ":0", "silence_logs": logging.ERROR}]


def test_an_unreachable_scheduler_is_one_line(distributed: Any, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from osmodel.plugins.sweep import executors

    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", "0.5s")
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC)
    result = run_cli("sweep", str(spec), "-o", str(tmp_path / "o.csv"), "--executor", "dask",
                     "--address", "tcp://127.0.0.1:9")
    assert result.code == 2
    assert result.stderr.startswith("osmodel: error: --address tcp://127.0.0.1:9: cannot "
                                    "reach a Dask scheduler there")
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "o.csv").exists()

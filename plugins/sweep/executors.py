"""Where the batches run: a process pool on this machine, or a Dask cluster.

Both hand back each batch's results as it finishes, in whatever order the
workers finish; the command sorts them, so the output does not depend on
the executor or the number of workers.  Neither starts a worker per run:
a pool worker builds its plugin manager once (the pool's initializer) and
a Dask worker on its first batch (`osmodel.plugins.sweep.work.manager`).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from osmodel.kernel.errors import OsmodelError

from .extras import need
from .work import Batch, Result, Runs, adopt, run_batch, warm

if TYPE_CHECKING:
    from osmodel.kernel.manager import PluginManager

#: At most this many runs a batch: a batch is the unit of progress and of lost work.
MAX_BATCH = 250
#: How long to try to reach a Dask scheduler at ``--address``.
CONNECT_TIMEOUT = "10s"
#: Batches per worker, at least: enough that a slow batch does not leave a worker idle.
BATCHES_PER_WORKER = 8


class ExecutorError(OsmodelError):
    """The executor could not run the batches (a worker died, a cluster is unreachable)."""


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        os.cpu_count() or 1


def batches(plugins: tuple[str, ...], workload: Any, runs: Runs,
            workers: int) -> list[Batch]:
    """``runs`` cut into consecutive batches, at least `BATCHES_PER_WORKER` per worker."""
    size = max(1, min(MAX_BATCH, -(-len(runs) // (max(workers, 1) * BATCHES_PER_WORKER))))
    return [Batch(plugins, workload, tuple(runs[start:start + size]))
            for start in range(0, len(runs), size)]


def local(work: Sequence[Batch], workers: int,
          pm: PluginManager) -> Generator[list[Result], None, None]:
    """Run in this process (one worker) or in a pool of ``workers`` processes.

    The pool is started, and every batch submitted, before this returns: its
    processes are forked while this process has no other thread (the progress
    bar starts after), so each starts with osmodel imported; where forking is not
    safe, they come from a fork server that imports osmodel once.
    """
    if workers == 1 or not work:
        if work:
            adopt(work[0].plugins, pm)
        return (run_batch(batch) for batch in work)
    pool = ProcessPoolExecutor(workers, mp_context=_context(), initializer=warm,
                               initargs=(work[0].plugins,))
    try:
        futures = [pool.submit(run_batch, batch) for batch in work]
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    return _pooled(pool, futures)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        from osmodel.kernel.manager import BUILTIN_PLUGINS

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["osmodel.plugins.sweep.work",  # once, for all workers
                                        "osmodel.plugins.schedule.engine",
                                        *(module for _, module in BUILTIN_PLUGINS)])
        return context
    return multiprocessing.get_context("spawn")


def _pooled(pool: ProcessPoolExecutor,
            futures: list[Future[list[Result]]]) -> Generator[list[Result], None, None]:
    try:
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool:
                raise ExecutorError("a worker process of the pool died (out of memory, or "
                                    "killed); the runs finished so far are written") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def dask(work: Sequence[Batch], workers: int | None,
         address: str | None) -> Generator[list[Result], None, None]:
    """Run on the Dask scheduler at ``address``, or on a LocalCluster of ``workers``
    processes started for this sweep and stopped after it.  The cluster is reached
    and the batches submitted before this returns, so a bad address fails at once."""
    distributed = need("dask.distributed", "dask", "--executor dask")
    cluster = None
    try:
        if address is None:
            cluster = distributed.LocalCluster(
                n_workers=workers or default_workers(), threads_per_worker=1,
                processes=True, dashboard_address=":0", silence_logs=logging.ERROR)
            client = distributed.Client(cluster)
        else:
            client = distributed.Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as error:
        if cluster is not None:
            cluster.close()
        raise ExecutorError(f"--address {address}: cannot reach a Dask scheduler there: "
                            f"{error}") from None
    try:
        if work:
            client.run(warm, work[0].plugins)  # every worker's imports, before the first batch
        futures = client.map(run_batch, list(work), pure=False)
    except BaseException:
        client.close()
        if cluster is not None:
            cluster.close()
        raise
    return _distributed(distributed, client, cluster, futures)


def _distributed(distributed: Any, client: Any, cluster: Any,
                 futures: list[Any]) -> Generator[list[Result], None, None]:
    try:
        for future in distributed.as_completed(futures):
            try:
                yield future.result()
            except Exception as error:
                raise ExecutorError(
                    f"a Dask worker failed a batch ({type(error).__name__}: {error}); is "
                    "osmodel, with the same plugins, installed on every worker?") from None
    finally:
        client.cancel(futures)
        client.close()
        if cluster is not None:
            cluster.close()


def dask_workers(address: str) -> int:  # pragma: no cover - used by docs and benchmarks
    distributed = need("dask.distributed", "dask", "--executor dask")
    with distributed.Client(address, timeout=CONNECT_TIMEOUT) as client:
        return len(client.scheduler_info()["workers"])

"""Parse many revision files in worker processes.

The analysis is pure Python and CPU-bound, so threads would not help. Each worker returns its
summaries pickled; this process turns them into lazily unpickled summaries (`stored_summary`),
exactly as it does with cached ones, and never pays for unpickling what nobody reads.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import sys
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from alembic_ls.analysis.identifiers import GraphFields
from alembic_ls.analysis.parser import read_revision_file
from alembic_ls.analysis.stored_summary import dumps, graph_fields

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.context import BaseContext

# Below this many files to parse, worker processes cost more than they save (with fork; other
# start methods need four times as many). Each worker gets at least half this many files.
PARALLEL_MIN_FILES = 48


def _parse_chunk(paths: list[str]) -> bytes:
    """Worker-process entry point: (graph fields, pickled summary) for each path, pickled."""
    gc.disable()  # this process exists for this call only
    results = []
    for path in paths:
        summary = read_revision_file(path)
        results.append((graph_fields(summary), dumps(summary)))
    return dumps(results)


def worker_count() -> int:
    """ALEMBIC_LS_JOBS when set, else the CPUs this process may run on."""
    configured = os.environ.get("ALEMBIC_LS_JOBS", "").strip()
    if configured.isdigit():
        return max(int(configured), 1)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def process_context() -> BaseContext:
    """fork when this process has no other thread, else forkserver (or spawn)."""
    import multiprocessing  # here, not at the top: a server start does not need its 30 ms

    methods = multiprocessing.get_all_start_methods()
    # fork is cheapest but unsafe once other threads exist (one may hold a lock the child needs).
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def parse_in_workers(paths: list[str], jobs: int | None = None) -> list[tuple[GraphFields, bytes]] | None:
    """(graph fields, pickled summary) for each path, in order, parsed by up to `jobs` worker
    processes (default: one per CPU). None when that would not pay off (few files, one CPU) or
    the workers cannot start here: the caller then parses in-process."""
    batches = parse_batches_in_workers(paths, jobs)
    if batches is None:
        return None
    try:
        return [item for batch in batches for item in batch]
    except WorkersFailed:
        return None


class WorkersFailed(Exception):
    """The worker processes died or could not start: what they did not return is still to parse."""


class SharedWorkers:
    """Worker processes kept from one call to the next: a language server checking one project
    after another would otherwise start fresh interpreters for each (forkserver: ~0.2 s apiece).
    Started on first use, with as many workers as that call asks; `close()` ends them."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    def pool(self, workers: int, context: BaseContext) -> ProcessPoolExecutor:
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor

            _flush_before_fork(context)
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        return self._pool

    @property
    def running(self) -> bool:
        return self._pool is not None

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def parse_batches_in_workers(
    paths: list[str],
    jobs: int | None = None,
    batches_per_worker: int = 2,
    shared: SharedWorkers | None = None,
) -> Iterator[list[tuple[GraphFields, bytes]]] | None:
    """Like `parse_in_workers`, but each batch of consecutive paths is handed over as soon as it
    is parsed (in order), so the caller can work on the first ones while the workers parse the
    rest; more batches per worker hand them over sooner. Iterating raises WorkersFailed when the
    workers fail part way. With `shared`, its workers do the work and stay for the next call."""
    available = jobs or worker_count()
    if len(paths) < PARALLEL_MIN_FILES or available < 2:
        return None
    context = process_context()
    # Forking costs ~20 ms; other start methods re-import the program in each worker (unless
    # shared workers already did).
    cheap = context.get_start_method() == "fork" or (shared is not None and shared.running)
    minimum = PARALLEL_MIN_FILES * (1 if cheap else 4)
    workers = min(available, len(paths) // (minimum // 2))
    if workers < 2:
        return None
    per_batch = -(-len(paths) // (workers * batches_per_worker))
    batches = [paths[i : i + per_batch] for i in range(0, len(paths), per_batch)]
    if shared is not None:
        return _shared_batches(batches, shared.pool(workers, context), shared)
    return _parsed_batches(batches, workers, context)


def _shared_batches(
    batches: list[list[str]], pool: ProcessPoolExecutor, shared: SharedWorkers
) -> Iterator[list[tuple[GraphFields, bytes]]]:
    from concurrent.futures.process import BrokenProcessPool

    try:
        for result in pool.map(_parse_chunk, batches):
            yield pickle.loads(result)
    except (OSError, BrokenProcessPool) as exc:
        shared.close()
        raise WorkersFailed(str(exc)) from exc


def _flush_before_fork(context: BaseContext) -> None:
    if context.get_start_method() == "fork":
        # A forked worker flushes the stdio buffers it inherited when it exits: text still
        # buffered here (an LSP message on stdout) would be written twice.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()


def _parsed_batches(
    batches: list[list[str]], workers: int, context: BaseContext
) -> Iterator[list[tuple[GraphFields, bytes]]]:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    _flush_before_fork(context)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for result in pool.map(_parse_chunk, batches):
                yield pickle.loads(result)
    except (OSError, BrokenProcessPool) as exc:
        raise WorkersFailed(str(exc)) from exc

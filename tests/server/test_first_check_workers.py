"""A first full check of a large history, uncached, hands the parsing to worker processes as `check`
does, while the analysis thread checks what is already parsed (issue 19)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from alembic_ls.analysis.index import IndexCache
from alembic_ls.analysis.stored_summary import StoredRevisionFile
from alembic_ls.server import diagnostics_scheduler
from alembic_ls.server.diagnostics_scheduler import AHEAD_MIN_FILES, DiagnosticsEngine, _covering
from alembic_ls.workspace.state import Folder, WorkspaceState, newest_first


def _engine(history_root) -> tuple[DiagnosticsEngine, WorkspaceState]:
    state = WorkspaceState(IndexCache(None))
    state.load([Folder(None, history_root.resolve())])
    engine = DiagnosticsEngine(SimpleNamespace(state=state))  # type: ignore[arg-type]
    return engine, state


def _long_history(write_history, count: int):
    revisions = [(f"r{n:04d}", f"r{n - 1:04d}" if n else None) for n in range(count)]
    return write_history(*revisions)


def _unanalysed(state: WorkspaceState, paths: list[str]) -> int:
    return sum(
        1
        for p in paths
        if isinstance(s := state.projects[0].index.get(p), StoredRevisionFile) and s.unanalysed
    )


def test_a_large_uncached_history_is_parsed_ahead_in_worker_processes(write_history, monkeypatch) -> None:
    monkeypatch.setattr(diagnostics_scheduler, "worker_count", lambda: 2)
    monkeypatch.setenv("ALEMBIC_LS_JOBS", "2")
    engine, state = _engine(_long_history(write_history, AHEAD_MIN_FILES + 8).root)
    project = state.projects[0]
    paths = newest_first(project)
    assert _unanalysed(state, paths) == len(paths)
    runs = list(engine._analysed_ahead(project.name, paths))
    assert [p for run in runs for p in run] == paths  # every path once, in order
    assert len(runs) > 1  # handed over batch by batch, as the workers deliver them
    assert _unanalysed(state, paths) == 0
    assert all(state.check(project, p) is not None for p in paths)


@pytest.mark.parametrize("count", [AHEAD_MIN_FILES - 1])
def test_a_small_or_cached_history_is_checked_file_by_file(write_history, count: int) -> None:
    engine, state = _engine(_long_history(write_history, count).root)
    project = state.projects[0]
    paths = newest_first(project)
    assert list(engine._analysed_ahead(project.name, paths)) == [paths]
    assert _unanalysed(state, paths) == len(paths)  # each file's own check analyses it


def test_runs_cover_paths_the_index_no_longer_holds() -> None:
    paths = ["a", "b", "c", "d", "e"]
    assert list(_covering(paths, iter([["a", "b"], [], ["d"]]))) == [["a", "b"], ["c", "d"], ["e"]]
    assert list(_covering(paths, iter([]))) == [paths]


def test_shared_workers_serve_one_call_after_another(write_history) -> None:
    """20 projects of 250 revisions: one set of worker processes, not one per project."""
    from alembic_ls.analysis.parse_workers import SharedWorkers, parse_batches_in_workers

    shared = SharedWorkers()
    pools = []
    try:
        for _ in range(2):
            history = _long_history(write_history, AHEAD_MIN_FILES)
            paths = sorted(str(p) for p in history.files.values())
            batches = parse_batches_in_workers(paths, jobs=2, batches_per_worker=4, shared=shared)
            assert batches is not None
            revisions = [fields[0] for batch in batches for fields, _stored in batch]
            assert [r.values[0] if r and r.values else None for r in revisions] == [
                p.rsplit("/", 1)[1].split("_")[0] for p in paths
            ]
            pools.append(shared.pool(2, None))  # type: ignore[arg-type]  # running: no context needed
        assert pools[0] is pools[1] and shared.running
    finally:
        shared.close()
    assert not shared.running

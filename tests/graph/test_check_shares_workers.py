"""`check` of a repository holding several projects parses them all with one set of worker
processes (a new pair per project cost a fork each), and finds what one process finds."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from synth import generate_history

from alembic_ls.settings import Settings
from alembic_ls.workspace_check import run_check

POSTGRES = Settings(dialect="postgresql")  # the lock rules fire on the synthetic history too


def _findings(root: Path) -> list[tuple[str, str, int]]:
    result = run_check([root], POSTGRES, use_cache=False)
    assert not result.errors
    return [(f.code, f.path, f.span.line) for f in result.findings]


def test_two_projects_share_one_pool_and_find_what_one_process_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, seed in (("billing", 1), ("catalog", 2)):
        generate_history(tmp_path / name, 120, seed=seed)
    pools: list[object] = []
    real_init = ProcessPoolExecutor.__init__

    def counted(self: ProcessPoolExecutor, *args: Any, **kwargs: Any) -> None:
        pools.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "__init__", counted)
    monkeypatch.setenv("ALEMBIC_LS_JOBS", "2")
    in_workers = _findings(tmp_path)
    assert len(pools) == 1

    monkeypatch.setenv("ALEMBIC_LS_JOBS", "1")
    assert _findings(tmp_path) == in_workers
    assert len(pools) == 1  # none started for one process
    assert in_workers

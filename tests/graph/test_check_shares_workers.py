"""`check` of a repository holding several projects parses them all with one set of worker
processes (a new pair per project cost a fork each), and finds what one process finds."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from synth import generate_history

from alembic_ls.analysis import parser
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


def test_a_check_in_workers_analyses_no_file_a_second_time_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # indico's history has no autogenerate markers, so AM101 reads the revisions after each one
    # too; handed back as soon as their batch arrived, those later files were not parsed yet and
    # this process analysed 76 of its 176 files a second time.
    synth = generate_history(tmp_path / "handwritten", 120, seed=3)
    for path in synth.paths:
        text = path.read_text(encoding="utf-8")
        path.write_text("\n".join(line for line in text.split("\n") if "###" not in line), encoding="utf-8")
    here: list[str] = []
    real_parse = parser.parse_revision

    def counted(path: str, *args: Any, **kwargs: Any) -> Any:
        here.append(path)  # worker processes append to their own copy
        return real_parse(path, *args, **kwargs)

    monkeypatch.setattr(parser, "parse_revision", counted)
    monkeypatch.setenv("ALEMBIC_LS_JOBS", "2")
    in_workers = _findings(tmp_path)
    assert here == []

    monkeypatch.setenv("ALEMBIC_LS_JOBS", "1")
    assert _findings(tmp_path) == in_workers
    assert len(here) == len(synth.paths) and in_workers

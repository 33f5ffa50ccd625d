"""The language server's first check through the findings cache (workspace/first_check.py): a start
reports exactly what a start without the cache reports, reuses what nothing changed, and never
writes findings the editor's unsaved text or a moving key could have made wrong."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pytest
from synth import SynthProject, generate_history

from alembic_ls.analysis.index import IndexCache
from alembic_ls.cache_dir import default_cache_dir
from alembic_ls.rules.base import Finding
from alembic_ls.workspace.state import Folder, ProjectState, WorkspaceState, newest_first
from alembic_ls.workspace_check import run_check

Findings = dict[str, list[Finding]]


@pytest.fixture
def synth(tmp_path: Path) -> SynthProject:
    project = generate_history(tmp_path / "project", 40, seed=11)
    # The lock rules fire on the synthetic history with PostgreSQL: findings to compare.
    (project.root / "pyproject.toml").write_text('[tool.alembic-ls]\ndialect = "postgresql"\n')
    return project


class Start:
    """One server start's first check, as the diagnostics scheduler runs it (in-process)."""

    def __init__(self, root: Path, cache: Path | None, documents: Iterable[tuple[Path, str]] = ()) -> None:
        self.state = WorkspaceState(IndexCache(cache))
        for path, text in documents:  # open before the workspace is indexed, as a restored tab is
            self.state.documents[str(path.resolve())] = (1, text)
        self.state.load([Folder(None, root.resolve())])
        self.project: ProjectState = self.state.projects[0]
        self.order = newest_first(self.project)
        self.reused = self.state.begin_first_check(self.project, self.order)
        self.findings: Findings = dict(self.reused)

    def check(self, paths: Iterable[str] | None = None) -> Start:
        for path in self.order if paths is None else paths:
            if path not in self.findings:
                self.findings[path] = self.state.check(self.project, path) or []
        return self

    def finish(self) -> Findings:
        self.check()
        self.state.save_caches()
        return self.findings


def _seen(findings: Findings) -> dict[str, list[tuple[object, ...]]]:
    return {
        path: [(f.code, f.span, f.message, f.severity, f.fix, f.related) for f in found]
        for path, found in findings.items()
    }


def _uncached(root: Path) -> dict[str, list[tuple[object, ...]]]:
    return _seen(Start(root, None).finish())


def _editor_cache(cache: Path) -> Path:
    (found,) = cache.glob("findings-editor-*.pickle")
    return found


def test_a_second_start_reuses_every_finding(synth: SynthProject, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = Start(synth.root, cache)
    assert first.reused == {}
    assert _seen(first.finish()) == _uncached(synth.root)
    assert any(first.findings.values()), "the history should give the rules something to report"
    second = Start(synth.root, cache)
    assert set(second.reused) == set(second.order)
    assert _seen(second.finish()) == _uncached(synth.root)


def test_a_new_head_on_disk_re_checks_what_it_changes(
    synth: SynthProject, tmp_path: Path, make_revision
) -> None:
    cache = tmp_path / "cache"
    Start(synth.root, cache).finish()
    head = sorted(synth.heads)[0]
    upgrade = "    op.add_column('widget', sa.Column('size', sa.Integer(), nullable=False))"
    new = synth.script_location / "versions" / "f00d_new.py"
    new.write_text(make_revision("f00d", head, upgrade=upgrade), encoding="utf-8")
    after = Start(synth.root, cache)
    assert 0 < len(after.order) - len(after.reused) <= 6
    assert _seen(after.finish()) == _uncached(synth.root)
    assert "AM401" in [f.code for f in after.findings[str(new.resolve())]]


def test_an_open_document_is_checked_from_its_text_never_the_cache(
    synth: SynthProject, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    Start(synth.root, cache).finish()
    path = synth.script_location / "versions" / sorted(os.listdir(synth.script_location / "versions"))[0]
    opened = Start(synth.root, cache, [(path, path.read_text(encoding="utf-8"))])
    assert set(opened.reused) == set(opened.order) - {str(path.resolve())}
    # Unsaved edits: the rules of every file after it read the editor's text, not the file the
    # cache's facts name; nothing is reused, and nothing of this start is written.
    written = _editor_cache(cache).stat().st_mtime_ns
    edited = Start(synth.root, cache, [(path, path.read_text(encoding="utf-8") + "\n# unsaved\n")])
    assert edited.reused == {}
    edited.finish()
    assert _editor_cache(cache).stat().st_mtime_ns == written


def test_typing_during_the_first_check_writes_nothing(synth: SynthProject, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    start = Start(synth.root, cache)
    half = start.order[: len(start.order) // 2]
    start.check(half)
    path = half[-1]
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    start.state.analyse_document(path, 1, text)  # opened as it is on disk: still exact
    assert start.project.first_check is not None and not start.project.first_check.abandoned
    start.state.analyse_document(path, 2, text + "\n# typed\n")
    assert start.project.first_check.abandoned
    start.finish()
    assert not list(cache.glob("findings-editor-*.pickle"))


def test_the_databases_position_is_part_of_the_key(synth: SynthProject, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    start = Start(synth.root, cache)
    half = start.order[: len(start.order) // 2]
    start.check(half)
    # The agent read the database's position halfway: the files checked from here on read it.
    start.state.set_database(start.project, (sorted(synth.heads)[0],))
    start.finish()
    again = Start(synth.root, cache)  # the next start knows no position yet
    assert set(again.reused) == set(half)
    assert _seen(again.finish()) == _uncached(synth.root)
    known = Start(synth.root, cache)
    known.state.set_database(known.project, (sorted(synth.heads)[0],))
    assert known.state.begin_first_check(known.project, known.order) == {}


def test_the_editor_and_the_cli_keep_their_caches_side_by_side(synth: SynthProject) -> None:
    cache = default_cache_dir()  # the CLI's (this test's own folder: see tests/conftest.py)
    run_check([synth.root])
    Start(synth.root, cache).finish()
    assert Start(synth.root, cache).reused.keys() == set(newest_first(Start(synth.root, None).project))
    again = run_check([synth.root])
    assert again.files_reused == again.files_checked > 0

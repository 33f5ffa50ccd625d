"""The database's position in the server's state: which files it re-checks, and that edits keep it."""

from __future__ import annotations

from pathlib import Path

from alembic_ls.analysis.index import IndexCache
from alembic_ls.workspace.state import Folder, WorkspaceState

VERSIONS = Path("migrations/versions")
FILES = {
    "3c4d5e6f7081": VERSIONS / "3c4d5e6f7081_create_tag_table.py",
    "4d5e6f708192": VERSIONS / "4d5e6f708192_add_slug_to_post.py",
    "5e6f708192a3": VERSIONS / "5e6f708192a3_add_bio_to_user.py",
    "6f708192a3b4": VERSIONS / "6f708192a3b4_add_subtitle_to_post.py",
}


def loaded(root: Path) -> WorkspaceState:
    state = WorkspaceState(IndexCache(None))
    state.load([Folder(None, root.resolve())])
    return state


def path_of(root: Path, rid: str) -> str:
    return str((root / FILES[rid]).resolve())


def codes(state: WorkspaceState, path: str) -> list[str]:
    project = state.project_for(path)
    assert project is not None
    return [f.code for f in state.check(project, path) or []]


def test_learning_the_position_rechecks_the_files_it_flags_or_unflags(demo_copy: Path) -> None:
    state = loaded(demo_copy)
    [project] = state.projects
    assert state.set_database(project, ("4d5e6f708192",)) == [
        path_of(demo_copy, "5e6f708192a3"),
        path_of(demo_copy, "6f708192a3b4"),
    ]
    assert "AM602" in codes(state, path_of(demo_copy, "5e6f708192a3"))
    assert "AM602" not in codes(state, path_of(demo_copy, "4d5e6f708192"))
    generation = project.generation
    assert state.set_database(project, ("4d5e6f708192",)) == []  # the same position: nothing to do
    assert project.generation == generation
    # 5e6f708192a3 stops being flagged; 6f708192a3b4 stays flagged, but its message names the
    # database's position, which moved: both are re-checked.
    assert state.set_database(project, ("5e6f708192a3",)) == [
        path_of(demo_copy, "5e6f708192a3"),
        path_of(demo_copy, "6f708192a3b4"),
    ]
    assert project.generation == generation + 1  # results computed before are stale
    assert state.set_database(project, None) == [path_of(demo_copy, "6f708192a3b4")]
    assert "AM602" not in codes(state, path_of(demo_copy, "6f708192a3b4"))


def test_a_new_revision_is_behind_a_database_at_the_old_head(demo_copy: Path) -> None:
    state = loaded(demo_copy)
    [project] = state.projects
    assert state.set_database(project, ("6f708192a3b4",)) == []
    head = (demo_copy / FILES["6f708192a3b4"]).read_text()
    new = str((demo_copy / VERSIONS / "7a8b9c0d1e2f_add_score.py").resolve())
    text = head.replace("'6f708192a3b4'", "'7a8b9c0d1e2f'").replace("'5e6f708192a3'", "'6f708192a3b4'")
    outcome = state.analyse_document(new, 1, text)
    assert outcome is not None and "AM602" in [f.code for f in outcome.findings or []]
    assert project.checker.database == ("6f708192a3b4",)  # the checker rebuilt for the new graph keeps it


def test_re_indexing_keeps_the_position(demo_copy: Path) -> None:
    state = loaded(demo_copy)
    state.set_database(state.projects[0], ("4d5e6f708192",))
    state.load(state.folders)
    state.refresh_settings()
    assert state.projects[0].database == ("4d5e6f708192",)
    assert "AM602" in codes(state, path_of(demo_copy, "6f708192a3b4"))

"""Which files an edit makes the server re-check: itself, its descendants, or the whole project."""

from __future__ import annotations

from pathlib import Path

from alembic_ls.analysis.index import IndexCache
from alembic_ls.workspace.state import Folder, WorkspaceState

VERSIONS = Path("migrations/versions")
SLUG = VERSIONS / "4d5e6f708192_add_slug_to_post.py"
BIO = VERSIONS / "5e6f708192a3_add_bio_to_user.py"
HEAD = VERSIONS / "6f708192a3b4_add_subtitle_to_post.py"


def loaded(root: Path) -> WorkspaceState:
    state = WorkspaceState(IndexCache(None))
    state.load([Folder(None, root.resolve())])
    assert [p.project.root for p in state.projects] == [root.resolve()]
    return state


def test_a_comment_edit_rechecks_only_the_file(demo_copy: Path) -> None:
    state = loaded(demo_copy)
    path = str((demo_copy / SLUG).resolve())
    outcome = state.analyse_document(path, 2, (demo_copy / SLUG).read_text() + "\n# note\n")
    assert outcome is not None and outcome.affected == [] and outcome.generation == 0
    assert [f.code for f in outcome.findings or []] == ["AM306", "AM104"]


def test_an_operation_edit_rechecks_the_descendants(demo_copy: Path) -> None:
    state = loaded(demo_copy)
    path = str((demo_copy / SLUG).resolve())
    text = (demo_copy / SLUG).read_text().replace("'slug'", "'permalink'")
    outcome = state.analyse_document(path, 2, text)
    assert outcome is not None and outcome.generation == 1
    assert outcome.affected == sorted(str((demo_copy / p).resolve()) for p in (BIO, HEAD))


def test_a_graph_edit_rechecks_the_project(demo_copy: Path) -> None:
    state = loaded(demo_copy)
    path = str((demo_copy / HEAD).resolve())
    text = (demo_copy / HEAD).read_text().replace("None] = '5e6f708192a3'", "None] = '4d5e6f708192'")
    outcome = state.analyse_document(path, 2, text)
    assert outcome is not None and outcome.generation == 1
    assert len(outcome.affected) == 5 and path not in outcome.affected
    assert "AM301" in [f.code for f in outcome.findings or []]


def test_files_outside_every_project_are_not_analysed(demo_copy: Path) -> None:
    state = loaded(demo_copy)
    models = str((demo_copy / "app" / "models.py").resolve())
    assert state.analyse_document(models, 1, "x = 1\n") is None
    assert state.analyse_document("/nonexistent/elsewhere.py", 1, "revision = 'x'\n") is None


def test_initial_checks_start_from_the_heads(demo_copy: Path) -> None:
    from alembic_ls.workspace.state import newest_first

    state = loaded(demo_copy)
    names = [Path(p).name[:12] for p in newest_first(state.projects[0])]
    assert names == [
        "6f708192a3b4",
        "5e6f708192a3",
        "4d5e6f708192",
        "3c4d5e6f7081",
        "2b3c4d5e6f70",
        "1a2b3c4d5e6f",
    ]


def test_the_server_reads_every_baseline_shape(demo_copy: Path) -> None:
    from alembic_ls.workspace.client_settings import parse_client_settings

    def findings(state: WorkspaceState) -> set[str]:
        (project,) = state.projects
        return {Path(p).name for p, found in project.checker.check_all().items() if found}

    (demo_copy / "pyproject.toml").write_text('[tool.alembic-ls.baseline]\n"migrations" = ["5e6f708192a3"]\n')
    assert findings(loaded(demo_copy)) == {HEAD.name}
    # From the client: a plain string (what VS Code sends), or a table keyed from the workspace folder.
    (demo_copy / "pyproject.toml").unlink()
    for baseline in ("4d5e6f708192", {f"{demo_copy.name}/migrations": "4d5e6f708192"}):
        state = WorkspaceState(IndexCache(None))
        state.settings_for = lambda _folder, b=baseline: parse_client_settings({"baseline": b}, [])
        state.load([Folder("file:///workspace", demo_copy.parent.resolve())])
        assert findings(state) == {BIO.name, HEAD.name} and state.problems == []

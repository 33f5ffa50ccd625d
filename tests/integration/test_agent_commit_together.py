"""AM604 from git's view: a model change without its migration, or a migration left out of the commit."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from alembic_ls.drift.commit_together import commit_findings
from alembic_ls.drift.git_state import git_changes
from alembic_ls.project import discover_projects

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(demo_copy: Path) -> Path:
    git(demo_copy, "init", "-q")
    git(demo_copy, "add", "-A")
    git(demo_copy, "commit", "-q", "-m", "demo")
    return demo_copy


def messages(root: Path) -> list[str]:
    [project], _errors = discover_projects([root])
    changes = git_changes(root)
    assert changes is not None
    models = str((root / "app" / "models.py").resolve())
    return [f.message for f in commit_findings(project, changes, [models])]


def add_field(root: Path) -> None:
    models = root / "app" / "models.py"
    models.write_text(models.read_text() + "\n# score comes next\n")


def new_revision(root: Path) -> Path:
    path = root / "migrations" / "versions" / "7a8b9c0d1e2f_add_score.py"
    path.write_text('revision = "7a8b9c0d1e2f"\ndown_revision = "6f708192a3b4"\n')
    return path


def test_a_clean_tree_is_quiet(repo: Path) -> None:
    assert messages(repo) == []


def test_a_changed_model_without_a_new_revision(repo: Path) -> None:
    add_field(repo)
    assert messages(repo) == [
        "app/models.py has uncommitted changes but no new revision file goes with them. Generate the "
        "migration (autogenerate) and commit model and migration together."
    ]


def test_a_staged_model_whose_migration_is_untracked(repo: Path) -> None:
    add_field(repo)
    new_revision(repo)
    assert messages(repo) == []  # both still to be added: nothing is wrong yet
    git(repo, "add", "app/models.py")
    assert messages(repo) == [
        "app/models.py is staged but its migration is not: `git add "
        "migrations/versions/7a8b9c0d1e2f_add_score.py` so model and migration are committed together."
    ]
    git(repo, "add", "migrations")
    assert messages(repo) == []


def test_no_repository_no_findings(demo_copy: Path) -> None:
    inside = subprocess.run(["git", "rev-parse"], cwd=demo_copy, capture_output=True, check=False)
    if inside.returncode == 0:
        pytest.skip("the temporary folder is inside a git repository")
    assert git_changes(demo_copy) is None

"""git runs only in a workspace the editor trusts (a repository's own configuration can name
programs for git to run): not for AM105, not for the rebase fix of AM301/AM307, which asks git
which revisions the team already has, and not for anything else that starts git (vcs/git_process:
`--diff-base`, the drift check's working-tree state); outside the untrusted folders it runs as
before."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from alembic_ls import git_base
from alembic_ls.analysis.index import IndexCache
from alembic_ls.drift.git_state import git_changes
from alembic_ls.vcs import git_process
from alembic_ls.vcs.diff_base import BaseRefError, diff_base
from alembic_ls.workspace.client_settings import ClientSettings
from alembic_ls.workspace.state import Folder, WorkspaceState
from tests.conftest import revision_source

GIT = ("git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main")


def _repository(root: Path) -> Path:
    """A committed project with two heads: b2 (pulled, at the base) and c3 (mine, uncommitted)."""
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "alembic.ini").write_text("[alembic]\nscript_location = migrations\n")
    (root / "migrations" / "env.py").write_text("")
    (versions / "a1_first.py").write_text(revision_source("a1", None))
    (versions / "b2_theirs.py").write_text(revision_source("b2", "a1"))
    for args in (("init", "-q"), ("add", "."), ("commit", "-q", "-m", "base")):
        subprocess.run([*GIT, *args], cwd=root, check=True, capture_output=True)
    (versions / "c3_mine.py").write_text(revision_source("c3", "a1"))
    return root.resolve()


@pytest.fixture
def git_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []
    real = subprocess.run

    def counting(args: list[str], *rest: object, **kwargs: object) -> object:
        if args and str(args[0]).endswith("git"):
            calls.append([str(a) for a in args[1:]])
        return real(args, *rest, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(git_process.subprocess, "run", counting)
    return calls


def _am301(root: Path, trusted: bool) -> list[str]:
    state = WorkspaceState(IndexCache(None))
    state.settings_for = lambda _folder: ClientSettings(trusted=trusted)
    state.load([Folder("file://root", root)])
    project = state.projects[0]
    findings = state.check(project, str(root / "migrations" / "versions" / "c3_mine.py")) or []
    return [f.fix.title if f.fix else "" for f in findings if f.code == "AM301"]


def test_an_untrusted_workspace_runs_no_git(tmp_path: Path, git_calls: list[list[str]]) -> None:
    root = _repository(tmp_path / "project")
    git_calls.clear()  # those that made the repository
    fixes = _am301(root, trusted=False)
    assert fixes  # the two heads are still reported
    assert git_calls == []


def test_a_trusted_workspace_asks_git_which_revisions_are_shared(
    tmp_path: Path, git_calls: list[list[str]]
) -> None:
    root = _repository(tmp_path / "project")
    git_calls.clear()
    fixes = _am301(root, trusted=True)
    assert any(title.startswith("Rebase onto b2") for title in fixes)  # c3 is mine: not at the base
    assert any(call[0] == "grep" for call in git_calls)


def test_git_is_refused_in_above_and_below_an_untrusted_folder_only(
    tmp_path: Path, git_calls: list[list[str]]
) -> None:
    root = _repository(tmp_path / "project")
    elsewhere = _repository(tmp_path / "other")
    git_calls.clear()
    git_process.refuse_git_in([root / "migrations"])
    assert git_base.repository_top(root / "migrations" / "versions") is None  # below
    assert git_base.repository_top(root) is None  # above: the repository holding it
    assert git_calls == []
    assert git_base.repository_top(elsewhere) == elsewhere
    git_process.refuse_git_in(())
    assert git_base.repository_top(root / "migrations") == root


def test_diff_base_and_the_working_tree_state_run_no_git_in_an_untrusted_folder(
    tmp_path: Path, git_calls: list[list[str]]
) -> None:
    root = _repository(tmp_path / "project")
    git_calls.clear()
    git_process.refuse_git_in([root])
    assert git_changes(root / "migrations") is None
    with pytest.raises(BaseRefError):
        diff_base(root, "HEAD")
    assert git_calls == []

    git_process.refuse_git_in(())
    changes = git_changes(root / "migrations")
    assert changes is not None and changes.untracked == {str(root / "migrations" / "versions" / "c3_mine.py")}
    assert diff_base(root, "HEAD").added == {str(root / "migrations" / "versions" / "c3_mine.py")}

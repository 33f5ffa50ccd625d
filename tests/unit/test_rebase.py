"""Rebase instead of merge (issue 16): AM301's "Rebase onto <other head>", the edit, who is offered it.

"Own" is decided from git (tests build real repositories with the git CLI), outside git from the
newest Create Date, and never for a revision the database has applied.
"""

from __future__ import annotations

import ast
import os
import subprocess
from pathlib import Path

import pytest

from alembic_ls.analysis.index import IndexCache, ProjectIndex
from alembic_ls.analysis.parser import parse_revision
from alembic_ls.checker import Checker
from alembic_ls.fixes import FixRefused, apply_edits, build_edits
from alembic_ls.git_base import shared_ids
from alembic_ls.rules.base import Finding
from alembic_ls.settings import Settings


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def newer(path: Path, date: str = "2024-06-01 00:00:00.000000") -> None:
    """Give a revision a later Create Date than the test template's 2024-01-01."""
    path.write_text(
        path.read_text().replace("Create Date: 2024-01-01 00:00:00.000000", f"Create Date: {date}")
    )


def am301(history, database: tuple[str, ...] | None = None) -> dict[str, Finding]:
    checker = Checker(history.index(), Settings(), database)
    found = [f for per_file in checker.check_all().values() for f in per_file if f.code == "AM301"]
    return {Path(f.path).name.split("_")[0]: f for f in found}


def rebased(finding: Finding) -> str:
    """The finding's file after its fix, written back; the result must be valid Python."""
    assert finding.fix is not None
    path = Path(finding.path)
    text = path.read_text()
    fixed = apply_edits(text, build_edits(str(path), text, finding.fix.kind, finding.fix.params))
    ast.parse(fixed)
    path.write_text(fixed)
    return fixed


# -- the edit --------------------------------------------------------------------------------------


def test_rebase_rewrites_down_revision_and_header_and_leaves_one_head(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1"), ("c3", "a1"))
    newer(history.files["c3"])
    found = am301(history)
    assert found["b2"].fix is None  # the older head: someone else's
    fix = found["c3"].fix
    assert fix is not None and fix.kind == "rebase" and not fix.safe
    assert fix.title.startswith("Rebase onto b2")
    assert "`alembic-ls rebase c3 --onto b2`" in found["c3"].message

    fixed = rebased(found["c3"])
    after = parse_revision("c3.py", fixed)
    assert after.down_revision is not None and after.down_revision.values == ("b2",)
    assert after.header is not None and after.header.revises == ("b2",)
    assert "down_revision = 'b2'" in fixed  # the file's own quotes
    # Only those two places changed.
    before = history.files["c3"].read_text()
    assert fixed == before
    assert history.index().graph.heads == ("c3",)
    assert history.findings(codes=["AM301", "AM306", "AM302"]) == []


def test_rebase_keeps_double_quotes_and_an_annotated_assignment(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1"))
    path = history.add("c3", "a1")
    text = path.read_text().replace("down_revision = 'a1'", 'down_revision: str | None = "a1"')
    path.write_text(text.replace("Create Date: 2024-01-01", "Create Date: 2025-01-01"))
    fixed = rebased(am301(history)["c3"])
    assert 'down_revision: str | None = "b2"' in fixed
    assert "Revises: b2\n" in fixed


def test_rebase_refuses_when_the_file_changed_since_the_check(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1"), ("c3", "a1"))
    newer(history.files["c3"])
    fix = am301(history)["c3"].fix
    assert fix is not None
    path = history.files["c3"]
    moved = path.read_text().replace("down_revision = 'a1'", "down_revision = 'b2'")
    with pytest.raises(FixRefused, match="changed since the check"):
        build_edits(str(path), moved, fix.kind, fix.params)


def test_a_file_without_header_is_rebased_all_the_same(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1"))
    path = history.write(
        "c3_change.py",
        "revision = 'c3'\ndown_revision = 'a1'\n\n\n"
        "def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n",
    )
    os.utime(path, ns=(10**19, 10**19))  # no Create Date: the newest file
    fixed = rebased(am301(history)["c3"])
    assert "down_revision = 'b2'" in fixed


# -- who is offered it -----------------------------------------------------------------------------


def test_outside_git_equal_dates_and_times_offer_nothing(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1"), ("c3", "a1"))
    for path in history.files.values():
        os.utime(path, ns=(10**18, 10**18))
    assert all(f.fix is None for f in am301(history).values())


def test_never_offered_on_a_revision_the_database_has_applied(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1"), ("c3", "a1"))
    newer(history.files["c3"])
    assert all(f.fix is None for f in am301(history, database=("c3",)).values())
    assert am301(history, database=("a1",))["c3"].fix is not None


def test_three_heads_get_no_rebase(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1"), ("c3", "a1"), ("d4", "a1"))
    newer(history.files["d4"])
    assert all(f.fix is None for f in am301(history).values())


@pytest.fixture
def repository(write_history):
    """a1 and b2 committed on main; the test adds c3 on a feature branch."""
    history = write_history(("a1", None), ("b2", "a1"))
    git(history.root, "init", "-q", "-b", "main")
    git(history.root, "add", "-A")
    git(history.root, "commit", "-q", "-m", "shared history")
    git(history.root, "switch", "-q", "-c", "feature")
    return history


def test_git_an_untracked_head_is_own_the_committed_one_is_not(repository) -> None:
    repository.add("c3", "a1")  # same Create Date as b2: git decides, not the date
    found = am301(repository)
    assert found["b2"].fix is None
    assert found["c3"].fix is not None and found["c3"].fix.params["onto"] == "b2"


def test_git_a_head_committed_on_the_feature_branch_only_is_still_own(repository) -> None:
    repository.add("c3", "a1")
    git(repository.root, "add", "-A")
    git(repository.root, "commit", "-q", "-m", "my revision")
    assert am301(repository)["c3"].fix is not None


def test_git_quiet_when_both_heads_are_at_the_base(repository) -> None:
    git(repository.root, "switch", "-q", "main")
    newer(repository.add("c3", "a1"))
    git(repository.root, "add", "-A")
    git(repository.root, "commit", "-q", "-m", "both on main")
    git(repository.root, "switch", "-q", "feature")
    git(repository.root, "merge", "-q", "main")
    found = am301(repository)
    assert set(found) == {"b2", "c3"}
    assert all(f.fix is None for f in found.values())  # others have both: never rewritten


def test_git_base_follows_the_default_branch_of_origin(repository, tmp_path: Path) -> None:
    """With a remote, the base is the merge-base with origin/HEAD, not the local main."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(repository.root), str(remote))
    git(repository.root, "remote", "add", "origin", str(remote))
    git(repository.root, "fetch", "-q", "origin")
    git(repository.root, "remote", "set-head", "origin", "main")
    git(repository.root, "switch", "-q", "main")
    repository.add("c3", "a1")
    git(repository.root, "add", "-A")
    git(repository.root, "commit", "-q", "-m", "committed on local main, not pushed")
    versions = [repository.versions]
    assert shared_ids(versions, ["a1", "b2", "c3"]) == frozenset({"a1", "b2"})
    git(repository.root, "push", "-q", "origin", "main")
    git(repository.root, "fetch", "-q", "origin")
    assert shared_ids(versions, ["a1", "b2", "c3"]) == frozenset({"a1", "b2", "c3"})


def test_shared_ids_outside_git_is_unknown(tmp_path: Path) -> None:
    assert shared_ids([tmp_path], ["a1"]) is None


def test_the_rule_asks_git_once_per_graph(repository, monkeypatch: pytest.MonkeyPatch) -> None:
    import alembic_ls.git_base as git_base

    calls: list[object] = []
    real = git_base.shared_ids
    monkeypatch.setattr(git_base, "shared_ids", lambda *a: calls.append(a) or real(*a))
    repository.add("c3", "a1")
    index = ProjectIndex.build(repository.project(), IndexCache(None))
    checker = Checker(index, Settings())
    checker.check_all()
    checker.check_all()
    assert len(calls) == 1


def test_a_second_base_is_rebased_onto_the_other_history(write_history) -> None:
    history = write_history(("a1", None), ("z1", None))
    newer(history.files["z1"])
    fixed = rebased(am301(history)["z1"])
    assert "down_revision = 'a1'" in fixed and "Revises: a1\n" in fixed
    assert history.index().graph.heads == ("z1",)
    assert history.findings(codes=["AM301", "AM306"]) == []

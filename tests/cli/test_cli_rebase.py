"""`alembic-ls rebase REV --onto ONTO [PATH]`: the rebase written to disk, and what it refuses."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from alembic_ls.analysis.parser import parse_revision
from alembic_ls.cli import main


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def two_heads(write_history):
    return write_history(("a1", None), ("b2", "a1"), ("c3", "a1"))


def test_rebase_rewrites_the_file_and_leaves_one_head(two_heads, capsys: pytest.CaptureFixture[str]) -> None:
    path = two_heads.files["c3"]
    before = path.read_text()
    assert main(["rebase", "c3", "--onto", "b2", str(two_heads.root)]) == 0
    out = capsys.readouterr().out
    assert f"{path}: down_revision a1 -> b2 and the `Revises:` header" in out
    assert "1 head now: c3" in out
    after = path.read_text()
    assert after == before.replace("Revises: a1", "Revises: b2").replace(
        "down_revision = 'a1'", "down_revision = 'b2'"
    )
    assert parse_revision(str(path), after).down_revision.values == ("b2",)
    assert main(["check", str(two_heads.root), "--select", "AM3", "--no-cache"]) == 0
    assert "All checks passed" in capsys.readouterr().out


def test_a_unique_prefix_is_enough_and_path_may_come_first(two_heads, monkeypatch) -> None:
    monkeypatch.chdir(two_heads.root)
    assert main(["rebase", "--onto", "b", "c"]) == 0
    assert "down_revision = 'b2'" in two_heads.files["c3"].read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["a1", "--onto", "c3"], "a1 is not a head (b2, c3 come after it)"),
        (["c3", "--onto", "c3"], "c3 cannot follow itself"),
        (["c3", "--onto", "zz"], "no revision 'zz'"),
        (["zz", "--onto", "b2"], "no revision 'zz'"),
    ],
)
def test_refusals_write_nothing(two_heads, capsys, args: list[str], message: str) -> None:
    before = {p: p.read_text() for p in two_heads.files.values()}
    assert main(["rebase", *args, str(two_heads.root)]) == 2
    assert message in capsys.readouterr().err
    assert {p: p.read_text() for p in two_heads.files.values()} == before


def test_a_revision_at_the_git_base_needs_force(two_heads, capsys) -> None:
    root = two_heads.root
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "both heads are shared")
    assert main(["rebase", "c3", "--onto", "b2", str(root)]) == 2
    err = capsys.readouterr().err
    assert "c3 is at the git base" in err and "--force" in err
    assert "down_revision = 'a1'" in two_heads.files["c3"].read_text()
    assert main(["rebase", "c3", "--onto", "b2", str(root), "--force"]) == 0
    assert "down_revision = 'b2'" in two_heads.files["c3"].read_text()


def test_a_revision_of_my_own_branch_needs_no_force(two_heads) -> None:
    root = two_heads.root
    two_heads.files["c3"].rename(root / "c3.keep")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "shared")
    git(root, "switch", "-q", "-c", "feature")
    (root / "c3.keep").rename(two_heads.files["c3"])
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "mine")
    assert main(["rebase", "c3", "--onto", "b2", str(root)]) == 0

"""`check --fix` writes only inside the project it checks: a revision file that is a symlink to a file
elsewhere is reported and left alone, and the summary counts what was really fixed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from test_cli_errors import alembic_ls


@pytest.fixture
def stale_header(make_revision: Callable[..., str]) -> str:
    """A header whose `Revises:` disagrees with down_revision: AM306, whose fix is safe."""
    return make_revision("b2", "a1", revises="zz")


def test_fix_leaves_a_symlinked_file_outside_the_project_alone(
    write_history, tmp_path: Path, stale_header: str
) -> None:
    history = write_history(("a1", None))
    elsewhere = tmp_path / "shared" / "b2_change.py"
    elsewhere.parent.mkdir()
    elsewhere.write_text(stale_header, encoding="utf-8")
    (history.versions / "b2_change.py").symlink_to(elsewhere)
    run = alembic_ls("check", "--fix", cwd=history.root)
    assert elsewhere.read_text(encoding="utf-8") == stale_header
    assert run.returncode == 1
    assert f"not fixed: {history.versions / 'b2_change.py'} is a symlink to {elsewhere}" in run.stderr
    assert "outside the project" in run.stderr
    lines = run.stdout.splitlines()
    assert [line.split()[1] for line in lines[:-1]] == ["AM306"]  # still reported, with no [*]
    assert lines[-1] == "Found 1 problem."  # nothing fixed, nothing claimed fixable


def test_fix_through_a_symlink_inside_the_project_counts_once(write_history, stale_header: str) -> None:
    history = write_history(("a1", None))
    kept = history.root / "kept" / "b2_change.py"  # inside the project root, outside versions/
    kept.parent.mkdir()
    kept.write_text(stale_header, encoding="utf-8")
    (history.versions / "b2_change.py").symlink_to(kept)
    run = alembic_ls("check", "--fix", cwd=history.root)
    assert "Revises: a1" in kept.read_text(encoding="utf-8")
    assert (history.versions / "b2_change.py").is_symlink()
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip() == "Fixed 1 problem. All checks passed (2 revision files)."

"""`check --output-format markdown` on the demo, as a reviewer reads it on a pull request, compared
with a committed snapshot (to change it on purpose: `UPDATE_SNAPSHOTS=1 pytest <this file>`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SNAPSHOT = Path(__file__).parent / "snapshots" / "demo_check.md"


def markdown(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "alembic_ls",
            "check",
            ".",
            "--no-cache",
            "--output-format",
            "markdown",
            *args,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_demos_findings_as_a_pull_request_comment(demo_copy: Path) -> None:
    result = markdown(demo_copy)
    assert result.returncode == 1
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == SNAPSHOT.read_text(encoding="utf-8")


def test_a_clean_check_says_so_in_one_line(demo_copy: Path) -> None:
    assert markdown(demo_copy, "--fix").returncode == 1  # AM101 and AM104 need a person
    clean = markdown(demo_copy, "--ignore", "AM101,AM104")
    assert clean.returncode == 0
    assert clean.stdout == "### alembic-ls: all checks passed\n\n6 revision files checked.\n"

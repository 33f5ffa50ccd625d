"""`alembic-ls check` ends without the interpreter's clean-up (entry.exit_at_once): what it prints
must still all come out, through a pipe, with its exit status, and a reader that leaves early
costs no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from alembic_ls import cli

REVISION = """from alembic import op

revision = "r{number:04d}"
down_revision = {parent}


def upgrade():
    op.execute("UPDATE account SET plan = 'free' WHERE plan IS NULL")


def downgrade():
    pass
"""


# Output buffered as a user's terminal-less run buffers it (PYTHONUNBUFFERED would hide a lost tail).
BUFFERED = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}


def write_history_with_findings(root: Path, count: int) -> Path:
    """`count` revisions in a line, each with hand-written SQL and no downgrade: findings in each."""
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "alembic.ini").write_text("[alembic]\nscript_location = migrations\n", encoding="utf-8")
    (root / "migrations" / "env.py").write_text("", encoding="utf-8")
    for number in range(count):
        parent = f'"r{number - 1:04d}"' if number else "None"
        text = REVISION.format(number=number, parent=parent)
        (versions / f"r{number:04d}_step.py").write_text(text, encoding="utf-8")
    return root


def test_every_line_of_a_large_report_comes_out_with_the_exit_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_history_with_findings(tmp_path / "project", 300)
    monkeypatch.chdir(tmp_path)  # the report names files relative to where it runs
    args = ["check", "project", "--no-cache"]
    expected_status = cli.main(args)
    expected = capsys.readouterr()
    assert expected_status == 1
    assert len(expected.out) > 65_536  # more than a pipe holds: written while the parent reads

    ran = subprocess.run(
        [sys.executable, "-m", "alembic_ls", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=BUFFERED,
    )

    assert ran.returncode == expected_status
    assert ran.stdout == expected.out
    assert ran.stderr == expected.err  # the notes, on the other stream


def test_a_reader_that_leaves_early_costs_no_traceback(tmp_path: Path) -> None:
    project = write_history_with_findings(tmp_path / "project", 300)
    check = subprocess.Popen(
        [sys.executable, "-m", "alembic_ls", "check", str(project), "--no-cache"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=BUFFERED,
    )
    assert check.stdout is not None and check.stderr is not None
    check.stdout.read(100)
    check.stdout.close()  # as `| head -c 100` does

    stderr = check.stderr.read()
    assert check.wait(timeout=120) == cli.EXIT_CLEAN  # as before: the reader left, no error
    assert b"Traceback" not in stderr and b"Error" not in stderr


def test_exit_at_once_skips_what_the_interpreter_would_run_at_exit(tmp_path: Path) -> None:
    probe = (
        "import atexit, sys\nfrom alembic_ls.entry import exit_at_once\n"
        "atexit.register(print, 'clean-up ran')\nprint('x' * 200_000)\nexit_at_once(3)"
    )
    ran = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, env=BUFFERED
    )

    assert ran.returncode == 3
    assert ran.stdout == "x" * 200_000 + "\n"

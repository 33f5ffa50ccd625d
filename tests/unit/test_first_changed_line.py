"""Where an edit of a shared revision starts (AM105's line)."""

from __future__ import annotations

import pytest

from alembic_ls.vcs.edits import first_changed_line


@pytest.mark.parametrize(
    ("before", "after", "line"),
    [
        ("a\nb\nc\n", "a\nb\nc\n", None),
        ("a\nb\nc\n", "a\r\nb\r\nc\r\n", None),  # line endings alone are not an edit
        ("a\nb\nc\n", "a\nB\nc\n", 1),
        ("a\nb\n", "a\nb\nc\n", 2),  # appended
        ("a\nb\nc", "a\nb", 1),  # the end removed: the last line left
        ("a\nb", "", 0),
    ],
)
def test_first_changed_line(before: str, after: str, line: int | None) -> None:
    assert first_changed_line(before, after) == line

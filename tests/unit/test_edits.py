"""Applying text edits in code-point coordinates, in any order, keeping the file's line breaks."""

from __future__ import annotations

from alembic_ls.analysis.revision_file import Span
from alembic_ls.fixes.edits import TextEdit, apply_edits, offset


def test_edits_apply_in_any_order() -> None:
    text = "alpha\nbeta\ngamma\n"
    edits = [
        TextEdit(Span(0, 0, 0, 5), "ALPHA"),
        TextEdit(Span(2, 1, 2, 3), "AM"),
        TextEdit(Span(1, 4, 1, 4), "!"),
    ]
    assert apply_edits(text, edits) == "ALPHA\nbeta!\ngAMma\n"
    assert apply_edits(text, reversed(edits)) == "ALPHA\nbeta!\ngAMma\n"


def test_multi_line_edit_and_insertions_with_newlines() -> None:
    text = "a\nb\nc\nd"
    assert apply_edits(text, [TextEdit(Span(1, 0, 2, 1), "x\ny\nz")]) == "a\nx\ny\nz\nd"
    assert apply_edits(text, [TextEdit(Span(0, 0, 0, 0), "# top\n")]) == "# top\na\nb\nc\nd"


def test_crlf_files_keep_crlf() -> None:
    text = "a\r\nb\r\n"
    assert apply_edits(text, [TextEdit(Span(1, 1, 1, 1), "\nc")]) == "a\r\nb\r\nc\r\n"


def test_columns_are_code_points() -> None:
    text = "x = 'ü😀'; y = 1\n"
    start = text.index("y")
    assert apply_edits(text, [TextEdit(Span(0, start, 0, start + 1), "z")]) == "x = 'ü😀'; z = 1\n"


def test_positions_past_the_end_are_clamped() -> None:
    lines = ["ab", "c"]
    assert offset(lines, 0, 99) == 2
    assert offset(lines, 5, 0) == len("ab\nc")
    assert apply_edits("ab\nc", [TextEdit(Span(1, 1, 9, 9), "!")]) == "ab\nc!"

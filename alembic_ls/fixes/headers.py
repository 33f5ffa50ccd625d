"""Rewrite text in place: the docstring header (AM306) or a mistyped revision id (AM302)."""

from __future__ import annotations

from typing import Any

from alembic_ls.analysis.revision_file import RevisionFile, Span
from alembic_ls.fixes.edits import FixRefused, TextEdit


def replace_text_fix(rev: RevisionFile, lines: list[str], params: dict[str, Any]) -> list[TextEdit]:
    line, col, end_col = int(params["line"]), int(params["col"]), int(params["end_col"])
    expected, replacement = str(params["old"]), str(params["new"])
    if line >= len(lines) or lines[line][col:end_col] != expected:
        raise FixRefused("the text to replace has changed since the check")
    edits = [TextEdit(Span(line, col, line, end_col), replacement)]
    for extra in params.get("also", ()):  # the same text elsewhere (the docstring header)
        where = (int(extra["line"]), int(extra["col"]), int(extra["end_col"]))
        if where[0] < len(lines) and lines[where[0]][where[1] : where[2]] == expected:
            edits.append(TextEdit(Span(where[0], where[1], where[0], where[2]), replacement))
    return edits


def sync_header_fix(rev: RevisionFile, lines: list[str], params: dict[str, Any]) -> list[TextEdit]:
    """Make `Revises:` / `Revision ID:` say what the code says."""
    header = rev.header
    if header is None:
        raise FixRefused("the file has no docstring header")
    edits: list[TextEdit] = []
    if header.revises_span is not None and rev.down_revision and rev.down_revision.values is not None:
        span = header.revises_span
        edits.append(TextEdit(span, ", ".join(rev.down_revision.values)))
    if header.revision_id_span is not None and rev.revision_id:
        edits.append(TextEdit(header.revision_id_span, rev.revision_id))
    return edits

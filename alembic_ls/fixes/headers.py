"""Rewrite text in place: a mistyped revision id (AM302), and the docstring header with it."""

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

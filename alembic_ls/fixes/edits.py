"""Text edits in code-point coordinates, and applying them to a document."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from alembic_ls.analysis.revision_file import Span
from alembic_ls.analysis.source_text import split_lines


@dataclass(frozen=True)
class TextEdit:
    span: Span
    new_text: str


class FixRefused(Exception):
    """The fix cannot be built safely; the message says why, for the user."""


def offset(lines: list[str], line: int, col: int) -> int:
    """Character offset of (line, col) in "\\n".join(lines), clamped to the document."""
    if line >= len(lines):
        return sum(len(x) + 1 for x in lines) - 1
    return sum(len(x) + 1 for x in lines[:line]) + min(col, len(lines[line]))


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """Apply non-overlapping edits (any order). Line breaks are normalised to the file's own."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = split_lines(text)
    flat = "\n".join(lines)
    ordered = sorted(edits, key=lambda e: (e.span.line, e.span.col), reverse=True)
    for edit in ordered:
        start = offset(lines, edit.span.line, edit.span.col)
        end = offset(lines, edit.span.end_line, edit.span.end_col)
        flat = flat[:start] + edit.new_text + flat[end:]
    return flat.replace("\n", newline) if newline != "\n" else flat

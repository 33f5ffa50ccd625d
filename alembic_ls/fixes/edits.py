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


def replacement_edit(old: str, new: str) -> TextEdit | None:
    """One edit turning `old` into `new`, limited to the lines that differ (None: no change)."""
    if old == new:
        return None
    old_lines, new_lines = split_lines(old), split_lines(new)
    start = 0
    while start < min(len(old_lines), len(new_lines)) and old_lines[start] == new_lines[start]:
        start += 1
    old_end, new_end = len(old_lines), len(new_lines)
    while old_end > start and new_end > start and old_lines[old_end - 1] == new_lines[new_end - 1]:
        old_end -= 1
        new_end -= 1
    newline = "\n"  # TextEdit convention: apply_edits and lsp_edits turn it into the file's own
    # Replace whole lines [start, old_end) including their line breaks; at the end of the
    # document there is no break to include, so the edit ends at the last line's end instead.
    if old_end < len(old_lines):
        span = Span(start, 0, old_end, 0)
        inserted = "".join(line + newline for line in new_lines[start:new_end])
    else:
        last = len(old_lines) - 1
        begin_line, begin_col = (start, 0)
        if start > last:  # pure append after the last line
            begin_line, begin_col = last, len(old_lines[last])
            inserted = "".join(newline + line for line in new_lines[start:new_end])
        else:
            inserted = newline.join(new_lines[start:new_end])
        span = Span(begin_line, begin_col, last, len(old_lines[last]))
        if 0 < start <= last and new_end == start:  # lines removed up to the end: drop the break before
            span = Span(start - 1, len(old_lines[start - 1]), last, len(old_lines[last]))
    return TextEdit(span, inserted)

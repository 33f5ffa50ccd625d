"""Inline suppressions: `# alembic-ls: ignore[CODE]` (line) and `ignore-file[CODE]` (file)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from alembic_ls.analysis.revision_file import RevisionFile, Span
from alembic_ls.analysis.source_text import lex
from alembic_ls.fixes.edits import FixRefused, TextEdit
from alembic_ls.fixes.recipe import Recipe, recipe


def suppress_line_fix(rev: RevisionFile, lines: list[str], fix: SuppressLine) -> list[TextEdit]:
    """Append the suppression to the finding's last line: always outside any string literal."""
    code = fix.code
    line = fix.end_line
    if line >= len(lines):
        raise FixRefused("the line is no longer there")
    for suppression in rev.suppressions:
        if suppression.line == line and not suppression.file_level:
            inner = lines[line][suppression.span.col : suppression.span.end_col]
            updated = re.sub(r"\[([^\]]*)\]", lambda m: f"[{m.group(1)}, {code}]", inner, count=1)
            return [TextEdit(suppression.span, updated)]
    if line + 1 in lex("\n".join(lines)).string_lines or lines[line].rstrip().endswith("\\"):
        # A comment appended there would land inside the string (or break the continuation).
        raise FixRefused(
            f"line {line + 1} continues onto the next line; use `# alembic-ls: ignore-file[{code}]`"
        )
    end = len(lines[line].rstrip())
    return [TextEdit(Span(line, end, line, len(lines[line])), f"  # alembic-ls: ignore[{code}]")]


def suppress_file_fix(rev: RevisionFile, lines: list[str], fix: SuppressFile) -> list[TextEdit]:
    code = fix.code
    line = rev.header.span.end_line + 1 if rev.header else 0
    if line >= len(lines):  # nothing after the docstring: add a line of our own
        last = len(lines) - 1
        return [
            TextEdit(
                Span(last, len(lines[last]), last, len(lines[last])), f"\n# alembic-ls: ignore-file[{code}]"
            )
        ]
    return [TextEdit(Span(line, 0, line, 0), f"# alembic-ls: ignore-file[{code}]\n")]


def remove_suppression_fix(rev: RevisionFile, lines: list[str], fix: RemoveSuppression) -> list[TextEdit]:
    line, code = fix.line, fix.code
    for suppression in rev.suppressions:
        if suppression.line != line or code not in suppression.codes:
            continue
        remaining = [c for c in suppression.codes if c != code]
        text = lines[line]
        if remaining:
            keyword = "ignore-file" if suppression.file_level else "ignore"
            return [TextEdit(suppression.span, f"# alembic-ls: {keyword}[{', '.join(remaining)}]")]
        before = text[: suppression.span.col].rstrip()
        if text[suppression.span.end_col :].strip():
            # More comment text follows the directive: keep it, still a comment.
            return [TextEdit(suppression.span, "#")]
        if before:
            return [TextEdit(Span(line, len(before), line, len(text)), "")]
        if line + 1 < len(lines):
            return [TextEdit(Span(line, 0, line + 1, 0), "")]
        return [TextEdit(Span(line, 0, line, len(text)), "")]
    raise FixRefused("the suppression comment is no longer there")


@recipe
@dataclass(frozen=True)
class SuppressLine(Recipe):
    """`# alembic-ls: ignore[code]` at the end of the finding's last line (`end_line`)."""

    kind: ClassVar[str] = "suppress-line"
    code: str
    end_line: int

    def edits(self, rev: RevisionFile, lines: list[str]) -> list[TextEdit]:
        return suppress_line_fix(rev, lines, self)


@recipe
@dataclass(frozen=True)
class SuppressFile(Recipe):
    """`# alembic-ls: ignore-file[code]` at the top of the file."""

    kind: ClassVar[str] = "suppress-file"
    code: str

    def edits(self, rev: RevisionFile, lines: list[str]) -> list[TextEdit]:
        return suppress_file_fix(rev, lines, self)


@recipe
@dataclass(frozen=True)
class RemoveSuppression(Recipe):
    """Take `code` out of the suppression comment on `line` (the whole comment when it is the last)."""

    kind: ClassVar[str] = "remove-suppression"
    line: int
    code: str

    def edits(self, rev: RevisionFile, lines: list[str]) -> list[TextEdit]:
        return remove_suppression_fix(rev, lines, self)

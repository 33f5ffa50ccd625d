"""Rebase a revision: point its down_revision at another revision, and its `Revises:` header with it.

Two edits at precise spans: the value of `down_revision = ...` (as the analysis located it) and the
header line (header_docstring, as AM306's fix writes it). The result is parsed again and must say
the new parent, or nothing is offered. The revision's own upgrade()/downgrade() stay as they are:
they were generated against the old parent, which is why this is never applied without a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from alembic_ls.analysis.parser import parse_revision
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.fixes.edits import FixRefused, TextEdit, apply_edits
from alembic_ls.fixes.header_docstring import header_field_edits
from alembic_ls.fixes.recipe import Recipe, recipe

_PLAIN_ID = re.compile(r"^[A-Za-z0-9_.\-]+$")  # what goes between quotes without escaping


@recipe
@dataclass(frozen=True)
class Rebase(Recipe):
    """down_revision (and `Revises:`) rewritten from `parents` (what the check saw) to `onto`."""

    kind: ClassVar[str] = "rebase"
    onto: str
    parents: tuple[str, ...]

    def edits(self, rev: RevisionFile, lines: list[str]) -> list[TextEdit]:
        return rebase_edits(rev, lines, self.onto, self.parents)


def rebase_edits(rev: RevisionFile, lines: list[str], onto: str, expected: tuple[str, ...]) -> list[TextEdit]:
    """The edits of a rebase onto `onto`, refused when down_revision no longer names `expected`."""
    down = rev.down_revision
    if rev.parse_error is not None:
        raise FixRefused("the file does not parse")
    if down is None or down.values is None:
        raise FixRefused("down_revision is not a literal")
    if down.values != expected:
        raise FixRefused("down_revision has changed since the check")
    if len(down.values) > 1:
        raise FixRefused("a merge revision has several parents; rebase one of its branches instead")
    if not _PLAIN_ID.match(onto):
        raise FixRefused(f"{onto!r} is not a plain revision id")
    if onto == rev.revision_id:
        raise FixRefused("a revision cannot follow itself")
    span = down.value_span
    if span.line != span.end_line or span.line >= len(lines):
        raise FixRefused("down_revision's value spans several lines; edit it by hand")
    edits = [TextEdit(span, _quoted(onto, lines[span.line][span.col : span.end_col], rev, lines))]
    if rev.header is not None:
        edits.extend(header_field_edits(lines, {"Revises": onto}))
    _verify(rev.path, "\n".join(lines), edits, onto)
    return edits


def _quoted(onto: str, old_value: str, rev: RevisionFile, lines: list[str]) -> str:
    """`onto` in the quotes the file already uses (its down_revision's, else its revision's)."""
    for source in (old_value, _value_text(rev, lines)):
        if source and source[0] in "'\"":
            return f"{source[0]}{onto}{source[0]}"
    return f'"{onto}"'


def _value_text(rev: RevisionFile, lines: list[str]) -> str:
    if rev.revision is None or rev.revision.value_span.line >= len(lines):
        return ""
    span = rev.revision.value_span
    return lines[span.line][span.col : span.end_col]


def _verify(path: str, text: str, edits: list[TextEdit], onto: str) -> None:
    after = parse_revision(path, apply_edits(text, edits))
    parents = after.down_revision.values if after.down_revision else None
    if after.parse_error is not None or parents != (onto,):
        raise FixRefused("the rewritten file would not say the new down_revision; edit it by hand")

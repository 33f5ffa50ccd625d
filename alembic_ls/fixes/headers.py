"""Rewrite text in place: a mistyped revision id (AM302), and the docstring header with it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from alembic_ls.analysis.revision_file import RevisionFile, Span
from alembic_ls.fixes.edits import FixRefused, TextEdit
from alembic_ls.fixes.recipe import Json, Recipe, recipe


def replace_text_fix(rev: RevisionFile, lines: list[str], fix: ReplaceText) -> list[TextEdit]:
    line, col, end_col = fix.line, fix.col, fix.end_col
    expected, replacement = fix.old, fix.new
    if line >= len(lines) or lines[line][col:end_col] != expected:
        raise FixRefused("the text to replace has changed since the check")
    edits = [TextEdit(Span(line, col, line, end_col), replacement)]
    for extra in fix.also:  # the same text elsewhere (the docstring header)
        where = (_int(extra, "line"), _int(extra, "col"), _int(extra, "end_col"))
        if where[0] < len(lines) and lines[where[0]][where[1] : where[2]] == expected:
            edits.append(TextEdit(Span(where[0], where[1], where[0], where[2]), replacement))
    return edits


def _int(place: Json, key: str) -> int:
    value = place.get(key)
    if not isinstance(value, int):
        raise FixRefused(f"replace-text: `also` has no {key}")
    return value


@recipe
@dataclass(frozen=True)
class ReplaceText(Recipe):
    """`old` at (`line`, `col`..`end_col`) replaced by `new`, and in the `also` places
    ({"line", "col", "end_col"}) that still hold `old`."""

    kind: ClassVar[str] = "replace-text"
    line: int
    col: int
    end_col: int
    old: str
    new: str
    also: tuple[Json, ...] = ()

    def edits(self, rev: RevisionFile, lines: list[str]) -> list[TextEdit]:
        return replace_text_fix(rev, lines, self)

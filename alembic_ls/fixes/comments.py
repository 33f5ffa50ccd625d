"""Insert an explaining-comment template above a statement (AM103/AM104).

The placeholder `<why>` is deliberately not accepted by the rules: only a person can say why a
migration was edited by hand, so this fix is never applied automatically.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from alembic_ls.analysis.revision_file import RevisionFile, Span
from alembic_ls.fixes.edits import FixRefused, TextEdit
from alembic_ls.fixes.recipe import Recipe, recipe

PLACEHOLDER = "<why>"
TEMPLATE = "# MANUAL: " + PLACEHOLDER


def explain_comment_fix(rev: RevisionFile, lines: list[str], fix: ExplainComment) -> list[TextEdit]:
    line = fix.line
    if not 0 <= line < len(lines):
        raise FixRefused("the statement to explain is no longer there")
    text = lines[line]
    indent = text[: len(text) - len(text.lstrip())]
    return [TextEdit(Span(line, 0, line, 0), f"{indent}{TEMPLATE}\n")]


def placeholder_position(line: int, lines: list[str]) -> tuple[int, int]:
    """Where `<why>` sits after the edit, so an editor can select it."""
    text = lines[line]
    indent = len(text) - len(text.lstrip())
    col = indent + TEMPLATE.index(PLACEHOLDER)
    return line, col


@recipe
@dataclass(frozen=True)
class ExplainComment(Recipe):
    """A `# MANUAL: <why>` comment above line `line` (0-based), for a person to finish."""

    kind: ClassVar[str] = "explain-comment"
    line: int

    def edits(self, rev: RevisionFile, lines: list[str]) -> list[TextEdit]:
        return explain_comment_fix(rev, lines, self)

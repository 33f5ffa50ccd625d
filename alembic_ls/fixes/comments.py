"""Insert an explaining-comment template above a statement (AM103/AM104).

The placeholder `<why>` is deliberately not accepted by the rules: only a person can say why a
migration was edited by hand, so this fix is never applied automatically.
"""

from __future__ import annotations

from typing import Any

from alembic_ls.analysis.revision_file import RevisionFile, Span
from alembic_ls.fixes.edits import FixRefused, TextEdit

PLACEHOLDER = "<why>"
TEMPLATE = "# MANUAL: " + PLACEHOLDER


def explain_comment_fix(rev: RevisionFile, lines: list[str], params: dict[str, Any]) -> list[TextEdit]:
    line = int(params.get("line", -1))
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

"""Fixes: turn a finding's recipe (a typed value; `kind` + params on the wire) into text edits on the
current text."""

from __future__ import annotations

from collections.abc import Mapping

from alembic_ls.analysis.parser import parse_revision
from alembic_ls.analysis.python_parse import BOM
from alembic_ls.analysis.revision_file import RevisionFile, Span
from alembic_ls.analysis.source_text import split_lines

# Each fix module registers its recipe class (alembic_ls.fixes.recipe.RECIPES) when imported.
from alembic_ls.fixes import (  # noqa: F401
    command,
    comments,
    concurrent_index,
    downgrade,
    header_docstring,
    headers,
    imports,
    lock_timeout,
    not_valid_constraint,
    nullable_first,
    rebase,
    rename_column,
    suppressions,
    unique_index_first,
)
from alembic_ls.fixes.edits import FixRefused, TextEdit, apply_edits
from alembic_ls.fixes.recipe import RECIPES, Recipe, from_wire


def recipe_edits(path: str, text: str, fix: Recipe, rev: RevisionFile | None = None) -> list[TextEdit]:
    """Edits for one recipe against the *current* text of the file (`rev`: its summary, when the
    caller has it already)."""
    if fix.runs_command:
        raise FixRefused(f"the {fix.kind} fix runs a command; it has no text edits")
    edits = fix.edits(rev or parse_revision(path, text), split_lines(text))
    return _after_bom(edits) if text.startswith(BOM) else edits


def build_edits(
    path: str, text: str, kind: str, params: Mapping[str, object], rev: RevisionFile | None = None
) -> list[TextEdit]:
    """Edits for a recipe as a client sends it back (`Diagnostic.data`): its kind and params,
    checked field by field before anything is built."""
    return recipe_edits(path, text, from_wire(kind, params), rev)


def _after_bom(edits: list[TextEdit]) -> list[TextEdit]:
    """Edits that keep the byte order mark an editor's text starts with: the file's code (and
    every span of its analysis) starts after it, but a fix that writes at the very start of the
    file (an import in a file without any) says (0, 0)."""
    kept = []
    for edit in edits:
        span = edit.span
        if (span.line, span.col) == (0, 0) and not edit.new_text.startswith(BOM):
            end = (0, 1) if (span.end_line, span.end_col) == (0, 0) else (span.end_line, span.end_col)
            edit = TextEdit(Span(0, 1, *end), edit.new_text)
        kept.append(edit)
    return kept


__all__ = ["RECIPES", "FixRefused", "Recipe", "TextEdit", "apply_edits", "build_edits", "recipe_edits"]

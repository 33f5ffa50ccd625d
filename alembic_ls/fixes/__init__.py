"""Fixes: turn a finding's recipe (`Fix.kind` + params) into text edits on the current text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alembic_ls.analysis.parser import parse_revision
from alembic_ls.analysis.python_parse import BOM
from alembic_ls.analysis.revision_file import RevisionFile, Span
from alembic_ls.analysis.source_text import split_lines
from alembic_ls.fixes import comments, downgrade, headers, imports, suppressions
from alembic_ls.fixes.concurrent_index import concurrent_index_fix
from alembic_ls.fixes.edits import FixRefused, TextEdit, apply_edits
from alembic_ls.fixes.header_docstring import sync_header_fix
from alembic_ls.fixes.not_valid_constraint import not_valid_constraint_fix
from alembic_ls.fixes.nullable_first import nullable_first_fix
from alembic_ls.fixes.rebase import rebase_fix
from alembic_ls.fixes.rename_column import rename_column_fix

Fixer = Callable[[RevisionFile, list[str], dict[str, Any]], list[TextEdit]]

FIXERS: dict[str, Fixer] = {
    "derive-downgrade": downgrade.derive_downgrade_fix,
    "add-import": imports.add_import_fix,
    "explain-comment": comments.explain_comment_fix,
    "replace-text": headers.replace_text_fix,
    "sync-header": sync_header_fix,
    "suppress-line": suppressions.suppress_line_fix,
    "suppress-file": suppressions.suppress_file_fix,
    "remove-suppression": suppressions.remove_suppression_fix,
    "nullable-first": nullable_first_fix,
    "rename-column": rename_column_fix,
    "concurrent-index": concurrent_index_fix,
    "not-valid-constraint": not_valid_constraint_fix,
    "rebase": rebase_fix,
}


def build_edits(
    path: str, text: str, kind: str, params: dict[str, Any], rev: RevisionFile | None = None
) -> list[TextEdit]:
    """Edits for one fix recipe against the *current* text of the file (`rev`: its summary, when
    the caller has it already)."""
    fixer = FIXERS.get(kind)
    if fixer is None:
        raise FixRefused(f"unknown fix {kind!r}")
    edits = fixer(rev or parse_revision(path, text), split_lines(text), params)
    return _after_bom(edits) if text.startswith(BOM) else edits


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


__all__ = ["FIXERS", "FixRefused", "TextEdit", "apply_edits", "build_edits"]

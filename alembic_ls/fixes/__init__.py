"""Fixes: turn a finding's recipe (`Fix.kind` + params) into text edits on the current text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alembic_ls.analysis.parser import parse_revision
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.analysis.source_text import split_lines
from alembic_ls.fixes import comments, downgrade, headers, imports, suppressions
from alembic_ls.fixes.concurrent_index import concurrent_index_fix
from alembic_ls.fixes.edits import FixRefused, TextEdit, apply_edits
from alembic_ls.fixes.header_docstring import sync_header_fix
from alembic_ls.fixes.not_valid_constraint import not_valid_constraint_fix
from alembic_ls.fixes.nullable_first import nullable_first_fix
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
}


def build_edits(
    path: str, text: str, kind: str, params: dict[str, Any], rev: RevisionFile | None = None
) -> list[TextEdit]:
    """Edits for one fix recipe against the *current* text of the file (`rev`: its summary, when
    the caller has it already)."""
    fixer = FIXERS.get(kind)
    if fixer is None:
        raise FixRefused(f"unknown fix {kind!r}")
    return fixer(rev or parse_revision(path, text), split_lines(text), params)


__all__ = ["FIXERS", "FixRefused", "TextEdit", "apply_edits", "build_edits"]

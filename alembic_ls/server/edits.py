"""Our code-point TextEdits as LSP workspace edits, shaped for what the client can take."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from alembic_ls.analysis.source_text import split_lines
from alembic_ls.fixes.edits import TextEdit
from alembic_ls.server.positions import to_range


def supports_document_changes(capabilities: types.ClientCapabilities) -> bool:
    workspace = capabilities.workspace
    edit = workspace.workspace_edit if workspace else None
    return bool(edit and edit.document_changes)


def supports_snippet_edits(capabilities: types.ClientCapabilities) -> bool:
    workspace = capabilities.workspace
    edit = workspace.workspace_edit if workspace else None
    return bool(edit and edit.document_changes and edit.snippet_edit_support)


def lsp_edits(edits: Sequence[TextEdit], text: str, encoding: str) -> list[types.TextEdit]:
    """Clients apply edits literally: inserted line breaks take the document's own style."""
    lines = split_lines(text)
    crlf = "\r\n" in text
    return [
        types.TextEdit(
            range=to_range(e.span, lines, encoding),
            new_text=e.new_text.replace("\r\n", "\n").replace("\n", "\r\n") if crlf else e.new_text,
        )
        for e in edits
    ]


def snippet_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


def workspace_edit(
    capabilities: types.ClientCapabilities,
    changes: Sequence[tuple[str, int | None, Sequence[types.TextEdit | types.SnippetTextEdit]]],
) -> types.WorkspaceEdit:
    """One WorkspaceEdit over several documents: (uri, version or None, edits)."""
    if supports_document_changes(capabilities):
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                    edits=list(edits),
                )
                for uri, version, edits in changes
            ]
        )
    plain: dict[str, list[types.TextEdit]] = {}
    for uri, _version, edits in changes:
        # Callers make snippet edits only for clients that take documentChanges.
        plain.setdefault(uri, []).extend(e for e in edits if isinstance(e, types.TextEdit))
    return types.WorkspaceEdit(changes=plain)

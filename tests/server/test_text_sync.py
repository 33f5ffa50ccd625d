"""Open documents break lines where LSP does, so incremental edits after a form feed land in place."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.workspace import Workspace

from alembic_ls.server.text_sync import LspTextDocument, use_lsp_line_breaks

# Each of these is a line break for str.splitlines but not for LSP.
NOT_LSP_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def workspace(encoding: str) -> Workspace:
    space = Workspace(None, types.TextDocumentSyncKind.Incremental, position_encoding=encoding)
    use_lsp_line_breaks(space)
    return space


def edit(line: int, start: int, end: int, text: str) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(
            start=types.Position(line=line, character=start), end=types.Position(line=line, character=end)
        ),
        text=text,
    )


@pytest.mark.parametrize("separator", NOT_LSP_BREAKS)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_an_edit_after_a_character_splitlines_breaks_on_lands_in_place(separator: str, encoding: str) -> None:
    space = workspace(encoding)
    uri = "file:///w/a.py"
    space.put_text_document(
        types.TextDocumentItem(
            uri=uri, language_id="python", version=1, text=f"a{separator}b\nrevision = 'x'\n"
        )
    )
    document = space.get_text_document(uri)
    assert isinstance(document, LspTextDocument)
    space.update_text_document(
        types.VersionedTextDocumentIdentifier(uri=uri, version=2), edit(1, 12, 13, "y")
    )
    assert document.source == f"a{separator}b\nrevision = 'y'\n"


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("", ()),
        ("a", ("a",)),
        ("a\n", ("a\n",)),
        ("a\r\nb", ("a\r\n", "b")),
        ("a\rb\r", ("a\r", "b\r")),
        ("\n\n", ("\n", "\n")),
        ("é😀\r\n\x0cx", ("é😀\r\n", "\x0cx")),
        ("line\u2028same line\nnext", ("line\u2028same line\n", "next")),
    ],
)
def test_lines_keep_their_breaks_and_break_only_where_lsp_does(text: str, lines: tuple[str, ...]) -> None:
    assert LspTextDocument("file:///w/a.py", text).lines == lines

"""Open documents break lines where LSP does, so incremental edits after a form feed land in place."""

from __future__ import annotations

import random

import pytest
from lsprotocol import types
from pygls.workspace import PositionCodec, TextDocument, Workspace

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


class _PyglsLoopDocument(LspTextDocument):
    """The same document with pygls's own way of applying an edit (every line into a buffer)."""

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        TextDocument._apply_incremental_change(self, change)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_edits_spliced_by_offset_give_what_pygls_gives(encoding: str) -> None:
    """Random texts (every kind of line break, characters outside the BMP) and random ranges, in
    range or past a line's or the text's end, even ending before they start."""
    rng = random.Random(encoding)
    alphabet = ["a", "b", " ", "\n", "\r\n", "\r", "é", "😀", "\x0c", "\u2028", "#"]
    for _ in range(400):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        codec = PositionCodec(types.PositionEncodingKind(encoding))
        fast = LspTextDocument(
            "file:///w/a.py", text, sync_kind=types.TextDocumentSyncKind.Incremental, position_codec=codec
        )
        slow = _PyglsLoopDocument(
            "file:///w/a.py", text, sync_kind=types.TextDocumentSyncKind.Incremental, position_codec=codec
        )
        for _ in range(5):
            lines = max(len(fast.lines), 1)
            start = types.Position(line=rng.randrange(lines + 1), character=rng.randrange(6))
            end = types.Position(line=rng.randrange(lines + 1), character=rng.randrange(6))
            if rng.random() < 0.8 and (end.line, end.character) < (start.line, start.character):
                start, end = end, start
            change = types.TextDocumentContentChangePartial(
                range=types.Range(start=start, end=end), text=rng.choice(["", "x", "\n", "ab\r\ncd", "😀"])
            )
            fast.apply_change(change)
            slow.apply_change(change)
            assert fast.source == slow.source
            assert fast.lines == slow.lines

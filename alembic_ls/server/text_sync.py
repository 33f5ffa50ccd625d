"""Open documents that break lines where LSP does, so incremental edits land where the client put them.

pygls's TextDocument splits its text with `str.splitlines`, which also breaks on \\x0b, \\x0c (form
feed, common in older Python code), \\x1c-\\x1e, \\x85, U+2028 and U+2029. LSP positions count only
\\r\\n, \\r and \\n as line breaks, so after any of those characters every incremental change is
applied one or more lines off and the server's copy of the document silently stops matching the
editor's: diagnostics, and the fix edits built from them, then describe text the user never wrote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lsprotocol import types
from pygls.workspace import TextDocument, Workspace

# One line with its break, or a last line without one; like splitlines(keepends=True) for LSP's breaks.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# What str.splitlines breaks on besides \n (and LSP does not, except \r): without them,
# splitlines is LSP's split and ten times faster than the regex. (Looked for one by one: `in` is a
# memchr per character, a regex character class a step per character.)
_OTHER_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


class LspTextDocument(TextDocument):
    @property
    def lines(self) -> Sequence[str]:
        source = self.source
        if not any(character in source for character in _OTHER_BREAKS):
            return tuple(source.splitlines(keepends=True))
        return tuple(_LINE.findall(source))

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        """pygls's edit, made by slicing the text at the range's offsets: pygls writes every line of
        the document into a buffer, per keystroke (a millisecond on 4,600 lines). Ranges pygls
        treats in its own way (past the last line, or ending before they start) go to pygls."""
        lines = self.lines
        where = self.position_codec.range_from_client_units(lines, change.range)
        start, end = where.start, where.end
        if start.line >= len(lines) or end.line < start.line:
            super()._apply_incremental_change(change)
            return
        # The codec keeps columns within their line; were one past it, it would mean the line's
        # end, break included, as pygls's slicing of the line has it.
        before = sum(map(len, lines[: start.line]))
        begin = before + min(start.character, len(lines[start.line]))
        if end.line >= len(lines):
            stop = len(self.source)
        else:
            stop = before + sum(map(len, lines[start.line : end.line]))
            stop += min(end.character, len(lines[end.line]))
        self._source = self.source[:begin] + change.text + self.source[stop:]


def use_lsp_line_breaks(workspace: Workspace) -> None:
    """Make `workspace` create LspTextDocument for every document opened from now on."""
    create_plain = workspace._create_text_document

    def create(
        doc_uri: str,
        source: str | None = None,
        version: int | None = None,
        language_id: str | None = None,
    ) -> TextDocument:
        document = create_plain(doc_uri, source, version, language_id)
        document.__class__ = LspTextDocument  # same fields, only `lines` differs
        return document

    # pygls builds documents through this factory method; it has no public hook for the class.
    workspace._create_text_document = create  # type: ignore[method-assign]

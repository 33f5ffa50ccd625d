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

from pygls.workspace import TextDocument, Workspace

# One line with its break, or a last line without one; like splitlines(keepends=True) for LSP's breaks.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class LspTextDocument(TextDocument):
    @property
    def lines(self) -> Sequence[str]:
        return tuple(_LINE.findall(self.source))


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

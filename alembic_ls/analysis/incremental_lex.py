"""`lex` for successive versions of one open document, lexing again only around an edit.

The lexer walks every comment and string of the file: in a 4,600-line revision full of
`sa.Column('name', ...)` that is thousands of steps per keystroke, though a keystroke changes one
line. Lines above the edit keep what the previous version found there. Lexing restarts at the
first changed line (or, when that line lies inside a multi-line string, where the string opens)
and stops at the first line below the edit that both versions enter outside any string: from
there on the text is the same, so are its comments and strings, moved by the lines the edit added
or removed. The result equals `lex` of the whole text (tests/unit/test_incremental_lex.py).
"""

from __future__ import annotations

from alembic_ls.analysis.revision_file import Comment
from alembic_ls.analysis.source_text import LexResult, lex, scan


class IncrementalLexer:
    def __init__(self) -> None:
        self._lines: list[str] | None = None
        self._result: LexResult | None = None
        self.reused = 0  # versions lexed around their edit (for tests and benchmarks)

    def lex(self, text: str) -> LexResult:
        old_lines, old = self._lines, self._result
        lines = text.split("\n")
        if old_lines is None or old is None or "\r" in text:
            result = lex(text)
        else:
            result = _relexed(text, lines, old_lines, old)
            self.reused += 1
        self._lines, self._result = (None, None) if "\r" in text else (lines, result)
        return result


def _relexed(text: str, lines: list[str], old_lines: list[str], old: LexResult) -> LexResult:
    limit = min(len(lines), len(old_lines))
    first = 0
    while first < limit and lines[first] == old_lines[first]:
        first += 1
    same_after = 0  # lines equal at the end of both versions
    while same_after < limit - first and lines[-1 - same_after] == old_lines[-1 - same_after]:
        same_after += 1
    while first in old.string_lines:  # inside a string: lex from the line that opens it
        first -= 1
    delta = len(lines) - len(old_lines)
    changed_end = len(lines) - same_after  # the first line of the unchanged end, in `lines`
    resume_line = len(lines)  # where the previous version's findings take over

    def resume_at(end: int) -> int:
        """The start of the first line at or after offset `end`, past the edit, that the previous
        version entered outside any string (past the end of the text when there is none)."""
        nonlocal resume_line
        line = text.count("\n", 0, end)
        if text.rfind("\n", 0, end) + 1 != end:
            line += 1  # `end` is inside that line: the next one starts after it
        line = max(line, changed_end)
        while line < len(lines) and line - delta in old.string_lines:
            line += 1
        resume_line = line
        return _offset(lines, line) if line < len(lines) else len(text) + 1

    comments = [c for c in old.comments if c.line < first]
    string_lines = {n for n in old.string_lines if n < first}
    stopped = scan(text, _offset(lines, first), first, comments, string_lines, resume_at)
    if stopped < len(text):
        kept = resume_line - delta  # the same line in the previous version
        comments.extend(Comment(c.line + delta, c.col, c.text) for c in old.comments if c.line >= kept)
        string_lines.update(n + delta for n in old.string_lines if n >= kept)
    return LexResult(comments, string_lines)


def _offset(lines: list[str], line: int) -> int:
    """Where `line` starts in the text the lines were split from."""
    return sum(map(len, lines[:line])) + line

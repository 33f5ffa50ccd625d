"""Source text helpers: line splitting as Python counts lines, byte→code-point columns, and a
small lexer that finds comments and multi-line strings without `tokenize` (pure Python on 3.11
and several times slower than `ast.parse` itself)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from alembic_ls.analysis.revision_file import Comment, Span

# Python (and LSP) break lines on \r\n, \r and \n only; str.splitlines() also breaks on \x0c,
# \x1c, \u2028 ... which would put us out of step with ast line numbers.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    return _LINE_BREAK.split(text)


def decode_source(data: bytes) -> tuple[str, str | None]:
    """Decode file bytes as Python would; return (text, error message or None)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        text = data.decode("utf-8", errors="replace")
        return text, f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x} on line {line})"


class Positions:
    """Converts ast positions (1-based line, UTF-8 byte column) to code-point columns."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self._encoded: dict[int, bytes] = {}
        # Nearly every migration is pure ASCII, where byte and code-point columns agree.
        self._ascii = all(line.isascii() for line in lines)

    def col(self, lineno: int, byte_col: int) -> int:
        index = lineno - 1
        if index < 0 or index >= len(self.lines):
            return byte_col
        line = self.lines[index]
        if line.isascii():
            return byte_col
        encoded = self._encoded.get(index)
        if encoded is None:
            encoded = self._encoded[index] = line.encode("utf-8", errors="surrogatepass")
        return len(encoded[:byte_col].decode("utf-8", errors="replace"))

    def span(self, node: object) -> Span:
        if self._ascii:
            # Hot path (every op argument gets a span): direct attribute reads, no conversion.
            try:
                last, last_col = node.end_lineno, node.end_col_offset  # type: ignore[attr-defined]
                if last is not None and last_col is not None:
                    return Span(node.lineno - 1, node.col_offset, last - 1, last_col)  # type: ignore[attr-defined]
            except AttributeError:
                pass
        lineno: int = getattr(node, "lineno", 1)
        end_lineno: int = getattr(node, "end_lineno", None) or lineno
        col = getattr(node, "col_offset", 0)
        end_col = getattr(node, "end_col_offset", None)
        if end_col is None:
            end_col = col
        if self._ascii:
            return Span(lineno - 1, col, end_lineno - 1, end_col)
        return Span(lineno - 1, self.col(lineno, col), end_lineno - 1, self.col(end_lineno, end_col))

    def segment(self, span: Span) -> str:
        if span.line == span.end_line:
            return self.lines[span.line][span.col : span.end_col]
        parts = [self.lines[span.line][span.col :]]
        parts.extend(self.lines[span.line + 1 : span.end_line])
        parts.append(self.lines[span.end_line][: span.end_col])
        return "\n".join(parts)


@dataclass(slots=True)
class LexResult:
    comments: list[Comment]
    # Lines that lie inside a multi-line string (their text is not code nor comment).
    string_lines: set[int]


_INTERESTING = re.compile(r"[#'\"\\\n]")


def lex(text: str) -> LexResult:
    """Find comments and multi-line-string lines; tolerant of unterminated strings."""
    comments: list[Comment] = []
    string_lines: set[int] = set()
    line = 0
    line_start = 0
    pos = 0
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    length = len(text)
    while pos < length:
        match = _INTERESTING.search(text, pos)
        if match is None:
            break
        char = match.group()
        pos = match.start()
        if char == "\n":
            line += 1
            pos += 1
            line_start = pos
        elif char == "\\":
            # A backslash outside a string is a line continuation: its newline still counts.
            if text.startswith("\n", pos + 1):
                line += 1
                line_start = pos + 2
            pos += 2
        elif char == "#":
            end = text.find("\n", pos)
            end = length if end == -1 else end
            comments.append(Comment(line, pos - line_start, text[pos:end]))
            pos = end
        else:
            triple = text.startswith(char * 3, pos)
            quote = char * 3 if triple else char
            scan = pos + len(quote)
            while True:
                close = text.find(quote, scan)
                newline = -1 if triple else _unescaped_newline(text, scan)
                if close == -1 or (newline != -1 and newline < close):
                    # Unterminated: stop the string at the end of the line (single) or file.
                    close = (newline if newline != -1 else length) if not triple else length
                    end = close
                    break
                backslashes = 0
                back = close - 1
                while back >= scan and text[back] == "\\":
                    backslashes += 1
                    back -= 1
                if backslashes % 2 == 0:
                    end = close + len(quote)
                    break
                scan = close + 1
            inner_newlines = text.count("\n", pos, end)
            if inner_newlines:
                string_lines.update(range(line + 1, line + inner_newlines + 1))
                line += inner_newlines
                line_start = text.rfind("\n", pos, end) + 1
            pos = end
    return LexResult(comments, string_lines)


def _unescaped_newline(text: str, start: int) -> int:
    """The first newline at or after `start` that is not escaped by a backslash (-1 if none)."""
    newline = text.find("\n", start)
    while newline > 0:
        backslashes = 0
        back = newline - 1
        while back >= start and text[back] == "\\":
            backslashes += 1
            back -= 1
        if backslashes % 2 == 0:
            return newline
        newline = text.find("\n", newline + 1)
    return newline

"""Source text helpers: line splitting as Python counts lines, byte→code-point columns, and a
small lexer that finds comments and multi-line strings without `tokenize` (pure Python on 3.11
and several times slower than `ast.parse` itself)."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass

from alembic_ls.analysis.regex_compat import compile_possessive
from alembic_ls.analysis.revision_file import Comment, Span

# Python (and LSP) break lines on \r\n, \r and \n only; str.splitlines() also breaks on \x0c,
# \x1c, \u2028 ... which would put us out of step with ast line numbers.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    if "\r" not in text:
        return text.split("\n")  # the same lines, several times faster than the regex
    return _LINE_BREAK.split(text)


_BOM = b"\xef\xbb\xbf"
# PEP 263: a comment on line 1 or 2 naming the file's encoding.
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def _declared_encoding(data: bytes) -> str | None:
    """The encoding a PEP 263 cookie names (line 2 counts only after a comment or blank line 1)."""
    first, _, rest = data.partition(b"\n")
    for line in (first, rest.partition(b"\n")[0]):
        match = _CODING.match(line)
        if match:
            return match.group(1).decode("ascii")
        if line.strip() and not line.lstrip().startswith(b"#"):
            return None
    return None


def source_encoding(data: bytes) -> str:
    """The codec to write a source file back in, as it was read: its coding cookie's, else UTF-8
    (with the byte order mark it started with)."""
    declared = _declared_encoding(data)
    if declared is not None and not data.startswith(_BOM):
        try:
            return codecs.lookup(declared).name
        except LookupError:
            pass
    return "utf-8-sig" if data.startswith(_BOM) else "utf-8"


def decode_source(data: bytes) -> tuple[str, str | None]:
    """Decode file bytes as Python would; return (text, error message or None)."""
    bom = data.startswith(_BOM)
    if bom:
        data = data[3:]
    declared = _declared_encoding(data)
    encoding = "utf-8"
    if declared is not None:
        try:
            encoding = codecs.lookup(declared).name
        except LookupError:
            return data.decode(
                "utf-8", errors="replace"
            ), f"unknown encoding in the coding comment: {declared}"
        if bom and encoding != "utf-8":
            return data.decode("utf-8", errors="replace"), (
                f"the file starts with a UTF-8 byte order mark but its coding comment says {declared}"
            )
    try:
        return data.decode(encoding), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        text = data.decode(encoding, errors="replace")
        name = "UTF-8" if encoding == "utf-8" else declared
        return text, f"file is not valid {name} (byte 0x{data[exc.start]:02x} on line {line})"


class Positions:
    """Converts ast positions (1-based line, UTF-8 byte column) to code-point columns."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self._encoded: dict[int, bytes] = {}
        # Nearly every migration is pure ASCII, where byte and code-point columns agree.
        self.ascii = all(map(str.isascii, lines))

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
        if self.ascii:
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
        if self.ascii:
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


# What the lexer stops at, matched from where it is (the possessive `[^...]*+` skips plain code
# in C, far faster than a Python step per character or a search trying each alternative at
# every position): a comment; a string closed the way `lex` always closed them (a backslash
# escapes any character, a newline ends a single-quoted string unless escaped, a quote followed
# by two more opens a triple-quoted one); a backslash outside a string, which escapes the
# character after it (a line continuation, mostly); or the quote of a string that never closes
# (`_unclosed_end`). No match: nothing of interest is left.
_TOKEN = compile_possessive(
    r"""[^#'"\\]*+("""
    r"#[^\n]*"
    r"|'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''"
    r'|"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""'
    r"|'(?!'')[^'\\\n]*(?:\\[\s\S][^'\\\n]*)*'"
    r'|"(?!"")[^"\\\n]*(?:\\[\s\S][^"\\\n]*)*"'
    r"|\\[\s\S]?"
    r"|(['\"]))"
)


def lex(text: str) -> LexResult:
    """Find comments and multi-line-string lines; tolerant of unterminated strings."""
    comments: list[Comment] = []
    string_lines: set[int] = set()
    scan(normalised_breaks(text), 0, 0, comments, string_lines)
    return LexResult(comments, string_lines)


def normalised_breaks(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def scan(
    text: str,
    pos: int,
    line: int,
    comments: list[Comment],
    string_lines: set[int],
    resume_at: Callable[[int], int] | None = None,
) -> int:
    """Lex `text` from `pos`, the start of line `line` outside any string, adding what it finds.

    `resume_at(end)` (incremental lexing) gives the first offset at or after `end` from which the
    caller already knows the rest: lexing stops at the first token that starts there, or asks
    again when a string runs past it. Returns where lexing stopped (the length of `text` at the end).
    """
    # Lines are counted only up to where a comment or a multi-line string needs its number.
    counted = pos
    token = _TOKEN.match
    limit = resume_at(pos) if resume_at is not None else len(text) + 1
    while (match := token(text, pos)) is not None:
        start, pos = match.span(1)
        if start >= limit:
            return limit
        first = text[start]
        if first == "\\":
            continue  # the newline a continuation escapes is code
        if first == "#":
            line += text.count("\n", counted, start)
            counted = start
            comments.append(Comment(line, start - text.rfind("\n", 0, start) - 1, text[start:pos]))
            continue
        if match.group(2):  # a quote that opens a string never closed
            pos = _unclosed_end(text, start, first)
        inner_newlines = text.count("\n", start, pos)
        if inner_newlines:
            line += text.count("\n", counted, start)
            string_lines.update(range(line + 1, line + inner_newlines + 1))
            line += inner_newlines
            counted = pos
            if resume_at is not None and pos > limit:
                limit = resume_at(pos)
    return len(text)


def _unclosed_end(text: str, start: int, quote: str) -> int:
    """Where a string that never closes ends: at the end of its line (single-quoted), or of the
    file (triple-quoted)."""
    if text.startswith(quote * 3, start):
        return len(text)
    newline = _unescaped_newline(text, start + 1)
    return len(text) if newline == -1 else newline


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


def read_text(path: str) -> str | None:
    """The text of the file at `path` as Python would decode it (undecodable bytes replaced);
    None: it cannot be read."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return decode_source(data)[0]

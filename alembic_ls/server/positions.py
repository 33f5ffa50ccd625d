"""Code-point positions (what the analyzer speaks) to LSP positions and back.

The analyzer counts columns in Unicode code points. LSP counts them in the position encoding the
client and server agreed on at `initialize`: UTF-16 code units unless the client offered another
(Neovim 0.10+ offers UTF-8 first, which pygls then picks).
"""

from __future__ import annotations

from lsprotocol import types

from alembic_ls.analysis.revision_file import Span

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"


def _units(char: str, encoding: str) -> int:
    point = ord(char)
    if encoding == UTF8:
        if point < 0x80:
            return 1
        if point < 0x800:
            return 2
        return 3 if point < 0x10000 else 4
    if encoding == UTF16:
        return 2 if point > 0xFFFF else 1
    return 1


def client_column(text: str, col: int, encoding: str) -> int:
    """Code-point column `col` of `text` in the client's units (clamped to the line)."""
    col = max(0, min(col, len(text)))
    if encoding == UTF32 or text.isascii():
        return col
    return sum(_units(char, encoding) for char in text[:col])


def code_point_column(text: str, units: int, encoding: str) -> int:
    """The client's column `units` as a code-point column of `text` (clamped to the line)."""
    if units <= 0:
        return 0
    if encoding == UTF32 or text.isascii():
        return min(units, len(text))
    consumed = 0
    for index, char in enumerate(text):
        consumed += _units(char, encoding)
        if consumed > units:
            return index  # `units` points inside a multi-unit character: stay before it
        if consumed == units:
            return index + 1
    return len(text)


def to_position(line: int, col: int, lines: list[str], encoding: str) -> types.Position:
    if not lines:
        return types.Position(line=0, character=0)
    if line >= len(lines):
        last = len(lines) - 1
        return types.Position(line=last, character=client_column(lines[last], len(lines[last]), encoding))
    line = max(line, 0)
    return types.Position(line=line, character=client_column(lines[line], col, encoding))


def to_range(span: Span, lines: list[str], encoding: str) -> types.Range:
    return types.Range(
        start=to_position(span.line, span.col, lines, encoding),
        end=to_position(span.end_line, span.end_col, lines, encoding),
    )


def from_position(position: types.Position, lines: list[str], encoding: str) -> tuple[int, int]:
    """(line, code-point column) of an LSP position; positions past the end stay at the end."""
    if not lines:
        return 0, 0
    if position.line >= len(lines):
        last = len(lines) - 1
        return last, len(lines[last])
    text = lines[position.line]
    return position.line, code_point_column(text, position.character, encoding)


def from_range(rng: types.Range, lines: list[str], encoding: str) -> Span:
    line, col = from_position(rng.start, lines, encoding)
    end_line, end_col = from_position(rng.end, lines, encoding)
    return Span(line, col, end_line, end_col)

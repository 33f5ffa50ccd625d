"""Code-point columns <-> the client's position encoding."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from lsprotocol import types

from alembic_ls.analysis.revision_file import Span
from alembic_ls.server.positions import (
    UTF8,
    UTF16,
    UTF32,
    client_column,
    code_point_column,
    from_position,
    to_range,
)

LINE = "x = 'é😀z'"  # é: 2 UTF-8 bytes, 1 UTF-16 unit; 😀: 4 bytes, 2 units


def test_columns_in_each_encoding() -> None:
    z = LINE.index("z")
    assert client_column(LINE, z, UTF32) == 7
    assert client_column(LINE, z, UTF16) == 8
    assert client_column(LINE, z, UTF8) == 11
    for encoding in (UTF8, UTF16, UTF32):
        assert code_point_column(LINE, client_column(LINE, z, encoding), encoding) == z


def test_a_column_inside_a_character_stays_before_it() -> None:
    emoji = LINE.index("😀")
    assert code_point_column(LINE, client_column(LINE, emoji, UTF16) + 1, UTF16) == emoji
    assert code_point_column(LINE, client_column(LINE, emoji, UTF8) + 3, UTF8) == emoji


def test_out_of_range_positions_are_clamped() -> None:
    lines = ["abc", "dé"]
    assert from_position(types.Position(line=9, character=0), lines, UTF16) == (1, 2)
    assert from_position(types.Position(line=0, character=99), lines, UTF16) == (0, 3)
    rng = to_range(Span(0, 1, 7, 0), lines, UTF8)
    assert (rng.end.line, rng.end.character) == (1, 3)


@given(st.text(max_size=30), st.sampled_from([UTF8, UTF16, UTF32]))
def test_round_trip(line: str, encoding: str) -> None:
    line = line.replace("\n", "").replace("\r", "")
    for col in range(len(line) + 1):
        assert code_point_column(line, client_column(line, col, encoding), encoding) == col

"""`shift_lines` moves statements exactly as `ast.increment_lineno` does (the incremental parser's
splices rely on it: tests/unit/test_incremental_parse.py compares whole trees after random edits)."""

from __future__ import annotations

import ast
import sys

import pytest

from alembic_ls.analysis.line_shift import shift_lines

SOURCE = '''
import os, sys as system
from x import (a as b, c)
global_name: int = 1

@decorator(arg=1)
async def f(p, /, q: int = 2, *args, r, s=3, **kw) -> "T":
    """doc"""
    global g
    async with op.batch_alter_table("t") as batch, other() as (x, y):
        batch.add_column(sa.Column("c", sa.Integer(), nullable=not True))
    async for item in items:
        yield item
    try:
        x = [i for i in range(3) if i] + [*{k: v for k, v in d.items()}]
    except (ValueError, TypeError) as exc:
        raise RuntimeError(f"{exc!r:>10} and {x}") from exc
    else:
        del x[0], y
    finally:
        assert lambda a, *b, c=1, **d: (a, b), "msg"
    while (n := 3) > 2:
        n -= 1
        break
    if a if b else c:
        pass
    return await g(*args, **kw)[1:2:3]

class C(Base, metaclass=M):
    attribute: "Ann" = field()

    def method(self):
        nonlocal_holder = {1, 2}
        return {**nonlocal_holder}
'''

MATCH = """
match command.split():
    case [action, *rest] if action:
        pass
    case {"key": value, **others}:
        pass
    case Point(x=0, y=_) | Point(x=1) as point:
        pass
    case _:
        pass
"""

TRY_STAR = """
try:
    pass
except* ValueError as group:
    pass
"""

TYPE_PARAMS = """
type Alias[T] = list[T]
def generic[T: int, *Ts, **P](x: T) -> T:
    return x
"""


def _sources() -> list[str]:
    sources = [SOURCE, MATCH]
    if sys.version_info >= (3, 11):
        sources.append(TRY_STAR)
    if sys.version_info >= (3, 12):
        sources.append(TYPE_PARAMS)
    return sources


@pytest.mark.parametrize("source", _sources())
@pytest.mark.parametrize("delta", [1, 7, -1])
def test_statements_move_as_increment_lineno_moves_them(source: str, delta: int) -> None:
    text = "\n" * 3 + source  # room to move up
    expected, shifted = ast.parse(text), ast.parse(text)
    for statement in expected.body[1:]:
        ast.increment_lineno(statement, delta)
    shift_lines(shifted.body[1:], delta)
    assert ast.dump(shifted, include_attributes=True) == ast.dump(expected, include_attributes=True)
    assert ast.dump(shifted.body[0], include_attributes=True) == ast.dump(
        ast.parse(text).body[0], include_attributes=True
    )  # only the statements given move

"""Moving parsed statements down or up by a number of lines: `ast.increment_lineno` for many
statements at once, more than twice as fast.

An edit that adds or removes a line inside upgrade() of a 4,000-line revision moves every
statement below it, downgrade()'s included: some 100,000 nodes. `ast.increment_lineno` visits
each through `ast.walk`'s generators, asks every node's `_attributes`, and descends into every
`ctx` (the shared `Load()` under each name and attribute, a third of the visits); that was a
quarter of such a keystroke. Here each node class's fields are read once, and fields that never
hold a node with a position are not entered.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

# Fields that hold names, flags or a `ctx` (an expression context has no position and no
# children): nothing below them moves.
_LEAF_FIELDS = frozenset(
    {
        "ctx",
        "id",
        "attr",
        "arg",
        "name",
        "module",
        "level",
        "kind",
        "type_comment",
        "is_async",
        "conversion",
        "simple",
        "asname",
    }
)

# Per node class: does it have a position, and which of its fields may hold nodes.
_LAYOUT: dict[type, tuple[bool, tuple[str, ...]]] = {}


def _layout(kind: type) -> tuple[bool, tuple[str, ...]]:
    found = _LAYOUT.get(kind)
    if found is None:
        positioned = "lineno" in getattr(kind, "_attributes", ())
        fields = tuple(f for f in getattr(kind, "_fields", ()) if f not in _LEAF_FIELDS)
        found = _LAYOUT[kind] = (positioned, fields)
    return found


def shift_lines(nodes: Iterable[ast.AST], delta: int) -> None:
    """`ast.increment_lineno(node, delta)` for each of `nodes` (statements or expressions of a
    parsed tree: no `TypeIgnore`, which only a module holds)."""
    stack: list[ast.AST] = list(nodes)
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        positioned, fields = _layout(type(node))
        if positioned:
            node.lineno += delta  # type: ignore[attr-defined]
            end = node.end_lineno  # type: ignore[attr-defined]
            if end is not None:
                node.end_lineno = end + delta  # type: ignore[attr-defined]
        for field in fields:
            value = getattr(node, field, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        push(item)
            elif isinstance(value, ast.AST):
                push(value)

"""Which `text(...)` a name holds: `insert_sql = sa.text("INSERT ... VALUES (:a)")`, then
`session.execute(insert_sql, row)` runs that SQL (pepys a7f75ead6204, lemur a02a678ddc25). The
parser records the SQL of the `text(...)` call once, where it is written; the call that runs the name
points back to it (`SqlCall.runs_text_at`), so what it runs is read and nothing is stored twice.

The parser asks this of every assignment it walks, so it looks at the node's shape only and
returns early: most assignments are not calls, and most calls make no text.
"""

from __future__ import annotations

import ast

from alembic_ls.analysis.table_variables import assigned_name

# Where SQLAlchemy's `text` is reached from: `text`, `sa.text`, `sa.sql.text`,
# `sqlalchemy.sql.expression.text`.
TEXT_MODULES = frozenset(
    {
        "sa",
        "sqlalchemy",
        "sql",
        "sa.sql",
        "sqlalchemy.sql",
        "expression",
        "sa.sql.expression",
        "sqlalchemy.sql.expression",
    }
)

# What a TextClause is told besides its SQL: `text("...").bindparams(...)` runs the same SQL.
TEXT_OPTIONS = frozenset(("bindparams", "columns", "execution_options", "params"))

# A function's names that hold a text: (name, 0-based line of its `text(...)` call), in the order
# they were bound (a tuple: the parser keys its reuse of a statement's calls on it).
TextBindings = tuple[tuple[str, int], ...]


def is_text_function(func: ast.expr) -> bool:
    if type(func) is ast.Name:
        return func.id == "text"
    if type(func) is not ast.Attribute or func.attr != "text":
        return False
    parts: list[str] = []
    node: ast.expr = func.value
    while type(node) is ast.Attribute:
        parts.append(node.attr)
        node = node.value
    if type(node) is not ast.Name:
        return False
    parts.append(node.id)
    return ".".join(reversed(parts)) in TEXT_MODULES


def without_options(node: ast.expr) -> ast.expr:
    """`text("...").bindparams(...)`, `stmt.bindparams(...)`: the TextClause the options are given to."""
    while type(node) is ast.Call and type(node.func) is ast.Attribute and node.func.attr in TEXT_OPTIONS:
        node = node.func.value
    return node


def held_text(node: ast.expr | None, bindings: TextBindings) -> int | None:
    """The line of the `text(...)` call a SQL call's argument `node` is a name for, else None."""
    if not bindings or node is None:
        return None
    node = without_options(node)
    if type(node) is not ast.Name:
        return None
    for name, line in reversed(bindings):
        if name == node.id:
            return line
    return None


def rebound(stmt: ast.stmt, bindings: TextBindings) -> TextBindings:
    """The bindings after `stmt`: a name assigned a `text(...)` (or options given to the text it
    holds: `stmt = stmt.bindparams(...)`) holds that text; a name assigned anything else no longer
    holds one."""
    name = assigned_name(stmt)
    if name is None:
        return bindings
    value = getattr(stmt, "value", None)
    if type(value) is not ast.Call:
        held = None
    else:
        inner = without_options(value)
        if type(inner) is ast.Call and is_text_function(inner.func):
            held = inner.lineno - 1
        else:
            held = held_text(inner, bindings) if type(inner) is ast.Name else None
    if held is None and not any(bound == name for bound, _line in bindings):
        return bindings
    kept = tuple((bound, line) for bound, line in bindings if bound != name)
    return kept if held is None else (*kept, (name, held))

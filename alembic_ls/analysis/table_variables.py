"""Which table an assignment gives a name: `t = sa.table("tagkind", ...)` makes `t` stand for
`tagkind`, so `op.bulk_insert(t, [...])` can be read as rows for that table (AM104 tells the seed of
a table the same function creates from a change to rows that exist).

The parser asks this of every assignment it walks, so it looks at the node's shape only and
returns early: most assignments are not calls, and most calls make no table.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Mapping

from alembic_ls.analysis.revision_file import TableVariable

# `table("t", column(...))` (sqlalchemy.sql's lightweight table, what data migrations use) and
# `sa.Table("t", meta, ...)`, under any module alias: both take the table's name first.
_TABLE_MAKERS = frozenset({"table", "Table"})


def assigned_name(stmt: ast.stmt) -> str | None:
    """The one plain name an assignment binds (`t = ...`, `t: Table = ...`), else None."""
    if type(stmt) is ast.Assign:
        targets = stmt.targets
        return targets[0].id if len(targets) == 1 and type(targets[0]) is ast.Name else None
    if type(stmt) is ast.AnnAssign and stmt.value is not None and type(stmt.target) is ast.Name:
        return stmt.target.id
    return None


def table_made_by(
    value: ast.expr | None, op_aliases: Collection[str], constants: Mapping[str, str]
) -> str | None:
    """The table name a `table(...)`, `sa.Table(...)` or `op.create_table(...)` call is given as a
    string literal (or a module constant naming one); None for any other value."""
    if type(value) is not ast.Call or not value.args:
        return None
    func = value.func
    if type(func) is ast.Name:
        makes_table = func.id in _TABLE_MAKERS
    elif type(func) is ast.Attribute:
        receiver = func.value
        makes_table = func.attr in _TABLE_MAKERS or (
            func.attr == "create_table" and type(receiver) is ast.Name and receiver.id in op_aliases
        )
    else:
        return None
    if not makes_table:
        return None
    first = value.args[0]
    if type(first) is ast.Constant and isinstance(first.value, str):
        return first.value
    if type(first) is ast.Name:
        return constants.get(first.id)
    return None


def table_variable(
    stmt: ast.stmt, op_aliases: Collection[str], constants: Mapping[str, str], known: Collection[str]
) -> TableVariable | None:
    """What `stmt` tells about names standing for tables: a name assigned a table, or a name in
    `known` (assigned one before) assigned something else, which no longer stands for it."""
    name = assigned_name(stmt)
    if name is None:
        return None
    table = table_made_by(getattr(stmt, "value", None), op_aliases, constants)
    if table is None and name not in known:
        return None
    return TableVariable(name, table, stmt.lineno - 1)

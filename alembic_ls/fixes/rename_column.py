"""AM402's fix: turn a drop_column + add_column pair into the rule book's rename.

    upgrade:   op.alter_column('t', 'old', new_column_name='new')
    downgrade: op.alter_column('t', 'new', new_column_name='old')

The rename takes the add_column's place (later ops may use the new name) and the drop goes. The
downgrade's mirror pair (add_column of the old column, drop_column of the new one) is rewritten the
same way; a downgrade that is empty is left to AM201, whose derived downgrade reverses the rename.
`existing_type` is written because MySQL cannot rename a column without restating its type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from alembic_ls.analysis.op_args import ColumnDef, added_column, arg, column_name, table_of
from alembic_ls.analysis.revision_file import OpCall, RevisionFile
from alembic_ls.analysis.sql_types import same_type
from alembic_ls.fixes.edits import FixRefused, TextEdit
from alembic_ls.fixes.op_edits import ensure_parses, find_op, removal
from alembic_ls.fixes.recipe import Recipe, recipe


def rename_column_fix(rev: RevisionFile, lines: list[str], fix: RenameColumn) -> list[TextEdit]:
    table, old, new = fix.table, fix.old, fix.new
    drop = find_op(rev, "upgrade", ("drop_column",), fix.drop_line)
    add = find_op(rev, "upgrade", ("add_column",), fix.add_line)
    new_def = added_column(add)
    if column_name(drop) != old or new_def is None or new_def.name != new:
        raise FixRefused(f"the upgrade no longer drops `{old}` and adds `{new}` on those lines")
    if table_of(drop) != table or table_of(add) != table:
        raise FixRefused(f"the drop and the add are no longer both on `{table}`")
    readd = next((o for o in rev.ops_in("downgrade") if _adds(o, table, old)), None)
    old_def = added_column(readd) if readd is not None else None
    edits = [
        TextEdit(add.stmt_span, _alter(add, table, old, new, before=old_def, after=new_def)),
        removal(rev, lines, drop),
    ]
    drop_new = next(
        (o for o in rev.ops_in("downgrade") if o.name == "drop_column" and _on(o, table, new)), None
    )
    if readd is not None and drop_new is not None:
        edits.append(TextEdit(readd.stmt_span, _alter(readd, table, new, old, before=new_def, after=old_def)))
        edits.append(removal(rev, lines, drop_new))
    elif readd is not None or drop_new is not None:
        missing = f"re-add `{old}`" if readd is None else f"drop `{new}`"
        raise FixRefused(f"downgrade() does not {missing}; rename the column back there by hand")
    elif rev.downgrade is not None and not rev.downgrade.is_empty:
        raise FixRefused(f"downgrade() neither re-adds `{old}` nor drops `{new}`; rename it back by hand")
    # (An empty downgrade is AM201's: its derived downgrade reverses the rename.)
    return ensure_parses(lines, edits, "the rename rewrite")


def _adds(op: OpCall, table: str, column: str) -> bool:
    added = added_column(op)
    return added is not None and added.name == column and table_of(op) == table


def _on(op: OpCall, table: str, column: str) -> bool:
    return table_of(op) == table and column_name(op) == column


def _alter(
    at: OpCall,
    table: str,
    current: str,
    renamed: str,
    before: ColumnDef | None,
    after: ColumnDef | None,
) -> str:
    """`<receiver>.alter_column(...)` written where `at` stands (same receiver, batch or not).

    `before` is the column's definition under its current name and `after` the one it should
    have, when the file says: a differing type or nullability changes along with the name.
    """
    parts = [] if at.batch_span is not None else [_table_source(at, table)]
    parts += [repr(current), f"new_column_name={renamed!r}"]
    old_type = before.type_ if before is not None else None
    new_type = after.type_ if after is not None else None
    if old_type is not None and new_type is not None and not same_type(old_type, new_type):
        parts.append(f"type_={new_type.source}")
    known = old_type or new_type
    if known is not None:
        parts.append(f"existing_type={known.source}")
    old_null = before.nullable if before is not None else None
    new_null = after.nullable if after is not None else None
    if old_null is not None and new_null is not None and old_null != new_null:
        parts.append(f"nullable={new_null}")
    existing_null = old_null if old_null is not None else new_null
    if existing_null is not None:
        parts.append(f"existing_nullable={existing_null}")
    schema = at.kwarg("schema") if at.batch_span is None else None
    if schema is not None:
        parts.append(f"schema={schema.source}")
    return f"{at.receiver}.alter_column({', '.join(parts)})"


def _table_source(op: OpCall, table: str) -> str:
    value = arg(op, "table_name")
    return value.source if value is not None else repr(table)


@recipe
@dataclass(frozen=True)
class RenameColumn(Recipe):
    """Turn the drop of `table.old` (line `drop_line`) and the add of `new` (line `add_line`) into
    a rename, both ways."""

    kind: ClassVar[str] = "rename-column"
    table: str
    old: str
    new: str
    drop_line: int
    add_line: int

    def edits(self, rev: RevisionFile, lines: list[str]) -> list[TextEdit]:
        return rename_column_fix(rev, lines, self)

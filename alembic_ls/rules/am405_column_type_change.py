from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.op_args import column_name, shown_column, shown_table, table_of
from alembic_ls.analysis.revision_file import ArgValue, OpCall, RevisionFile
from alembic_ls.analysis.schema_history import (
    earlier_column_type,
    postgresql_ops,
    targets_postgresql,
    timeline_for,
)
from alembic_ls.analysis.sql_types import defined_elsewhere, is_in_place_change, read_type
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity, call_head_span


class ColumnTypeChange(Rule):
    code = "AM405"
    name = "column-type-change"
    severity = Severity.WARNING
    summary = "Changing a column's type on an existing PostgreSQL table rewrites it under ACCESS EXCLUSIVE."
    about_live_traffic = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision or not targets_postgresql(ctx, rev):
            return
        timeline = timeline_for(rev)
        for op in postgresql_ops(timeline):
            new_type = op.kwarg("type_") if op.name == "alter_column" else None
            if new_type is None or timeline.column_is_new(op):
                continue
            old_type = _old_type(rev, ctx, op)
            if any(t is not None and defined_elsewhere(t, rev.imports) for t in (old_type, new_type)):
                continue  # a TypeDecorator's database type is not in the call: say nothing
            old, new = read_type(old_type), read_type(new_type)
            if old is not None and new is not None and is_in_place_change(old, new):
                continue  # e.g. varchar(50) -> varchar(100) or text: no rewrite, no scan
            column = f"{shown_table(op)}.{shown_column(op)}"
            was = f" from `{old.source}`" if old is not None else ""
            yield self.finding(
                rev,
                call_head_span(op.span, f"{op.receiver}.{op.name}"),
                f"Changes the type of `{column}`{was} to `{new_type.source}`: PostgreSQL "
                "rewrites the whole table and rebuilds its indexes while holding an ACCESS EXCLUSIVE lock, "
                "so every read and write waits. Add a new column, backfill it in batches, and switch "
                "over in later deploys.",
            )


def _old_type(rev: RevisionFile, ctx: CheckContext, op: OpCall) -> ArgValue | None:
    """The column's type before the change: `existing_type`, else the type the downgrade restores
    (autogenerate writes it there), else the type history last gave it."""
    existing = op.kwarg("existing_type")
    if existing is not None:
        return existing
    table, column = table_of(op), column_name(op)
    if table is None or column is None:
        return None
    for undo in rev.ops_in("downgrade"):
        if undo.name == "alter_column" and table_of(undo) == table and column_name(undo) == column:
            restored = undo.kwarg("type_")
            if restored is not None:
                return restored
    return earlier_column_type(ctx, rev, table, column)

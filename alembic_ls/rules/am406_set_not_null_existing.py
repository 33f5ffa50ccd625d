from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from alembic_ls.analysis.op_args import (
    added_column,
    arg,
    column_name,
    shown_column,
    shown_table,
    sql_text,
    table_of,
)
from alembic_ls.analysis.revision_file import OpCall, RevisionFile, SqlCall
from alembic_ls.analysis.schema_history import (
    UpgradeTimeline,
    earlier_column_not_null,
    postgresql_ops,
    schema_of,
    targets_postgresql,
    timeline_for,
    upgrade_sql_actions,
)
from alembic_ls.analysis.sql_statements import SqlAction
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity, call_head_span
from alembic_ls.rules.sql_findings import listed, per_call


class SetNotNullExisting(Rule):
    code = "AM406"
    name = "set-not-null-existing"
    severity = Severity.WARNING
    summary = "SET NOT NULL on an existing PostgreSQL column scans the whole table under ACCESS EXCLUSIVE."
    about_live_traffic = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision or not targets_postgresql(ctx, rev):
            return
        timeline = timeline_for(rev)
        for op in postgresql_ops(timeline):
            nullable = op.kwarg("nullable") if op.name == "alter_column" else None
            if nullable is None or nullable.value is not False:
                continue
            existing = op.kwarg("existing_nullable")
            if existing is not None and existing.value is False:
                continue  # already NOT NULL (autogenerate restates it beside a type change): no scan
            # An empty table (created by this upgrade) has no rows to scan; an existing table does,
            # even when the column is new: nullable first, backfill, then SET NOT NULL reads every
            # backfilled row under the lock (AM401's fix writes the CHECK first on PostgreSQL).
            if timeline.table_is_new(op) or _proven_not_null(
                _history(rev, ctx), table_of(op), column_name(op)
            ):
                continue
            if not timeline.column_is_new(op) and _already_not_null(ctx, rev, op):
                continue  # PostgreSQL returns at once from SET NOT NULL on a NOT NULL column
            column = shown_column(op)
            where = f"`{shown_table(op)}.{column}`"
            what = (
                f"{where}, a column this upgrade added to an existing table"
                if timeline.column_is_new(op)
                else f"existing column {where}"
            )
            yield self.finding(
                rev,
                call_head_span(op.span, f"{op.receiver}.{op.name}"),
                f"Sets NOT NULL on {what}: PostgreSQL reads every "
                "row to check it while holding an ACCESS EXCLUSIVE lock, so reads and writes wait. "
                f"First add `CHECK ({column} IS NOT NULL) NOT VALID` and VALIDATE it; PostgreSQL 12+ then "
                "sets NOT NULL without the scan.",
            )
        scanning: list[tuple[SqlCall, SqlAction]] = []
        for call, action in upgrade_sql_actions(rev):
            if action.kind != "set_not_null" or action.name is None or action.table is None:
                continue
            if _proven_not_null(_history(rev, ctx), action.table, action.name):
                continue
            added = _added_by_op(timeline, action.table, action.name) or any(
                a.kind == "add_column" and (a.table, a.name) == (action.table, action.name)
                for _, a in upgrade_sql_actions(rev)
            )
            if (
                added
                or earlier_column_not_null(ctx, rev, action.table, action.name, action.schema) is not True
            ):
                scanning.append((call, action))
        for call, actions in per_call(scanning):
            columns = listed([f"{a.table}.{a.name}" for a in actions])
            column = (actions[0].name or "?") if len(actions) == 1 else "<column>"
            yield self.finding(
                rev,
                call_head_span(call.span, call.what),
                f"`{call.what}` sets NOT NULL on existing column{'s' if len(actions) > 1 else ''} "
                f"{columns}: PostgreSQL reads every row to check it while holding an ACCESS EXCLUSIVE "
                f"lock, so reads and writes wait. First add `CHECK ({column} IS NOT NULL) NOT VALID` and "
                "VALIDATE it; PostgreSQL 12+ then sets NOT NULL without the scan.",
            )


def _added_by_op(timeline: UpgradeTimeline, table: str, column: str) -> bool:
    for op in timeline.ops:
        added = added_column(op)
        if added is not None and added.name == column and table_of(op) == table:
            return True
    return False


def _already_not_null(ctx: CheckContext, rev: RevisionFile, op: OpCall) -> bool:
    """The revisions before this one left the column NOT NULL (created `nullable=False` or as
    the primary key, or altered so): autogenerate restates `nullable=False` beside a type change."""
    table, column = table_of(op), column_name(op)
    if table is None or column is None:
        return False
    return earlier_column_not_null(ctx, rev, table, column, schema_of(op)) is True


def _history(rev: RevisionFile, ctx: CheckContext) -> Iterator[OpCall]:
    """upgrade() ops of this revision and of every ancestor (a CHECK may come a deploy earlier)."""
    yield from rev.ops_in("upgrade")
    for rid in ctx.graph.ancestors(rev.revision_id) if rev.revision_id else ():
        ancestor = ctx.graph.revisions.get(rid)
        if ancestor is not None:
            yield from ancestor.ops_in("upgrade")


def _proven_not_null(ops: Iterable[OpCall], table: str | None, column: str | None) -> bool:
    """A CHECK (`<column> IS NOT NULL`) on the table lets PostgreSQL 12+ skip the scan."""
    if column is None or table is None:
        return False
    pattern = re.compile(rf"\b{re.escape(column)}\b\"?\s+IS\s+NOT\s+NULL", re.I)
    for op in ops:
        if op.name == "create_check_constraint" and table_of(op) == table:
            condition = arg(op, "condition")
            if condition is not None and pattern.search(condition.source):
                return True
        sql = sql_text(op)
        if (
            sql
            and re.search(rf"\b{re.escape(table)}\b", sql)
            and "CHECK" in sql.upper()
            and pattern.search(sql)
        ):
            return True
    return False

from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.op_args import added_column, shown_table, table_of
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.analysis.schema_history import dialect_name, timeline_for, upgrade_sql_actions
from alembic_ls.fixes.nullable_first import NullableFirst
from alembic_ls.rules.base import CheckContext, Finding, Fix, Rule, Severity, call_head_span
from alembic_ls.rules.empty_table_only import fails_with_rows
from alembic_ls.rules.sql_findings import listed, per_call


class NotNullWithoutDefault(Rule):
    code = "AM401"
    name = "not-null-without-default"
    severity = Severity.ERROR
    summary = "A NOT NULL column without server_default is added to a table that already has rows."
    fix_summary = (
        "add nullable, backfill, set NOT NULL (lock-safe on PostgreSQL; not auto: a person picks the "
        "backfill value)"
    )
    fixable = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision:
            return
        timeline = timeline_for(rev)
        for op in timeline.ops:
            column = added_column(op)
            if column is None or not fails_with_rows(op, timeline):
                continue
            fix = None
            if column.name is not None and table_of(op) is not None:
                fix = Fix(
                    "Add nullable, backfill, then set NOT NULL (the rule book's 3 steps)",
                    NullableFirst(op.span.line, column.name, dialect_name(ctx, rev)),
                    safe=False,  # the backfill value is a placeholder only a person can choose
                )
            yield self.finding(
                rev,
                call_head_span(op.span, f"{op.receiver}.{op.name}"),
                f"Adds NOT NULL column `{column.name or '?'}` to `{shown_table(op)}` with no "
                "server_default: the existing rows have no value for it, so the upgrade fails as soon "
                'as the table has rows. The rule book: add it "nullable first", populate existing rows '
                "with a data migration, then make it non-nullable.",
                fix,
            )
        failing = [
            (call, action)
            for call, action in upgrade_sql_actions(rev)
            if action.kind == "add_column" and action.not_null and not action.has_default
        ]
        for call, actions in per_call(failing):
            columns = listed([f"{a.table}.{a.name}" for a in actions])
            yield self.finding(
                rev,
                call_head_span(call.span, call.what),
                f"`{call.what}` adds NOT NULL column{'s' if len(actions) > 1 else ''} {columns} to an "
                "existing table with no DEFAULT: the existing rows have no value for it, so the upgrade "
                'fails as soon as the table has rows. The rule book: add it "nullable first", populate '
                "existing rows with a data migration, then make it non-nullable.",
            )

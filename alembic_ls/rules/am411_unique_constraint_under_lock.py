from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.op_args import arg, existing_table, named_object, shown_name
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.analysis.schema_history import (
    postgresql_ops,
    targets_postgresql,
    timeline_for,
    upgrade_sql_actions,
)
from alembic_ls.fixes.unique_index_first import UniqueIndexFirst
from alembic_ls.rules.base import CheckContext, Finding, Fix, Rule, Severity, call_head_span
from alembic_ls.rules.sql_findings import listed, named, per_call

_KINDS = {"create_unique_constraint": "unique constraint", "create_primary_key": "primary key"}


class UniqueConstraintUnderLock(Rule):
    code = "AM411"
    name = "unique-constraint-under-lock"
    severity = Severity.WARNING
    summary = (
        "A unique constraint or primary key added to an existing PostgreSQL table builds its index "
        "under ACCESS EXCLUSIVE."
    )
    about_live_traffic = True
    fixable = True
    fix_summary = (
        "the index built CONCURRENTLY first, then `ADD CONSTRAINT ... USING INDEX` (unique; not auto)"
    )

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision or not targets_postgresql(ctx, rev):
            return
        timeline = timeline_for(rev)
        for op in postgresql_ops(timeline):
            kind = _KINDS.get(op.name)
            if kind is None or timeline.table_is_new(op):
                continue
            name = shown_name(arg(op, "constraint_name"))
            what = named_object(kind, arg(op, "constraint_name"))
            constraint = "PRIMARY KEY" if op.name == "create_primary_key" else "UNIQUE"
            fix = None
            if op.name == "create_unique_constraint" and op.batch_span is None and name:
                fix = Fix(
                    "Build the index CONCURRENTLY, then make it the constraint",
                    UniqueIndexFirst(op.span.line),
                    safe=False,  # the autocommit block commits everything the migration did before it
                )
            yield self.finding(
                rev,
                call_head_span(op.span, f"{op.receiver}.{op.name}"),
                f"Adds {what} to {existing_table(op)}: PostgreSQL builds its index while "
                "holding an ACCESS EXCLUSIVE lock, so every read and write on the table waits until it "
                "is done. Build the index first with `op.create_index(..., unique=True, "
                "postgresql_concurrently=True)` inside `op.get_context().autocommit_block()`, then attach "
                f"it: `ALTER TABLE ... ADD CONSTRAINT ... {constraint} USING INDEX ...`, which only "
                "takes the lock for a moment.",
                fix,
            )
        building = [
            (call, action)
            for call, action in upgrade_sql_actions(rev)
            # USING INDEX attaches an index built beforehand: the safe form
            if action.kind == "add_constraint"
            and action.constraint in ("unique", "primary key")
            and not action.using_index
        ]
        for call, actions in per_call(building):
            first = actions[0]
            if len(actions) == 1:
                what = f"{named(str(first.constraint), first.name or None)} to existing table `{first.table}`"
            else:
                what = f"{len(actions)} unique constraints or primary keys to existing tables "
                what += listed([str(a.table) for a in actions])
            yield self.finding(
                rev,
                call_head_span(call.span, call.what),
                f"`{call.what}` adds {what}: PostgreSQL builds each index while holding an ACCESS "
                "EXCLUSIVE lock, so every read and write on the table waits until it is done. Build the "
                "index with `CREATE UNIQUE INDEX CONCURRENTLY` first (inside "
                "`op.get_context().autocommit_block()`), then `ADD CONSTRAINT ... USING INDEX ...`.",
            )

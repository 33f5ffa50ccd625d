from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.op_args import arg, existing_table, kwarg_is_true, name_text, named_object
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.analysis.schema_history import (
    postgresql_ops,
    targets_postgresql,
    timeline_for,
    upgrade_sql_actions,
)
from alembic_ls.fixes.concurrent_index import ConcurrentIndex
from alembic_ls.rules.base import CheckContext, Finding, Fix, Rule, Severity, call_head_span
from alembic_ls.rules.sql_findings import listed, named, per_call


class IndexNotConcurrent(Rule):
    code = "AM403"
    name = "index-not-concurrent"
    severity = Severity.WARNING
    summary = "CREATE INDEX on an existing PostgreSQL table without CONCURRENTLY blocks all writes to it."
    about_live_traffic = True
    fix_summary = "`postgresql_concurrently=True` in `autocommit_block()` (not auto)"
    fixable = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision or not targets_postgresql(ctx, rev):
            return
        timeline = timeline_for(rev)
        for op in postgresql_ops(timeline):
            if op.name != "create_index" or kwarg_is_true(op, "postgresql_concurrently"):
                continue
            if timeline.table_is_new(op):
                continue
            index = name_text(arg(op, "index_name"))
            fix = None
            if index is not None:
                fix = Fix(
                    "Create (and drop) the index CONCURRENTLY in an autocommit block",
                    ConcurrentIndex(op.span.line, index),
                    safe=False,  # the autocommit block commits everything the migration did before it
                )
            creates = f"Creates {named_object('index', arg(op, 'index_name'))} on {existing_table(op)}"
            locked = timeline.exclusive_lock_before(op)
            if locked is not None:
                # autogenerate's index on a column it just added: the add_column's lock, not a
                # SHARE lock, is what the build holds
                why = (
                    f"{creates} without `postgresql_concurrently=True`, after "
                    f"`{locked.receiver}.{locked.name}` (line {locked.span.line + 1}) took an ACCESS "
                    "EXCLUSIVE lock on it that the migration holds until it commits: every read and "
                    "write of the table waits while the index is built. Build it CONCURRENTLY inside "
                    "`op.get_context().autocommit_block()`, which commits that step first."
                )
            else:
                why = (
                    f"{creates} without `postgresql_concurrently=True`: PostgreSQL holds a SHARE lock "
                    "on the table while it builds the index, so every INSERT, UPDATE and DELETE waits "
                    "until it is done. Build it CONCURRENTLY, inside "
                    "`op.get_context().autocommit_block()`."
                )
            yield self.finding(rev, call_head_span(op.span, f"{op.receiver}.{op.name}"), why, fix)
        locking = [
            (call, action)
            for call, action in upgrade_sql_actions(rev)
            if action.kind == "create_index" and not action.concurrently
        ]
        for call, actions in per_call(locking):
            if len(actions) == 1:
                index = named("index", actions[0].name)
                what = f"`{actions[0].words}` {index} on existing table `{actions[0].table}`"
            else:
                what = f"`CREATE INDEX` {len(actions)} times, on {listed([str(a.table) for a in actions])}"
            yield self.finding(
                rev,
                call_head_span(call.span, call.what),
                f"`{call.what}` runs {what} without CONCURRENTLY: PostgreSQL holds a SHARE lock on the "
                "table while it builds the index, so every INSERT, UPDATE and DELETE waits until it is "
                "done. Write `CREATE INDEX CONCURRENTLY`, inside `op.get_context().autocommit_block()`.",
            )

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from alembic_ls.analysis.op_args import kwarg_is_true, shown_table
from alembic_ls.analysis.revision_file import OpCall, RevisionFile
from alembic_ls.analysis.schema_history import (
    UpgradeTimeline,
    postgresql_ops,
    targets_postgresql,
    timeline_for,
)
from alembic_ls.env_locations import sets_lock_timeout
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity, call_head_span

# ALTER TABLE forms (and DROP) that take ACCESS EXCLUSIVE on a table that already holds rows.
_ACCESS_EXCLUSIVE = frozenset(
    {
        "add_column",
        "drop_column",
        "alter_column",
        "rename_table",
        "drop_table",
        "create_unique_constraint",
        "create_primary_key",
        "create_check_constraint",
        "drop_constraint",
        "drop_index",
    }
)
_LOCK_TIMEOUT = re.compile(r"\block_timeout\b", re.I)


class NoLockTimeout(Rule):
    code = "AM412"
    name = "no-lock-timeout"
    severity = Severity.WARNING
    summary = (
        "A new head locks an existing PostgreSQL table ACCESS EXCLUSIVE and nothing sets lock_timeout: "
        "it can queue every query on the table."
    )

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        # Only heads: the setting belongs in env.py once, and history that already ran is done.
        if not rev.is_revision or rev.revision_id not in ctx.graph.heads:
            return
        if not targets_postgresql(ctx, rev) or _sets_it(rev):
            return
        timeline = timeline_for(rev)
        first = next((op for op in postgresql_ops(timeline) if _locks_existing(op, timeline)), None)
        if first is None or sets_lock_timeout(Path(ctx.index.project.script_location) / "env.py"):
            return
        yield self.finding(
            rev,
            call_head_span(first.span, f"{first.receiver}.{first.name}"),
            f"`{first.receiver}.{first.name}` takes an ACCESS EXCLUSIVE lock on existing table "
            f"`{shown_table(first)}`, and neither this revision nor env.py sets `lock_timeout`: behind a "
            "long-running transaction on that table the migration waits, and every query on the table "
            "queues behind it until it gets the lock. Set it once in env.py, before "
            "`context.run_migrations()`: `connection.execute(text(\"SET lock_timeout = '5s'\"))` (or per "
            "revision: `op.execute(\"SET LOCAL lock_timeout = '5s'\")`), and retry when it times out.",
        )


def _locks_existing(op: OpCall, timeline: UpgradeTimeline) -> bool:
    if op.name == "drop_index" and kwarg_is_true(op, "postgresql_concurrently"):
        return False  # DROP INDEX CONCURRENTLY takes no ACCESS EXCLUSIVE lock
    return op.name in _ACCESS_EXCLUSIVE and not timeline.table_is_new(op)


def _sets_it(rev: RevisionFile) -> bool:
    return any(call.sql is not None and _LOCK_TIMEOUT.search(call.sql) for call in rev.sql_calls)

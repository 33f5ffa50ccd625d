from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.op_args import table_of
from alembic_ls.analysis.revision_file import RevisionFile, SqlCall
from alembic_ls.analysis.schema_history import EXCLUSIVE_COLUMN_OPS, targets_postgresql, upgrade_sql_actions
from alembic_ls.analysis.sql_statements import SqlAction
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity, call_head_span
from alembic_ls.rules.sql_findings import listed, per_call

_EXCLUSIVE_SQL = frozenset({"add_column", "set_not_null", "drop_column"})


class UnbatchedBackfill(Rule):
    code = "AM414"
    name = "unbatched-backfill"
    severity = Severity.WARNING
    summary = (
        "An UPDATE or DELETE over a whole existing PostgreSQL table in one statement keeps every row "
        "locked until the migration commits."
    )
    about_live_traffic = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision or not targets_postgresql(ctx, rev):
            return
        actions = list(upgrade_sql_actions(rev))
        whole = [
            (call, action)
            for call, action in actions
            if action.kind in ("update", "delete") and not action.has_where
        ]
        for call, changes in per_call(whole):
            verbs = sorted({"updates" if a.kind == "update" else "deletes" for a in changes})
            names = [str(a.table) for a in changes]
            tables = ("tables " if len(set(names)) > 1 else "table ") + listed(names)
            statements = "in one statement" if len(changes) == 1 else f"in {len(changes)} statements"
            locked = _locked_earlier(rev, actions, call, {a.table for a in changes if a.table})
            if locked is not None:
                yield self.finding(
                    rev,
                    call_head_span(call.span, call.what),
                    f"`{call.what}` {' and '.join(verbs)} every row of existing {tables} {statements}, "
                    f"after {locked} took an ACCESS EXCLUSIVE lock that this transaction holds until "
                    "the migration commits: every read and write of the table waits for the whole "
                    "backfill. On a large table, backfill in a later revision, in batches inside "
                    "`op.get_context().autocommit_block()`; on a small table, silence it with "
                    "`# alembic-ls: ignore[AM414]`.",
                )
                continue
            yield self.finding(
                rev,
                call_head_span(call.span, call.what),
                f"`{call.what}` {' and '.join(verbs)} every row of existing {tables} {statements}: "
                "each row stays locked against other writers until the migration commits, and the "
                "table holds a dead copy of every row until vacuum. On a large table, work in batches "
                "inside `op.get_context().autocommit_block()` (`... WHERE id IN (SELECT id FROM <table> "
                "WHERE <not done yet> LIMIT 5000)`, repeated until no row changes); on a small table, "
                "silence it with `# alembic-ls: ignore[AM414]`.",
            )


def _locked_earlier(
    rev: RevisionFile, actions: list[tuple[SqlCall, SqlAction]], call: SqlCall, tables: set[str]
) -> str | None:
    """The earlier step of this upgrade() that locked one of `tables` ACCESS EXCLUSIVE, as a message
    names it (`op.add_column` (line 21)); None when the backfill is the first to lock them."""
    line = call.span.line
    for op in rev.ops_in("upgrade"):
        if op.span.line < line and op.name in EXCLUSIVE_COLUMN_OPS and table_of(op) in tables:
            return f"`{op.receiver}.{op.name}` (line {op.span.line + 1})"
    for earlier, action in actions:
        if earlier.span.line < line and action.kind in _EXCLUSIVE_SQL and action.table in tables:
            return f"`{action.words or earlier.what}` (line {earlier.span.line + 1})"
    return None

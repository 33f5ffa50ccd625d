from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.analysis.schema_history import targets_postgresql, upgrade_sql_actions
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity, call_head_span
from alembic_ls.rules.sql_findings import listed, per_call


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
        whole = [
            (call, action)
            for call, action in upgrade_sql_actions(rev)
            if action.kind in ("update", "delete") and not action.has_where
        ]
        for call, actions in per_call(whole):
            verbs = sorted({"updates" if a.kind == "update" else "deletes" for a in actions})
            tables = ("tables " if len(actions) > 1 else "table ") + listed([str(a.table) for a in actions])
            yield self.finding(
                rev,
                call_head_span(call.span, call.what),
                f"`{call.what}` {' and '.join(verbs)} every row of existing {tables} in one statement: "
                "each row stays locked against other writers until the migration commits, and the "
                "table holds a dead copy of every row until vacuum. On a large table, work in batches "
                "inside `op.get_context().autocommit_block()` (`... WHERE id IN (SELECT id FROM <table> "
                "WHERE <not done yet> LIMIT 5000)`, repeated until no row changes); on a small table, "
                "silence it with `# alembic-ls: ignore[AM414]`.",
            )

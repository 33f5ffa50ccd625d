from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.op_args import shown_column, shown_table
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.analysis.schema_history import timeline_for
from alembic_ls.rules.am402_drop_add_looks_like_rename import rename_pairs
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity, call_head_span


class DropTableOrColumn(Rule):
    code = "AM408"
    name = "drop-table-or-column"
    severity = Severity.WARNING
    summary = "Dropping a table or column breaks application code that still uses it: deploy that code first."

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision:
            return
        timeline = timeline_for(rev)
        drops = [op for op in timeline.ops if op.name in ("drop_table", "drop_column")]
        if not drops:
            return
        renames = {(pair.drop.span.line, pair.drop.span.col) for pair in rename_pairs(rev, ctx)}
        for op in drops:
            if op.name == "drop_table":
                if timeline.table_is_new(op):
                    continue
                what = f"table `{shown_table(op)}`"
            else:
                if timeline.column_is_new(op) or (op.span.line, op.span.col) in renames:
                    continue  # AM402 reports the drop half of a rename
                what = f"column `{shown_table(op)}.{shown_column(op)}`"
            yield self.finding(
                rev,
                call_head_span(op.span, f"{op.receiver}.{op.name}"),
                f"Drops {what}: application code still running during the deploy (old app servers, "
                "workers, cron jobs) fails on its next query that uses it, and the data is gone for good. "
                "Ship the code that stops using it first (for SQLAlchemy models, remove the attribute), "
                "then drop it in a later migration.",
            )

from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.op_args import arg, shown_column, shown_name, shown_table
from alembic_ls.analysis.revision_file import ArgValue, RevisionFile
from alembic_ls.analysis.schema_history import timeline_for
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity, call_head_span


class RenameTableOrColumn(Rule):
    code = "AM409"
    name = "rename-table-or-column"
    severity = Severity.INFO
    summary = "Renaming a table or column breaks code still running against the old name during a deploy."
    about_live_traffic = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision:
            return
        timeline = timeline_for(rev)
        for op in timeline.ops:
            if op.name == "rename_table":
                old, new = arg(op, "old_table_name"), arg(op, "new_table_name")
                if timeline.table_is_new(op, old.text if old else None):
                    continue
                what = f"table `{_text(old)}` to `{_text(new)}`"
            elif op.name == "alter_column" and op.kwarg("new_column_name") is not None:
                if timeline.column_is_new(op):
                    continue
                new_name = op.kwarg("new_column_name")
                what = f"column `{shown_table(op)}.{shown_column(op)}` to `{_text(new_name)}`"
            else:
                continue
            yield self.finding(
                rev,
                call_head_span(op.span, f"{op.receiver}.{op.name}"),
                f"Renames {what}: code deployed before this migration still uses the old name and fails "
                "from the moment it runs until the new code is everywhere. A rename keeps the data (the "
                "rule book's way for a column), but for zero downtime add the new name, write to both, "
                "backfill, switch reads, then drop the old one.",
            )


def _text(value: ArgValue | None) -> str:
    return shown_name(value) or "?"

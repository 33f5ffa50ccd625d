from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity
from alembic_ls.rules.traced import statements


class TracedTableRewrite(Rule):
    """From `alembic-ls trace` (or `check --database scratch --trace`): PostgreSQL's own account."""

    code = "AM704"
    name = "traced-table-rewrite"
    severity = Severity.WARNING
    summary = "Traced on PostgreSQL: a statement rewrote a table that existed before the revision."
    about_live_traffic = True
    needs_trace: ClassVar[bool] = True  # its docs examples cannot show it without a database

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        for record, span in statements(rev, ctx):
            tables = [str(t) for t in record.get("rewrittenExisting") or ()]
            if not tables:
                continue
            listed = ", ".join(f"`{t}`" for t in tables)
            yield self.finding(
                rev,
                span,
                f"Traced on PostgreSQL: `{record.get('op')}` rewrote {listed} (every row copied to new "
                f"files) in {float(record.get('ms', 0)):.0f} ms on a few seeded rows, under ACCESS "
                "EXCLUSIVE: on a production table that is every row, with reads and writes waiting.",
            )

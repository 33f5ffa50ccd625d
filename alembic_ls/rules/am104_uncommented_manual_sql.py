from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.rules.base import CheckContext, Finding, Fix, Rule, Severity, call_head_span

# What counts, as analysis.parser.is_meaningful_comment decides it.
EXPLAINING_COMMENT = (
    "A comment explains when it says something beyond a placeholder: `# why: backfill` does; "
    "`# TODO`, `# manual` and the template `# MANUAL: <why>` do not."
)


class UncommentedManualSql(Rule):
    code = "AM104"
    name = "uncommented-manual-sql"
    severity = Severity.WARNING
    summary = (
        "Hand-written SQL (op.execute, bulk_insert, connection.execute, text()) with no comment saying why."
    )
    fixable = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision:
            return
        for call in rev.sql_calls:
            if call.explained:
                continue
            yield self.finding(
                rev,
                call_head_span(call.span, call.what),
                f"`{call.what}` is a manual data change with no comment saying why. The rule book "
                'allows hand edits only for data migrations: "Add comment explaining manual edit". '
                f"{EXPLAINING_COMMENT}",
                Fix(
                    "Add a `# MANUAL: <why>` comment above",
                    "explain-comment",
                    safe=False,
                    params={"line": call.stmt_span.line},
                ),
            )

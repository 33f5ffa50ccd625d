from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.revision_file import RevisionFile, SqlCall
from alembic_ls.analysis.sql_kind import SqlKind, classify, classify_construct
from alembic_ls.fixes.comments import ExplainComment
from alembic_ls.rules.base import CheckContext, Finding, Fix, Rule, Severity, call_head_span

# What counts, as analysis.parser.is_meaningful_comment decides it.
EXPLAINING_COMMENT = (
    "A comment explains when it says something beyond a placeholder: `# why: backfill` does; "
    "`# TODO`, `# manual` and the template `# MANUAL: <why>` do not."
)


def what_it_runs(call: SqlCall) -> tuple[SqlKind, str | None]:
    if call.what.endswith("bulk_insert"):
        return SqlKind.DATA, None
    if call.construct is not None:
        return classify_construct(call.construct), None
    if call.sql is not None:
        return classify(call.sql)
    return SqlKind.UNKNOWN, None


class UncommentedManualSql(Rule):
    code = "AM104"
    name = "uncommented-manual-sql"
    severity = Severity.WARNING
    summary = (
        "Hand-written SQL (op.execute, bulk_insert, connection.execute, text()) with no comment saying why."
    )
    fix_summary = "comment template"
    fixable = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision:
            return
        for call in rev.sql_calls:
            if call.explained:
                continue
            kind, words = what_it_runs(call)
            if kind in (SqlKind.READ, SqlKind.SETTING) or (
                kind is SqlKind.DDL and call.construct is not None
            ):
                # A query that changes nothing, a session setting (`SET LOCAL lock_timeout`); a
                # schema construct (sa.schema.DropSequence(...)) is an operation in another form, not
                # SQL text (AM103 judges it outside the block).
                continue
            what = (
                f"runs hand-written DDL (`{words}`)"
                if kind is SqlKind.DDL and words
                else "is a manual data change"
            )
            yield self.finding(
                rev,
                call_head_span(call.span, call.what),
                f"`{call.what}` {what} with no comment saying why. The rule book "
                'allows hand edits only for data migrations: "Add comment explaining manual edit". '
                f"{EXPLAINING_COMMENT}",
                Fix(
                    "Add a `# MANUAL: <why>` comment above",
                    ExplainComment(call.stmt_span.line),
                    safe=False,
                ),
            )

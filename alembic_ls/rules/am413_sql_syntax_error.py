from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.dialect_guard import runs_on
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.analysis.schema_history import POSTGRESQL, dialect_name
from alembic_ls.analysis.sql_statements import parsed_sql
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity, call_head_span

_RUNS_SQL = ("execute", "exec_driver_sql", "executemany")


class SqlSyntaxError(Rule):
    code = "AM413"
    name = "sql-syntax-error"
    severity = Severity.ERROR
    summary = "SQL text in op.execute that PostgreSQL's own parser rejects: the migration fails there."

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        # Only where the database is known to be PostgreSQL: elsewhere the text may be another
        # database's SQL, which this grammar cannot judge.
        if not rev.is_revision or dialect_name(ctx, rev) != POSTGRESQL:
            return
        for parsed in parsed_sql(rev):
            call = parsed.call
            if parsed.error is None or not runs_on(call.dialect_guards, POSTGRESQL):
                continue
            if not call.what.endswith(_RUNS_SQL):
                continue  # a bare `sa.text(...)` may be an expression (a server default), not a statement
            yield self.finding(
                rev,
                call_head_span(call.span, call.what),
                f"PostgreSQL cannot parse the SQL `{call.what}` runs ({parsed.error}): "
                f"`alembic {_command(call.function)}` fails here. alembic-ls reads it with PostgreSQL's "
                "own parser (pglast), so no lock rule could check it either.",
            )


def _command(function: str) -> str:
    return function if function in ("upgrade", "downgrade") else "upgrade"

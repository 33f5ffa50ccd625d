from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.dialect_guard import runs_on
from alembic_ls.analysis.op_args import arg, kwarg_is_true, name_text, shown_table
from alembic_ls.analysis.revision_file import OpCall, RevisionFile
from alembic_ls.analysis.schema_history import POSTGRESQL, targets_postgresql
from alembic_ls.env_locations import runs_outside_transactions
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity, call_head_span

_STATEMENT = {"create_index": "CREATE INDEX", "drop_index": "DROP INDEX"}


def _refused(op: OpCall) -> bool:
    """CONCURRENTLY, in a migration function, outside an autocommit block, on PostgreSQL."""
    return (
        op.name in _STATEMENT
        and op.function in ("upgrade", "downgrade")
        and not op.in_autocommit_block
        and kwarg_is_true(op, "postgresql_concurrently")
        and runs_on(op.dialect_guards, POSTGRESQL)
    )


class ConcurrentlyInTransaction(Rule):
    code = "AM410"
    name = "concurrently-in-transaction"
    severity = Severity.ERROR
    summary = (
        "CREATE/DROP INDEX CONCURRENTLY outside autocommit_block(): PostgreSQL refuses it inside "
        "the migration's transaction."
    )

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision or not targets_postgresql(ctx, rev):
            return
        refused = [op for op in rev.ops if _refused(op)]
        if not refused or runs_outside_transactions(ctx.index.project.script_location / "env.py"):
            return  # env.py turned the migration's transaction off: CONCURRENTLY runs as written
        for op in refused:
            statement = _STATEMENT[op.name]
            index = name_text(arg(op, "index_name")) or "the index"
            yield self.finding(
                rev,
                call_head_span(op.span, f"{op.receiver}.{op.name}"),
                f"`{statement} CONCURRENTLY` of `{index}` on `{shown_table(op)}` runs inside the "
                f"migration's transaction, and PostgreSQL refuses it (\"{statement} CONCURRENTLY cannot "
                f'run inside a transaction block"): `alembic {op.function}` fails here. Put it in '
                "`with op.get_context().autocommit_block():`.",
            )

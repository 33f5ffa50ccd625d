from __future__ import annotations

import re
from collections.abc import Iterator

from alembic_ls.analysis.op_args import ColumnDef, added_column, shown_table
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.analysis.schema_history import postgresql_ops, targets_postgresql, timeline_for
from alembic_ls.analysis.sql_types import read_type
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity, call_head_span

# PostgreSQL functions marked VOLATILE that appear in column defaults. now(), CURRENT_TIMESTAMP
# and statement_timestamp() are STABLE: evaluated once per statement, so PostgreSQL 11+ stores
# them as the column's "missing value" without touching any row.
_VOLATILE_CALL = re.compile(
    r"\b(random|gen_random_uuid|uuid_generate_v[1-5]\w*|clock_timestamp|timeofday|nextval|txid_current"
    r"|pg_current_xact_id|setseed)\s*\(",
    re.I,
)
_SERIAL_TYPES = frozenset({"SERIAL", "BIGSERIAL", "SMALLSERIAL"})


def rewrite_reason(column: ColumnDef) -> str | None:
    """Why adding this column makes PostgreSQL compute a value for every existing row, if it does."""
    default = column.server_default
    if default is not None:
        match = _VOLATILE_CALL.search(default.source)
        if match:
            return f"its default `{match.group(1)}()` is volatile"
    if column.has_extra("Identity"):
        return "an identity column numbers every existing row"
    column_type = read_type(column.type_)
    if column_type is not None and column_type.name in _SERIAL_TYPES:
        return f"a {column_type.name.lower()} column numbers every existing row"
    computed = next((e for e in column.extras if (e.call_name or "").endswith("Computed")), None)
    if computed is not None:
        persisted = computed.kwarg("persisted")
        if persisted is None or persisted.value is not False:
            return "a stored generated column is computed for every existing row"
    return None


class VolatileDefault(Rule):
    code = "AM407"
    name = "volatile-default"
    severity = Severity.WARNING
    summary = "A column added to an existing PostgreSQL table with a volatile default rewrites the table."
    about_live_traffic = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision or not targets_postgresql(ctx, rev):
            return
        timeline = timeline_for(rev)
        for op in postgresql_ops(timeline):
            column = added_column(op)
            if column is None or timeline.table_is_new(op):
                continue
            reason = rewrite_reason(column)
            if reason is None:
                continue
            yield self.finding(
                rev,
                call_head_span(op.span, f"{op.receiver}.{op.name}"),
                f"Adds `{column.name or '?'}` to existing table `{shown_table(op)}`, and {reason}: "
                "PostgreSQL rewrites the whole table under an ACCESS EXCLUSIVE lock, so every read and "
                "write waits. Add the column without a default, set the default for new rows with "
                "alter_column(server_default=...), then backfill existing rows in batches.",
            )

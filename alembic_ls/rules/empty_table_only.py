"""An add_column that only an empty table survives: NOT NULL, no server_default, nothing the database
fills in itself, on a table the upgrade did not create. The existing rows have no value for it, so
PostgreSQL and SQLite refuse it as soon as the table has one row (AM401 reports it). An upgrade that
runs past it found the table empty: nothing else it drops from that table held a value (AM402).
MySQL is the exception: it fills such a column with its type's implicit default (0, '') instead.
"""

from __future__ import annotations

from alembic_ls.analysis.identity_memo import IdentityMemo
from alembic_ls.analysis.op_args import added_column, table_of
from alembic_ls.analysis.revision_file import OpCall
from alembic_ls.analysis.schema_history import UpgradeTimeline

# Values the database fills in itself: the existing rows get one without a default.
SELF_FILLING = ("Identity", "Computed", "Sequence")
# Databases that fill a NOT NULL column added without a default rather than refuse it.
FILLS_IMPLICITLY = frozenset({"mysql", "mariadb"})


def fails_with_rows(op: OpCall, timeline: UpgradeTimeline) -> bool:
    return _refused_with_rows(op) and not timeline.table_is_new(op)


def _column_refused_with_rows(op: OpCall) -> bool:
    """Does the column `op` adds (if it adds one) leave existing rows without a value?"""
    column = added_column(op)
    if column is None or column.nullable is not False or column.server_default is not None:
        return False
    return not any(column.has_extra(kind) for kind in SELF_FILLING)


# Per op: AM401 asks about every add_column at every keystroke.
_refused_with_rows = IdentityMemo(_column_refused_with_rows)


def tables_found_empty(timeline: UpgradeTimeline) -> set[str]:
    """Tables the upgrade can only have run on empty: it adds a column to each that fails with rows."""
    found: set[str] = set()
    for op in timeline.ops:
        table = table_of(op)
        if table is not None and fails_with_rows(op, timeline):
            found.add(table)
    return found

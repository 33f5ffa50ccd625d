"""A revision made for its data, whose message says what for.

The rule book allows one kind of hand-written migration, the data migration, "with a comment
saying why". A revision whose upgrade() changes no schema exists for what its statements do to the
data, and its message (`alembic revision -m "backfill the slugs of existing posts"`) is that comment
for all of them: AM103 and AM104 do not ask for another one over each statement.

A revision that rewrites the rows it finds (a backfill before NOT NULL, a dedup before UNIQUE, a
copy before a drop) is that data migration too, schema steps and all: the rule book's own example
adds a column nullable, fills it, then sets it NOT NULL, an order autogenerate never writes.
"""

from __future__ import annotations

from alembic_ls.analysis.op_catalog import SCHEMA_OPS
from alembic_ls.analysis.parser import is_meaningful_comment
from alembic_ls.analysis.revision_file import RevisionFile, SqlCall
from alembic_ls.analysis.sql_kind import construct_rewrites_rows, rewrites_rows

# Messages tools write when none was given (Flask-Migrate's `flask db migrate`).
NO_MESSAGE = frozenset(("empty message", "<same message>"))


def message_explains(rev: RevisionFile) -> bool:
    """Does the revision exist for its data (no schema op in upgrade()), with a message saying what for?"""
    message = (rev.message or "").strip()
    if message.lower().rstrip(".") in NO_MESSAGE or not is_meaningful_comment(message):
        return False
    return not any(o.name in SCHEMA_OPS for o in rev.ops_in("upgrade"))


def rewrites_existing_rows(rev: RevisionFile) -> bool:
    """Does any function of the revision change or copy rows already in a table, with SQL it spells
    out or an update()/delete() construct? Seeding new rows (bulk_insert, INSERT ... VALUES) does not
    count, and neither does a statement whose text cannot be read."""
    return any(_rewrites(call) for call in rev.sql_calls)


def _rewrites(call: SqlCall) -> bool:
    if call.construct is not None:
        return construct_rewrites_rows(call.construct)
    return call.sql is not None and rewrites_rows(call.sql)

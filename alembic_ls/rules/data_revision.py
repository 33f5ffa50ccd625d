"""Where a hand edit's reason is written when no comment says it (AM103 and AM104 read it there).

The rule book allows one kind of hand-written migration, the data migration, "with a comment
saying why". A revision whose upgrade() changes no schema exists for what its statements do to the
data, and its message (`alembic revision -m "backfill the slugs of existing posts"`) is that comment
for all of them. A revision written by hand as a whole has its message as the account of each step
of the change it names; a helper's descriptive name says what the helper is for.

A revision that rewrites the rows it finds (a backfill before NOT NULL, a dedup before UNIQUE, a
copy before a drop) is that data migration too, schema steps and all: the rule book's own example
adds a column nullable, fills it, then sets it NOT NULL, an order autogenerate never writes.
"""

from __future__ import annotations

import re

from alembic_ls.analysis.op_args import arg, name_text, table_of
from alembic_ls.analysis.op_catalog import SCHEMA_OPS
from alembic_ls.analysis.parser import is_meaningful_comment
from alembic_ls.analysis.partial_sql import partially_read_sql
from alembic_ls.analysis.revision_file import RevisionFile, SqlCall
from alembic_ls.analysis.sql_kind import construct_rewrites_rows, rewrites_rows
from alembic_ls.analysis.sql_statements import parsed_sql

# Messages tools write when none was given (Flask-Migrate's `flask db migrate`).
NO_MESSAGE = frozenset(("empty message", "<same message>"))


def message_explains(rev: RevisionFile) -> bool:
    """Does the revision exist for its data (no schema op in upgrade()), with a message saying what for?"""
    if not _message_says_what_for(rev):
        return False
    return not any(o.name in SCHEMA_OPS for o in rev.ops_in("upgrade"))


def _message_says_what_for(rev: RevisionFile) -> bool:
    message = (rev.message or "").strip()
    return message.lower().rstrip(".") not in NO_MESSAGE and is_meaningful_comment(message)


def message_accounts_for_every_step(rev: RevisionFile) -> bool:
    """A revision written by hand as a whole (no autogenerate markers) whose message says what for:
    the message is its author's account of what every step is for.

    In Alembic's output, SQL is an edit to what autogenerate wrote, and the rule book's own example
    (add a column, populate it, make it NOT NULL) asks for a comment on it.
    """
    return not rev.has_markers and _message_says_what_for(rev)


def prepares_schema_change(rev: RevisionFile, call: SqlCall) -> bool:
    """Is the call an UPDATE, DELETE or INSERT on a table that a schema op of the same function
    changes, in a revision written by hand as a whole (no autogenerate markers) whose message says
    what for? (indico ff49d8d05ce7 "Disallow empty rejection reasons": `UPDATE ... SET
    rejection_reason = NULL WHERE rejection_reason = ''` before the check constraint.)

    The data step is part of the change the message names: the rows made fit for the new constraint
    or type, the new column filled, a new table filled from an old one, the rows of a removed kind
    deleted, and the rows a move read deleted from where they came (indico 0acf26d68434: settings
    copied into a column by `UPDATE ... FROM settings`, then deleted). Read with PostgreSQL's
    parser; without it, nothing is assumed. SQL in an f-string counts when its literal text names
    the table (indico 577e564cf0ae: `UPDATE event_registration.form_items SET internal_name = CASE
    ... {case_expr} END`; see analysis.partial_sql).

    Dropping a foreign key changes the table it points at too (PostgreSQL keeps the key's triggers
    on both): a DELETE or UPDATE of the rows the dropped key guarded is a step of that drop (ckan
    088 "delete extrase which are deleted state": the `*_revision` tables' keys to `package_extra`
    and `group_extra` dropped, then `DELETE FROM package_extra WHERE state='deleted'`).
    """
    if not message_accounts_for_every_step(rev):
        return False
    readable = [*parsed_sql(rev), *partially_read_sql(rev)]
    changed = {table_of(op) for op in rev.ops_in(call.function) if op.name in SCHEMA_OPS}
    guarded = _guarded_by_dropped_keys(rev, call.function)
    moved_from = {
        source
        for parsed in readable
        if parsed.call.function == call.function and parsed.call.span.line < call.span.line
        for action in parsed.actions
        if action.kind == "update" and action.table in changed
        for source in action.reads
    }
    actions = [
        action
        for parsed in readable
        if parsed.call is call
        for action in parsed.actions
        if action.kind in ("update", "delete", "insert")
    ]
    return bool(actions) and all(
        action.table is not None
        and (
            action.table in changed
            or (action.kind == "delete" and action.table in moved_from)
            or (action.kind in ("delete", "update") and action.table in guarded)
        )
        for action in actions
    )


def _guarded_by_dropped_keys(rev: RevisionFile, function: str) -> set[str]:
    """The tables the foreign keys `function` drops point at, read from a `create_foreign_key` of
    the same name in the revision (the downgrade restoring it, most often): `drop_constraint`
    names only the key's own table."""
    dropped = {
        name
        for op in rev.ops_in(function)
        if op.name == "drop_constraint" and (name := name_text(arg(op, "constraint_name")))
    }
    if not dropped:
        return set()
    return {
        referent.text
        for op in rev.ops
        if op.name == "create_foreign_key"
        and name_text(arg(op, "constraint_name")) in dropped
        and (referent := arg(op, "referent_table")) is not None
        and referent.text
    }


# Words that name no purpose: a helper called `run_migration` says nothing `upgrade` does not.
_GENERIC_WORDS = frozenset(
    {
        "run",
        "do",
        "apply",
        "execute",
        "exec",
        "migrate",
        "migration",
        "migrations",
        "upgrade",
        "downgrade",
        "data",
        "helper",
        "step",
        "steps",
        "main",
        "impl",
        "inner",
        "the",
        "a",
        "sql",
        "query",
        "queries",
        "func",
        "function",
    }
)


def name_explains(function: str) -> bool:
    """`_make_names_unique`, `update_existing_records`: a name of two words or more, one of them
    saying what it is for, is the comment for what the helper does (AM104: the SQL inside; AM103:
    the call to it)."""
    words = [w for w in re.split(r"_+", function.lower()) if w]
    return len(words) >= 2 and any(w not in _GENERIC_WORDS for w in words)


def rewrites_existing_rows(rev: RevisionFile) -> bool:
    """Does any function of the revision change or copy rows already in a table, with SQL it spells
    out or an update()/delete() construct? Seeding new rows (bulk_insert, INSERT ... VALUES) does not
    count, and neither does a statement whose text cannot be read."""
    return any(_rewrites(call) for call in rev.sql_calls)


def _rewrites(call: SqlCall) -> bool:
    if call.construct is not None:
        return construct_rewrites_rows(call.construct)
    return call.sql is not None and rewrites_rows(call.sql)

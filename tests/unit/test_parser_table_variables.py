"""The parser records the names assigned a table (`t = table("kind", ...)`, `t = sa.Table(...)`,
`t = op.create_table(...)`), at module level and per function, and when such a name is assigned
something else."""

from __future__ import annotations

from alembic_ls.analysis.incremental import IncrementalParser
from alembic_ls.analysis.parser import parse_revision
from alembic_ls.analysis.revision_file import TableVariable

SOURCE = """\
from alembic import op
import sqlalchemy as sa
from sqlalchemy.sql import column, table

revision = "b2"
down_revision = None

TABLE = "flag"
kinds = table("kind", column("name"))
meta = sa.MetaData()


def upgrade():
    created = op.create_table("rbac", sa.MetaData(), sa.Column("id", sa.Integer()))
    flags = sa.Table(TABLE, meta)
    if True:
        nested: sa.Table = sa.sql.table("nested")
    op.bulk_insert(created, [])
    created = make_rows()
    a, b = table("x"), table("y")
    named = table(name_of_table)
    other = sa.func.now()
    unrelated = "not a table"  # a name never assigned a table leaves no record


def downgrade():
    kinds = "not a table"
"""


def test_tables_assigned_to_names_are_recorded() -> None:
    rev = parse_revision("v.py", SOURCE)
    assert rev.table_variables == (TableVariable("kinds", "kind", 8),)
    upgrade = rev.functions["upgrade"]
    assert upgrade.table_variables == (
        TableVariable("created", "rbac", 13),
        TableVariable("flags", "flag", 14),  # a module constant naming the table
        TableVariable("nested", "nested", 16),
        TableVariable("created", None, 18),  # assigned something else from here on
    )
    # A local assigned something else shadows the module's table in the whole function.
    assert rev.functions["downgrade"].table_variables == (TableVariable("kinds", None, 26),)
    assert rev.table_variable("kinds", "downgrade", 25) is None  # local, not yet assigned


def test_the_assignment_in_effect_on_a_line() -> None:
    rev = parse_revision("v.py", SOURCE)
    assert rev.table_variable("created", "upgrade", 17) == TableVariable("created", "rbac", 13)
    assert rev.table_variable("created", "upgrade", 19) == TableVariable("created", None, 18)
    assert rev.table_variable("created", "upgrade", 10) is None  # not assigned yet
    assert rev.table_variable("kinds", "upgrade", 17) == TableVariable("kinds", "kind", 8)
    assert rev.table_variable("a", "upgrade", 20) is None  # unpacking is not followed


def test_an_edited_document_records_the_same_variables() -> None:
    incremental = IncrementalParser()
    parse_revision("v.py", SOURCE, incremental)
    edited = SOURCE.replace('table("nested")', 'table("nested2")')
    assert parse_revision("v.py", edited, incremental) == parse_revision("v.py", edited)
    assert incremental.reused == 1

"""A SQL call given a name the same function bound to a `text(...)` points back to that call
(`SqlCall.runs_text_at`): `insert_sql = sa.sql.text("INSERT ...")`, then
`session.execute(insert_sql, row)` runs that SQL (pepys a7f75ead6204, lemur a02a678ddc25)."""

from __future__ import annotations

from alembic_ls.analysis.incremental import IncrementalParser
from alembic_ls.analysis.parser import parse_revision

SOURCE = """\
from alembic import op
import sqlalchemy as sa
from sqlalchemy import text

revision = "b2"
down_revision = None


def upgrade():
    session = sa.orm.Session(bind=op.get_bind())
    insert_sql = sa.sql.text(
        "INSERT INTO kinds (name) VALUES (:name)"
    )
    for row in [{"name": "a"}]:
        session.execute(insert_sql, row)
    stmt = text("UPDATE kinds SET name = :name")
    stmt = stmt.bindparams(name="b")
    op.execute(stmt)
    op.execute(stmt.bindparams(name="c"))
    stmt = build_query()
    op.execute(stmt)


def downgrade():
    op.execute(stmt)
"""


def _calls(source: str) -> list[tuple[int, str, int | None]]:
    rev = parse_revision("v.py", source)
    return [(call.span.line, call.what, call.runs_text_at) for call in rev.sql_calls]


def test_a_call_running_a_name_bound_to_a_text_points_at_the_text() -> None:
    assert _calls(SOURCE) == [
        (10, "sa.sql.text", None),  # `sa.sql.text` is SQLAlchemy's `text` too
        (14, "session.execute", 10),
        (15, "text", None),
        (17, "op.execute", 15),  # `stmt = stmt.bindparams(...)` still holds the text
        (18, "op.execute", 15),  # options given at the call: the same text
        (20, "op.execute", None),  # assigned something else: not known
        (24, "op.execute", None),  # another function's name
    ]


def test_the_text_call_keeps_the_sql_and_the_runner_holds_none() -> None:
    rev = parse_revision("v.py", SOURCE)
    text, runner = rev.sql_calls[0], rev.sql_calls[1]
    assert text.sql == "INSERT INTO kinds (name) VALUES (:name)"
    assert runner.sql is None and runner.construct is None
    assert rev.text_run_by(runner) is text
    assert rev.text_run_by(text) is None


def test_an_edited_binding_is_read_again_by_the_unchanged_call() -> None:
    incremental = IncrementalParser()
    parse_revision("v.py", SOURCE, incremental)
    # The runner's statement is unchanged, the name it runs now holds no text.
    edited = SOURCE.replace('stmt = text("UPDATE kinds SET name = :name")', "stmt = build_other()")
    assert parse_revision("v.py", edited, incremental) == parse_revision("v.py", edited)
    assert [call.runs_text_at for call in parse_revision("v.py", edited).sql_calls][2:4] == [None, None]

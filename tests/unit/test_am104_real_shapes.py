"""AM104 on the real shapes it misjudged: queries that change nothing, SQLAlchemy schema constructs
passed to op.execute, and hand-written DDL named for what it is (indico, redash, ckan, CTFd)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from alembic_ls.analysis.sql_kind import SqlKind, classify, classify_construct


@pytest.mark.parametrize(
    ("sql", "kind", "words"),
    [
        ("SELECT id FROM users WHERE email IS NULL", SqlKind.READ, None),
        ("  -- which rows?\n select count(*) from events", SqlKind.READ, None),
        ("WITH dupes AS (SELECT id FROM t) SELECT * FROM dupes", SqlKind.READ, None),
        (
            "WITH dupes AS (SELECT id FROM t) DELETE FROM t WHERE id IN (SELECT id FROM dupes)",
            SqlKind.DATA,
            None,
        ),
        ("UPDATE post SET slug = title", SqlKind.DATA, None),
        ("SET LOCAL lock_timeout = '5s'", SqlKind.SETTING, None),
        ("RESET lock_timeout", SqlKind.SETTING, None),
        ("SET lock_timeout = '5s'; ALTER TABLE t ADD COLUMN c int", SqlKind.DDL, "ALTER TABLE"),
        ("CREATE EXTENSION IF NOT EXISTS pg_trgm", SqlKind.DDL, "CREATE EXTENSION"),
        ("DROP TRIGGER IF EXISTS events_update ON events", SqlKind.DDL, "DROP TRIGGER"),
        ("CREATE OR REPLACE FUNCTION f() RETURNS int AS 'SELECT 1'", SqlKind.DDL, "CREATE FUNCTION"),
        ("ALTER TABLE t ADD COLUMN c int; UPDATE t SET c = 1", SqlKind.DATA, None),
        ("SELECT 1; CREATE INDEX ix ON t (c)", SqlKind.DDL, "CREATE INDEX"),
        ("?", SqlKind.UNKNOWN, None),
    ],
)
def test_sql_is_classified_by_what_it_does(sql: str, kind: SqlKind, words: str | None) -> None:
    assert classify(sql) == (kind, words)


@pytest.mark.parametrize(
    ("chain", "kind"),
    [
        ("sa.schema.DropSequence", SqlKind.DDL),
        ("CreateSequence", SqlKind.DDL),
        ("sa.select", SqlKind.READ),
        ("table.select.where", SqlKind.READ),
        ("table.update.where.values", SqlKind.DATA),
        ("sa.delete.where", SqlKind.DATA),
        ("helper", SqlKind.UNKNOWN),
    ],
)
def test_constructs_are_classified_by_their_call_chain(chain: str, kind: SqlKind) -> None:
    assert classify_construct(chain) is kind


def _am104(lab, make_revision: Callable[..., str], body: str) -> list[str]:
    text = make_revision("b2", None, upgrade=body, downgrade="    pass")
    return [f.message for f in lab.check(text) if f.code == "AM104"]


def test_a_read_only_query_is_not_a_data_change(lab, make_revision: Callable[..., str]) -> None:
    body = "    conn = op.get_bind()\n    rows = conn.execute(sa.text('SELECT id FROM users')).fetchall()"
    assert _am104(lab, make_revision, body) == []


def test_a_read_only_query_with_bound_parameters_is_not_a_data_change(
    lab, make_revision: Callable[..., str]
) -> None:
    """lemur 7f71c0cea31a: `text("select id ... like :name").bindparams(name=...)` said a data change."""
    body = (
        "    conn = op.get_bind()\n"
        "    rows = conn.execute(sa.text('SELECT id FROM certificates WHERE name LIKE :name')"
        ".bindparams(name='x').columns(id=sa.Integer)).fetchall()"
    )
    assert _am104(lab, make_revision, body) == []
    updating = body.replace("SELECT id FROM certificates WHERE", "UPDATE certificates SET name = NULL WHERE")
    assert len(_am104(lab, make_revision, updating)) == 1


def test_a_schema_construct_is_not_sql_text(lab, make_revision: Callable[..., str]) -> None:
    """indico: `op.execute(sa.schema.DropSequence(sa.Sequence('x_id_seq')))`."""
    assert _am104(lab, make_revision, "    op.execute(sa.schema.DropSequence(sa.Sequence('x_id_seq')))") == []


def test_hand_written_ddl_is_named_for_what_it_is(lab, make_revision: Callable[..., str]) -> None:
    (message,) = _am104(lab, make_revision, "    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')")
    assert message.startswith("`op.execute` runs hand-written DDL (`CREATE EXTENSION`) with no comment")
    assert "data change" not in message


def test_data_changes_are_still_reported(lab, make_revision: Callable[..., str]) -> None:
    for body in (
        "    op.execute('UPDATE post SET slug = title')",
        "    op.execute(post.update().values(slug=post.c.title))",
        "    op.execute(f'UPDATE {TABLE} SET slug = title')",
        "    op.execute(sql)",  # not readable: judged as a data change, as before
    ):
        (message,) = _am104(lab, make_revision, body)
        assert "is a manual data change" in message, body


def test_a_paragraph_of_sql_is_one_finding_one_comment_explains(
    lab, make_revision: Callable[..., str]
) -> None:
    """ckan 088: two `conn.execute` one under the other were two findings for one comment."""
    body = (
        "    conn = op.get_bind()\n"
        "    conn.execute(sa.text(\"DELETE FROM package_extra WHERE state = 'deleted'\"))\n"
        "    conn.execute(sa.text(\"DELETE FROM group_extra WHERE state = 'deleted'\"))\n\n"
        "    op.execute('UPDATE package SET state = NULL')"
    )
    text = make_revision("b2", None, upgrade=body, downgrade="    pass")
    findings = [f for f in lab.check(text) if f.code == "AM104"]
    assert len(findings) == 2  # the paragraph, and the statement after the blank line
    first = text.splitlines().index(body.splitlines()[1])
    assert findings[0].span.line == first
    assert f"(and so do the SQL calls on lines {first + 2} in its paragraph)" in findings[0].message
    fixed = lab.apply(text, findings[0]).replace("<why>", "deleted extras are never read again")
    assert [f.span.line for f in lab.check(fixed) if f.code == "AM104"] == [first + 4]

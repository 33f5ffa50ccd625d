"""What a statement does, read from the tree libpg_query writes as JSON (sql_statements): the
shapes where that tree differs from pglast's objects (a node wrapped in its kind, a field left out
when false or empty, DROP's names as lists of strings)."""

from __future__ import annotations

import pglast
import pytest

from alembic_ls.analysis.sql_statements import SqlAction, parsed_statements, statement_actions


def actions(sql: str) -> list[SqlAction]:
    return [action for stmt in parsed_statements(pglast, sql) for action in statement_actions(stmt)]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("DROP TABLE IF EXISTS a.b, c CASCADE", [("drop_table", "b", "a"), ("drop_table", "c", None)]),
        ("CREATE TEMPORARY TABLE t (id int)", [("create_table", "t", None)]),
        ("CREATE TABLE s.t AS SELECT 1", [("create_table", "t", "s")]),
        ("CREATE UNIQUE INDEX CONCURRENTLY ix ON s.t (a)", [("create_index", "t", "s")]),
        ("DELETE FROM t USING u, v WHERE t.a = u.a", [("delete", "t", None)]),
        (
            "SELECT 1; UPDATE t SET a = 2; CREATE INDEX ON t (a)",
            [("update", "t", None), ("create_index", "t", None)],
        ),
        ("-- nothing but a comment", []),
    ],
)
def test_the_statement_and_its_table(sql: str, expected: list[tuple[str, str, str | None]]) -> None:
    assert [(a.kind, a.table, a.schema) for a in actions(sql)] == expected


def test_the_details_the_lock_rules_read() -> None:
    index, temporary = actions("CREATE UNIQUE INDEX CONCURRENTLY ix ON t (a); CREATE TEMP TABLE x (a int)")
    assert (index.name, index.concurrently, index.words) == ("ix", True, "CREATE UNIQUE INDEX")
    assert temporary.temporary

    serial, identity, required, nullable = actions(
        "ALTER TABLE t ADD COLUMN a bigserial, ADD COLUMN b int GENERATED ALWAYS AS IDENTITY, "
        "ADD COLUMN c int NOT NULL, ADD COLUMN d int4 NULL"
    )
    assert (serial.name, serial.has_default, serial.not_null) == ("a", True, False)
    assert identity.has_default
    assert (required.not_null, required.has_default) == (True, False)
    assert (nullable.not_null, nullable.has_default) == (False, False)

    check, unique = actions(
        "ALTER TABLE t ADD CONSTRAINT c1 CHECK (a > 0) NOT VALID, ADD UNIQUE USING INDEX ix"
    )
    assert (check.constraint, check.name, check.not_valid, check.using_index) == ("check", "c1", True, False)
    assert (unique.constraint, unique.using_index, unique.index, unique.not_valid) == (
        "unique",
        True,
        "ix",
        False,
    )

    (set_not_null,) = actions("ALTER TABLE t ALTER COLUMN a SET NOT NULL, ALTER COLUMN b TYPE bigint")
    assert (set_not_null.kind, set_not_null.name) == ("set_not_null", "a")

    (update,) = actions("UPDATE t SET a = 1 FROM u, (SELECT 1) s WHERE t.a = u.a")
    assert (update.has_where, update.reads) == (True, ("u",))


@pytest.mark.parametrize(
    ("sql", "seeds"),
    [
        ("INSERT INTO t DEFAULT VALUES", True),
        ("INSERT INTO t VALUES (1), (2)", True),
        ("INSERT INTO t (a) VALUES ((SELECT max(a) FROM u))", False),
        ("INSERT INTO t SELECT * FROM u", False),
        ("WITH x AS (SELECT 1) INSERT INTO t VALUES (1)", False),
    ],
)
def test_an_insert_seeds_only_rows_written_out(sql: str, seeds: bool) -> None:
    (insert,) = actions(sql)
    assert insert.seeds is seeds


def test_text_that_is_not_sql_raises_the_parsers_error() -> None:
    with pytest.raises(pglast.parser.ParseError):
        parsed_statements(pglast, "ALTER TABLE")

"""SQL in an f-string is read as far as its literal text names the table it writes to (indico
577e564cf0ae: `UPDATE event_registration.form_items SET internal_name = CASE personal_data_type
{case_expr} END`), for AM104's "a step of the change the message names" only; the lock rules keep
treating it as unread."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from alembic_ls.analysis.parser import parse_revision
from alembic_ls.analysis.partial_sql import partially_read_sql
from alembic_ls.analysis.sql_statements import parsed_sql
from alembic_ls.settings import Settings

pytest.importorskip("pglast")


def _read(sql: str) -> list[tuple[str, str | None, str | None, tuple[str, ...]]]:
    source = f"from alembic import op\n\n\ndef upgrade():\n    op.execute(f{sql!r})\n"
    rev = parse_revision("v.py", source)
    assert rev.sql_calls[0].sql_partial
    (parsed,) = partially_read_sql(rev)
    return [(a.kind, a.schema, a.table, a.reads) for a in parsed.actions]


@pytest.mark.parametrize(
    ("sql", "actions"),
    [
        # A hole where a value goes: parsed with the hole read as a name.
        ("UPDATE t SET a = {value} WHERE b IN ({ids})", [("update", None, "t", ())]),
        ("INSERT INTO t (a) VALUES ({value})", [("insert", None, "t", ())]),
        # The schema is a hole, the table is literal.
        ("DELETE FROM {schema}.t WHERE a = 1", [("delete", None, "t", ())]),
        # A table read through a hole is left out of what the statement reads.
        ("UPDATE t SET a = o.a FROM other_{n} o, u WHERE o.id = t.id", [("update", None, "t", ("u",))]),
        # A hole no name or value fits (CASE arms): the head of the one statement says it.
        (
            "UPDATE event_registration.form_items SET internal_name = CASE personal_data_type "
            "{case_expr} END WHERE personal_data_type IS NOT NULL;",
            [("update", "event_registration", "form_items", ())],
        ),
        ('DELETE FROM ONLY "Ev".event WHERE x = CASE y {arms} END', [("delete", "Ev", "event", ())]),
        # A `?` inside a string stays part of it.
        ("UPDATE t SET a = '{value}' WHERE b = CASE c {arms} END", [("update", None, "t", ())]),
    ],
)
def test_the_table_its_literal_text_names(sql: str, actions: list[tuple[str, str | None, str]]) -> None:
    assert _read(sql) == actions


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE form_{suffix} SET a = 1",  # the table's name holds a hole
        "UPDATE {table} SET a = CASE y {arms} END",
        "{verb} FROM t WHERE a = 1",
        # More than one statement and a hole no name fits: what it holds is not known.
        "UPDATE t SET a = CASE y {arms} END; DELETE FROM u",
        "UPDATE t SET a = 1; {more}",
    ],
)
def test_a_table_a_hole_could_name_is_not_read(sql: str) -> None:
    assert _read(sql) == []


def test_the_lock_rules_still_leave_f_string_sql_unread(lab, make_revision: Callable[..., str]) -> None:
    up = '    op.execute(f"CREATE INDEX ix_a ON post ({column})")'
    text = make_revision("b2", None, upgrade=up, downgrade="    pass")
    assert "AM403" not in lab.codes(text, Settings(dialect="postgresql"))
    rev = parse_revision("v.py", text)
    assert parsed_sql(rev) == []
    assert "AM403" in lab.codes(text.replace("({column})", "(a)"), Settings(dialect="postgresql"))

"""SQL text in op.execute read with PostgreSQL's grammar (issue 17): the lock rules judge it as they
judge the ops, AM413 reports what PostgreSQL would reject, and without pglast nothing is guessed."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest

from alembic_ls.analysis import sql_statements
from alembic_ls.analysis.parser import parse_revision
from alembic_ls.settings import Settings
from alembic_ls.workspace_check import run_check

PG = Settings(dialect="postgresql")


def _codes(lab, make_revision: Callable[..., str], upgrade: str, settings: Settings = PG) -> list[str]:
    return lab.codes(make_revision("b2", None, upgrade=upgrade, downgrade="    pass"), settings)


def _execute(sql: str) -> str:
    return f'    op.execute("""{sql}""")'


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("CREATE INDEX ix_a ON post (a)", "AM403"),
        ("ALTER TABLE post ADD COLUMN c int NOT NULL", "AM401"),
        ("ALTER TABLE post ALTER COLUMN title SET NOT NULL", "AM406"),
        # A column added to a table with rows: SET NOT NULL still reads every row under the lock.
        ("ALTER TABLE post ADD COLUMN c int; ALTER TABLE post ALTER COLUMN c SET NOT NULL", "AM406"),
        ("ALTER TABLE post ADD CONSTRAINT fk_a FOREIGN KEY (a) REFERENCES u (id)", "AM404"),
        ("ALTER TABLE post ADD CONSTRAINT ck_a CHECK (a > 0)", "AM404"),
        ("ALTER TABLE post ADD CONSTRAINT uq_a UNIQUE (a)", "AM411"),
        ("DROP TABLE IF EXISTS post", "AM408"),  # quay 8a70b8777089
        ('ALTER TABLE "events"."track_principals" DROP COLUMN email', "AM408"),  # indico 4f0b4dd412b5
    ],
)
def test_sql_text_fires_the_rule_its_op_would(lab, make_revision, sql: str, code: str) -> None:
    assert code in _codes(lab, make_revision, _execute(sql))


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("CREATE INDEX CONCURRENTLY ix_a ON post (a)", "AM403"),
        ("ALTER TABLE post ADD COLUMN c int NOT NULL DEFAULT 0", "AM401"),
        ("ALTER TABLE post ADD COLUMN id SERIAL PRIMARY KEY", "AM401"),  # dispatch 86ec96cd14f8
        ("ALTER TABLE post ADD COLUMN c int GENERATED ALWAYS AS IDENTITY", "AM401"),
        ("ALTER TABLE post ADD CONSTRAINT fk_a FOREIGN KEY (a) REFERENCES u (id) NOT VALID", "AM404"),
        ("ALTER TABLE post ADD CONSTRAINT uq_a UNIQUE USING INDEX ix_a", "AM411"),
        ("CREATE TEMPORARY TABLE m AS SELECT 1 AS a; CREATE INDEX ix_m ON m (a)", "AM403"),  # indico
        ("CREATE TABLE fresh (a int); CREATE INDEX ix_f ON fresh (a)", "AM403"),
        ("CREATE TEMP TABLE m (a int); DROP TABLE m", "AM408"),
        ("ALTER TABLE post ADD COLUMN c int; ALTER TABLE post DROP COLUMN c", "AM408"),
        (
            "CREATE TABLE fresh (a int); ALTER TABLE fresh ADD COLUMN c int; "
            "ALTER TABLE fresh ALTER COLUMN c SET NOT NULL",
            "AM406",
        ),
        (
            "ALTER TABLE post ADD COLUMN c int; "
            "ALTER TABLE post ADD CONSTRAINT ck_c CHECK (c IS NOT NULL) NOT VALID; "
            "ALTER TABLE post VALIDATE CONSTRAINT ck_c; ALTER TABLE post ALTER COLUMN c SET NOT NULL",
            "AM406",
        ),
    ],
)
def test_the_safe_forms_and_new_tables_are_quiet(lab, make_revision, sql: str, code: str) -> None:
    assert code not in _codes(lab, make_revision, _execute(sql))


def test_a_table_created_by_an_op_earlier_is_new(lab, make_revision) -> None:
    up = "    op.create_table('fresh', sa.Column('a', sa.Integer()))\n" + _execute(
        "CREATE INDEX ix ON fresh (a)"
    )
    assert "AM403" not in _codes(lab, make_revision, up)


def test_many_statements_in_one_call_are_one_finding(lab, make_revision) -> None:
    checks = "; ".join(f"ALTER TABLE t{n} ADD CONSTRAINT ck_{n} CHECK (a > 0)" for n in range(5))
    text = make_revision("b2", None, upgrade=_execute(checks), downgrade="    pass")
    (finding,) = [f for f in lab.check(text, PG) if f.code == "AM404"]
    assert "5 constraints" in finding.message and "2 more" in finding.message


def test_sql_in_a_branch_for_another_database_is_not_judged(lab, make_revision) -> None:
    up = "    if op.get_bind().dialect.name == 'mysql':\n    " + _execute("CREATE INDEX ix_a ON post (a)")
    assert "AM403" not in _codes(lab, make_revision, up)


def test_an_f_string_with_holes_is_not_read() -> None:
    rev = parse_revision("r.py", 'def upgrade():\n    op.execute(f"CREATE INDEX ix ON {TABLE} (a)")\n')
    assert sql_statements.parsed_sql(rev) == []


def test_bound_parameters_read_as_the_server_sees_them() -> None:
    text = (
        "def upgrade():\n"
        "    op.execute(sa.text('UPDATE c SET r = :r WHERE id IN :ids AND t = :t::text'))\n"
        "    op.get_bind().exec_driver_sql('UPDATE c SET r = %(r)s WHERE id IN %s')\n"
    )
    parsed = sql_statements.parsed_sql(parse_revision("r.py", text))
    assert [p.error for p in parsed] == [None, None]


def test_am413_reports_what_postgresql_rejects(lab, make_revision) -> None:
    text = make_revision("b2", None, upgrade=_execute("UPDTE post SET a = 1"), downgrade="    pass")
    (finding,) = [f for f in lab.check(text, PG) if f.code == "AM413"]
    assert 'syntax error at or near "UPDTE"' in finding.message
    assert "`alembic upgrade` fails here" in finding.message


def test_am413_only_where_the_database_is_known_to_be_postgresql(lab, make_revision) -> None:
    text = make_revision("b2", None, upgrade=_execute("ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4"))
    assert "AM413" not in lab.codes(text)  # unknown database: maybe MySQL's SQL
    assert "AM413" not in lab.codes(text, Settings(dialect="mysql"))
    assert "AM413" in lab.codes(text, PG)


def test_am413_leaves_a_bare_text_expression_alone(lab, make_revision) -> None:
    """privacyidea: `server_default=sa.text("nextval('seq')")` outside an op is an expression."""
    up = "    default = sa.text(\"nextval('internaluserattribute_seq')\")"
    assert "AM413" not in _codes(lab, make_revision, up)


def test_without_pglast_sql_is_left_unread_and_check_says_so(write_history, monkeypatch) -> None:
    monkeypatch.setattr(sql_statements, "_pglast", lambda: None)
    monkeypatch.setattr(sql_statements._parsed, "_last", None)  # what an earlier test parsed
    monkeypatch.setitem(sys.modules, "pglast", None)  # what the note asks (without importing it)
    history = write_history(("a1", None, {"upgrade": _execute("CREATE INDEX ix_a ON post (a)")}))
    result = run_check([history.root], Settings(dialect="postgresql"), use_cache=False)
    assert not [f for f in result.findings if f.code == "AM403"]
    assert any("1 SQL text(s) in op.execute not read" in note for note in result.notes)


@pytest.mark.parametrize(
    ("sql", "fires"),
    [
        ("UPDATE post SET status = 'published'", True),
        ("DELETE FROM post", True),
        ("UPDATE post SET status = 'published' WHERE status IS NULL", False),
        ("CREATE TABLE fresh (a int); UPDATE fresh SET a = 1", False),
        ("CREATE TEMP TABLE m (a int); DELETE FROM m", False),
    ],
)
def test_am414_a_whole_table_in_one_statement(lab, make_revision, sql: str, fires: bool) -> None:
    assert ("AM414" in _codes(lab, make_revision, _execute(sql))) is fires


def test_am414_one_finding_per_call(lab, make_revision) -> None:
    text = make_revision(
        "b2", None, upgrade=_execute("UPDATE a SET x = 1; DELETE FROM b"), downgrade="    pass"
    )
    (finding,) = [f for f in lab.check(text, PG) if f.code == "AM414"]
    assert "deletes and updates every row of existing tables `a` and `b`" in finding.message


def test_am414_counts_the_statements_over_one_table(lab, make_revision) -> None:
    # redash db0aca1ebd32: two whole-table UPDATEs of `widgets` in one op.execute.
    text = make_revision(
        "b2",
        None,
        upgrade=_execute("UPDATE widgets SET a = 1; UPDATE widgets SET b = 2"),
        downgrade="    pass",
    )
    (finding,) = [f for f in lab.check(text, PG) if f.code == "AM414"]
    assert "every row of existing table `widgets` in 2 statements" in finding.message


@pytest.mark.parametrize(
    ("before", "step"),
    [
        ("    op.add_column('post', sa.Column('status', sa.String()))", "`op.add_column` (line"),
        ("    op.alter_column('post', 'status', server_default='x')", "`op.alter_column` (line"),
        (_execute("ALTER TABLE post ADD COLUMN status text"), "`ALTER TABLE ... ADD COLUMN` (line"),
    ],
    ids=["add-column", "alter-column", "sql"],
)
def test_am414_says_when_the_same_upgrade_already_locked_the_table(lab, make_revision, before, step) -> None:
    # ckan 084, redash 65fc9ede4746: add a column, then fill it over the whole table, in one transaction.
    upgrade = before + "\n" + _execute("UPDATE post SET status = 'published'")
    text = make_revision("b2", None, upgrade=upgrade, downgrade="    pass")
    (finding,) = [f for f in lab.check(text, PG) if f.code == "AM414"]
    assert step in finding.message and "ACCESS EXCLUSIVE" in finding.message
    assert f"(line {text.splitlines().index(before) + 1})" in finding.message
    assert "backfill in a later revision" in finding.message


def test_am414_a_lock_taken_after_the_backfill_is_not_blamed(lab, make_revision) -> None:
    upgrade = (
        _execute("UPDATE post SET status = 'x'") + "\n    op.add_column('post', sa.Column('s', sa.String()))"
    )
    (finding,) = [
        f
        for f in lab.check(make_revision("b2", None, upgrade=upgrade, downgrade="    pass"), PG)
        if f.code == "AM414"
    ]
    assert "each row stays locked against other writers" in finding.message

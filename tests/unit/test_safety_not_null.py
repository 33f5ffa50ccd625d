"""AM401 not-null-without-default (and its nullable-first fix) and AM406 set-not-null-existing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from alembic_ls.analysis.revision_file import Span
from alembic_ls.fixes import FixRefused, apply_edits, build_edits
from alembic_ls.fixes.nullable_first import BACKFILL_PLACEHOLDER
from alembic_ls.settings import Settings
from alembic_ls.workspace_check import run_check

ADD_NOT_NULL = "    op.add_column('post', sa.Column('status', sa.String(), nullable=False))"
DROP_STATUS = "    op.drop_column('post', 'status')"
BATCH_ADD = (
    "    with op.batch_alter_table('post', schema=None) as batch_op:\n"
    "        batch_op.add_column(sa.Column('published', sa.Boolean(), nullable=False))"
)
BATCH_DROP = (
    "    with op.batch_alter_table('post', schema=None) as batch_op:\n"
    "        batch_op.drop_column('published')"
)
CREATE_POST = "    op.create_table('post', sa.Column('id', sa.Integer(), nullable=False))"


# -- AM401 -----------------------------------------------------------------------------------


def test_am401_fires_on_not_null_column_without_default(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None, upgrade=ADD_NOT_NULL, downgrade=DROP_STATUS)
    finding = lab.one(text, "AM401")
    line = text.splitlines().index(ADD_NOT_NULL)
    assert finding.span == Span(line, 4, line, len(ADD_NOT_NULL))
    assert finding.severity.value == "error"
    assert "`status`" in finding.message and "`post`" in finding.message
    assert finding.fix is not None and finding.fix.kind == "nullable-first" and not finding.fix.safe


def test_am401_fires_in_batch_mode_and_on_every_dialect(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None, upgrade=BATCH_ADD, downgrade=BATCH_DROP)
    finding = lab.one(text, "AM401")
    assert finding.span.line == text.splitlines().index(BATCH_ADD.splitlines()[1])
    for dialect in ("sqlite", "mysql", "postgresql"):
        assert "AM401" in lab.codes(text, Settings(dialect=dialect))


def test_am401_fires_on_a_table_an_earlier_revision_created(write_history) -> None:
    history = write_history(
        ("a1", None, {"upgrade": CREATE_POST, "downgrade": "    op.drop_table('post')"}),
        ("b1", "a1", {"upgrade": ADD_NOT_NULL, "downgrade": DROP_STATUS}),
    )
    (finding,) = history.findings(codes=["AM401"])
    assert finding.path == str(history.files["b1"].resolve())


def test_am401_counts_an_explicit_server_default_none_as_no_default(
    lab, make_revision: Callable[..., str]
) -> None:
    up = "    op.add_column('post', sa.Column('status', sa.String(), nullable=False, server_default=None))"
    assert "AM401" in lab.codes(make_revision("b2", None, upgrade=up, downgrade=DROP_STATUS))


@pytest.mark.parametrize(
    "upgrade",
    [
        "    op.add_column('post', sa.Column('status', sa.String(), nullable=False, server_default='new'))",
        "    op.add_column('post', sa.Column('status', sa.String(), nullable=True))",
        "    op.add_column('post', sa.Column('status', sa.String()))",
        "    op.add_column('post', sa.Column('n', sa.Integer(), sa.Identity(), nullable=False))",
        "    op.add_column('post', sa.Column('n', sa.Integer(), sa.Computed('id * 2'), nullable=False))",
        CREATE_POST + "\n" + ADD_NOT_NULL,
        CREATE_POST + "\n" + BATCH_ADD,
    ],
    ids=["server-default", "nullable", "default-nullable", "identity", "computed", "new-table", "new-batch"],
)
def test_am401_quiet_when_existing_rows_are_fine(
    lab, make_revision: Callable[..., str], upgrade: str
) -> None:
    assert "AM401" not in lab.codes(make_revision("b2", None, upgrade=upgrade, downgrade="    pass"))


def test_am401_fix_writes_the_rule_books_three_steps(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None, upgrade=ADD_NOT_NULL, downgrade=DROP_STATUS)
    (finding,) = [f for f in lab.check(text, Settings(dialect="sqlite")) if f.code == "AM401"]
    fixed = lab.apply(text, finding)
    expected = (
        "    op.add_column('post', sa.Column('status', sa.String(), nullable=True))\n"
        "\n"
        "    # MANUAL: backfill status before making it NOT NULL "
        f"(replace {BACKFILL_PLACEHOLDER} with the value existing rows should get)\n"
        f'    op.execute("UPDATE post SET status = {BACKFILL_PLACEHOLDER} WHERE status IS NULL")\n'
        "    op.alter_column('post', 'status', existing_type=sa.String(), nullable=False)\n"
    )
    assert expected in fixed
    assert DROP_STATUS in fixed  # downgrade() still undoes all three steps
    # The comment explains the SQL (AM104); nothing is left for downgrade() (AM202).
    assert not {"AM401", "AM104", "AM202"} & set(lab.codes(fixed, Settings(dialect="sqlite")))


@pytest.mark.parametrize("dialect", ["postgresql", None], ids=["postgresql", "unknown"])
def test_am401_fix_on_postgresql_proves_not_null_before_setting_it(
    lab, make_revision: Callable[..., str], dialect: str | None
) -> None:
    text = make_revision("b2", None, upgrade=ADD_NOT_NULL, downgrade=DROP_STATUS)
    (finding,) = [f for f in lab.check(text, Settings(dialect=dialect)) if f.code == "AM401"]
    fixed = lab.apply(text, finding)
    expected = (
        f'    op.execute("UPDATE post SET status = {BACKFILL_PLACEHOLDER} WHERE status IS NULL")\n'
        "    # MANUAL: prove status NOT NULL with a CHECK validated outside the transaction, so PostgreSQL "
        "12+ sets NOT NULL without scanning the table under ACCESS EXCLUSIVE\n"
        "    op.create_check_constraint(op.f('ck_post_status_not_null'), 'post', 'status IS NOT NULL', "
        "postgresql_not_valid=True)\n"
        "    with op.get_context().autocommit_block():\n"
        '        op.execute("ALTER TABLE post VALIDATE CONSTRAINT ck_post_status_not_null")\n'
        "    op.alter_column('post', 'status', existing_type=sa.String(), nullable=False)\n"
        "    op.drop_constraint(op.f('ck_post_status_not_null'), 'post', type_='check')\n"
    )
    assert expected in fixed
    # SET NOT NULL no longer scans (AM406), the CHECK is explained (AM103/AM104) and gone by the end
    # of upgrade() (AM202), and the new constraint is added NOT VALID (AM404).
    codes = lab.codes(fixed, Settings(dialect=dialect))
    assert not {"AM401", "AM406", "AM103", "AM104", "AM202", "AM404", "AM410"} & set(codes), codes


def test_am401_fix_on_postgresql_in_batch_mode_keeps_the_check_outside_the_batches(
    lab, make_revision: Callable[..., str]
) -> None:
    text = make_revision("b2", None, upgrade=BATCH_ADD, downgrade=BATCH_DROP)
    (finding,) = [f for f in lab.check(text, Settings(dialect="postgresql")) if f.code == "AM401"]
    fixed = lab.apply(text, finding)
    assert (
        "    op.create_check_constraint(op.f('ck_post_published_not_null'), 'post', 'published IS NOT NULL', "
        "postgresql_not_valid=True)\n"
        "    with op.get_context().autocommit_block():\n"
        '        op.execute("ALTER TABLE post VALIDATE CONSTRAINT ck_post_published_not_null")\n'
        "    with op.batch_alter_table('post', schema=None) as batch_op:\n"
        "        batch_op.alter_column('published', existing_type=sa.Boolean(), nullable=False)\n"
        "    op.drop_constraint(op.f('ck_post_published_not_null'), 'post', type_='check')\n"
    ) in fixed
    assert not {"AM401", "AM406", "AM202"} & set(lab.codes(fixed, Settings(dialect="postgresql")))


def test_am401_fix_names_a_long_check_within_postgresqls_limit(
    lab, make_revision: Callable[..., str]
) -> None:
    table = "t" * 40
    up = f"    op.add_column('{table}', sa.Column('{'c' * 30}', sa.Integer(), nullable=False))"
    fixed = lab.apply(
        make_revision("b2", None, upgrade=up, downgrade="    pass"),
        lab.one(make_revision("b2", None, upgrade=up, downgrade="    pass"), "AM401"),
    )
    assert f"op.f('ck_{'c' * 30}_not_null')" in fixed


def test_am401_fix_in_batch_mode_runs_the_update_between_two_batches(
    lab, make_revision: Callable[..., str]
) -> None:
    text = make_revision("b2", None, upgrade=BATCH_ADD, downgrade=BATCH_DROP)
    (finding,) = [f for f in lab.check(text, Settings(dialect="sqlite")) if f.code == "AM401"]
    fixed = lab.apply(text, finding)
    expected = (
        "    with op.batch_alter_table('post', schema=None) as batch_op:\n"
        "        batch_op.add_column(sa.Column('published', sa.Boolean(), nullable=True))\n"
        "\n"
        "    # MANUAL: backfill published before making it NOT NULL "
        f"(replace {BACKFILL_PLACEHOLDER} with the value existing rows should get)\n"
        f'    op.execute("UPDATE post SET published = {BACKFILL_PLACEHOLDER} WHERE published IS NULL")\n'
        "    with op.batch_alter_table('post', schema=None) as batch_op:\n"
        "        batch_op.alter_column('published', existing_type=sa.Boolean(), nullable=False)\n"
    )
    assert expected in fixed


def test_am401_fix_quotes_reserved_names_and_keeps_the_schema(lab, make_revision: Callable[..., str]) -> None:
    up = "    op.add_column('user', sa.Column('Order', sa.Integer(), nullable=False), schema='app')"
    fixed = lab.fix_clears(make_revision("b2", None, upgrade=up, downgrade="    pass"), "AM401")
    assert f'UPDATE app.\\"user\\" SET \\"Order\\" = {BACKFILL_PLACEHOLDER}' in fixed
    assert (
        "op.alter_column('user', 'Order', existing_type=sa.Integer(), nullable=False, schema='app')" in fixed
    )


def test_am401_fix_uses_backticks_on_mysql(lab, make_revision: Callable[..., str]) -> None:
    up = "    op.add_column('order', sa.Column('total', sa.Integer(), nullable=False))"
    text = make_revision("b2", None, upgrade=up, downgrade="    pass")
    (finding,) = [f for f in lab.check(text, Settings(dialect="mysql")) if f.code == "AM401"]
    assert "UPDATE `order` SET total" in lab.apply(text, finding)


def test_am401_fix_refuses_when_the_file_changed(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None, upgrade=ADD_NOT_NULL, downgrade=DROP_STATUS)
    finding = lab.one(text, "AM401")
    assert finding.fix is not None
    changed = text.replace("nullable=False", "nullable=True")
    with pytest.raises(FixRefused, match="no longer added with nullable=False"):
        build_edits(str(lab.path), changed, finding.fix.kind, finding.fix.params)


def test_am401_fix_is_never_applied_by_check_fix(demo_copy: Path) -> None:
    path = demo_copy / "migrations" / "versions" / "2b3c4d5e6f70_add_published_to_post.py"
    path.write_text(path.read_text().replace(", server_default=sa.false()", ""))
    before = path.read_text()
    result = run_check([demo_copy], fix=True, use_cache=False)
    assert path.read_text() == before
    assert [f.code for f in result.findings if f.path == str(path.resolve())] == ["AM401"]


# -- AM406 -----------------------------------------------------------------------------------

SET_NOT_NULL = "    op.alter_column('user', 'name', existing_type=sa.String(), nullable=False)"
UNSET = "    op.alter_column('user', 'name', existing_type=sa.String(), nullable=True)"


def test_am406_fires_on_set_not_null_of_an_existing_column(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None, upgrade=SET_NOT_NULL, downgrade=UNSET)
    finding = lab.one(text, "AM406")
    assert finding.span.line == text.splitlines().index(SET_NOT_NULL)
    assert "ACCESS EXCLUSIVE" in finding.message and "`user.name`" in finding.message
    assert finding.fix is None


def test_am406_fires_in_batch_mode(lab, make_revision: Callable[..., str]) -> None:
    up = (
        "    with op.batch_alter_table('user') as batch_op:\n"
        "        batch_op.alter_column('name', nullable=False)"
    )
    assert "AM406" in lab.codes(make_revision("b2", None, upgrade=up, downgrade="    pass"))


@pytest.mark.parametrize(
    ("dialect", "fires"),
    [(None, True), ("postgresql", True), ("postgresql+psycopg", True), ("sqlite", False), ("mysql", False)],
)
def test_am406_runs_only_for_postgresql_or_unknown(
    lab, make_revision: Callable[..., str], dialect: str | None, fires: bool
) -> None:
    text = make_revision("b2", None, upgrade=SET_NOT_NULL, downgrade=UNSET)
    assert ("AM406" in lab.codes(text, Settings(dialect=dialect))) is fires


def test_am406_takes_the_dialect_from_sqlalchemy_url(write_history) -> None:
    history = write_history(("a1", None, {"upgrade": SET_NOT_NULL, "downgrade": UNSET}))
    assert history.findings(codes=["AM406"]) == []  # write_history projects run on SQLite


def test_am406_sees_the_scan_after_a_backfill_of_a_new_column(lab, make_revision: Callable[..., str]) -> None:
    """Nullable first, backfill, SET NOT NULL: the table has rows, so PostgreSQL scans them all under
    ACCESS EXCLUSIVE (alembic-guard reports it too)."""
    up = (
        "    op.add_column('user', sa.Column('name', sa.String(), nullable=True))\n"
        "    # MANUAL: every existing user gets a placeholder name\n"
        '    op.execute("UPDATE \\"user\\" SET name = \'\' WHERE name IS NULL")\n' + SET_NOT_NULL
    )
    (finding,) = [
        f for f in lab.check(make_revision("b2", None, upgrade=up, downgrade="    pass")) if f.code == "AM406"
    ]
    assert "a column this upgrade added to an existing table" in finding.message


def test_am406_quiet_for_a_new_column_of_a_new_table(lab, make_revision: Callable[..., str]) -> None:
    up = (
        "    op.create_table('user', sa.Column('id', sa.Integer(), primary_key=True))\n"
        "    op.add_column('user', sa.Column('name', sa.String(), nullable=True))\n" + SET_NOT_NULL
    )
    assert "AM406" not in lab.codes(make_revision("b2", None, upgrade=up, downgrade="    pass"))


def test_am406_quiet_when_a_check_constraint_proves_it(lab, make_revision: Callable[..., str]) -> None:
    up = (
        "    op.create_check_constraint('ck_name', 'user', 'name IS NOT NULL', postgresql_not_valid=True)\n"
        + SET_NOT_NULL
    )
    assert "AM406" not in lab.codes(make_revision("b2", None, upgrade=up, downgrade="    pass"))


def test_am406_quiet_when_an_earlier_revision_added_the_check(write_history) -> None:
    check = (
        "    # MANUAL: prove name is set, so SET NOT NULL can skip its scan\n"
        "    op.execute('ALTER TABLE \"user\" ADD CONSTRAINT ck_name CHECK (name IS NOT NULL) NOT VALID')"
    )
    settings = Settings(dialect="postgresql")
    history = write_history(
        ("a1", None, {"upgrade": check, "downgrade": "    pass"}),
        ("b1", "a1", {"upgrade": SET_NOT_NULL, "downgrade": UNSET}),
    )
    assert history.findings(settings, codes=["AM406"]) == []
    history.write("a1_change.py", history.files["a1"].read_text().replace("name IS NOT NULL", "true"))
    assert [f.code for f in history.findings(settings, codes=["AM406"])] == ["AM406"]


def test_am401_batch_fix_runs_on_sqlite_with_rows(write_history) -> None:
    base = (
        CREATE_POST + "\n"
        "    # MANUAL: rows the next revision must cope with\n"
        "    op.execute('INSERT INTO post (id) VALUES (1), (2)')"
    )
    history = write_history(
        ("a1", None, {"upgrade": base, "downgrade": "    op.drop_table('post')"}),
        ("b1", "a1", {"upgrade": BATCH_ADD, "downgrade": BATCH_DROP}),
    )
    (finding,) = history.findings(codes=["AM401"])
    assert finding.fix is not None
    path = history.files["b1"]
    fixed = apply_edits(
        path.read_text(), build_edits(str(path), path.read_text(), "nullable-first", finding.fix.params)
    )
    path.write_text(fixed.replace(BACKFILL_PLACEHOLDER, "0"))
    config = Config(str(history.root / "alembic.ini"))
    command.upgrade(config, "head")
    engine = create_engine(f"sqlite:///{history.root / 'test.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT published FROM post")).all() == [(False,), (False,)]
        columns = connection.execute(text("PRAGMA table_info(post)")).all()
    assert [c[3] for c in columns if c[1] == "published"] == [1]  # notnull
    command.downgrade(config, "a1")
    engine.dispose()

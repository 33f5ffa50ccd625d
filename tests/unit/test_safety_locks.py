"""PostgreSQL locking rules: AM403 index-not-concurrent, AM404 constraint-without-not-valid,
AM405 column-type-change, AM407 volatile-default — with the AM403 and AM404 fixes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from alembic_ls.fixes import FixRefused, build_edits
from alembic_ls.settings import Settings

CREATE_INDEX = "    op.create_index('ix_post_author_id', 'post', ['author_id'], unique=False)"
DROP_INDEX = "    op.drop_index('ix_post_author_id', table_name='post')"
BATCH_CREATE_INDEX = (
    "    with op.batch_alter_table('post', schema=None) as batch_op:\n"
    "        batch_op.create_index(batch_op.f('ix_post_author_id'), ['author_id'], unique=False)"
)
BATCH_DROP_INDEX = (
    "    with op.batch_alter_table('post', schema=None) as batch_op:\n"
    "        batch_op.drop_index(batch_op.f('ix_post_author_id'))"
)
CREATE_POST = "    op.create_table('post', sa.Column('author_id', sa.Integer()))"
SQLITE = Settings(dialect="sqlite")


# -- AM403 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("upgrade", [CREATE_INDEX, BATCH_CREATE_INDEX], ids=["plain", "batch"])
def test_am403_fires_on_a_plain_index_on_an_existing_table(
    lab, make_revision: Callable[..., str], upgrade: str
) -> None:
    finding = lab.one(make_revision("b2", None, upgrade=upgrade, downgrade="    pass"), "AM403")
    assert "SHARE lock" in finding.message and "`ix_post_author_id`" in finding.message
    assert finding.fix is not None and finding.fix.kind == "concurrent-index" and not finding.fix.safe


@pytest.mark.parametrize(
    ("upgrade", "settings"),
    [
        (CREATE_INDEX.replace("unique=False", "postgresql_concurrently=True"), None),
        (CREATE_POST + "\n" + CREATE_INDEX, None),
        (CREATE_POST + "\n" + BATCH_CREATE_INDEX, None),
        (CREATE_INDEX, SQLITE),
        (CREATE_INDEX, Settings(dialect="mysql")),
    ],
    ids=["concurrently", "new-table", "new-table-batch", "sqlite", "mysql"],
)
def test_am403_quiet(lab, make_revision: Callable[..., str], upgrade: str, settings: Settings | None) -> None:
    text = make_revision("b2", None, upgrade=upgrade, downgrade="    pass")
    assert "AM403" not in lab.codes(text, settings)


def test_am403_says_when_the_same_upgrade_already_locked_the_table(
    lab, make_revision: Callable[..., str]
) -> None:
    # quay 2664723e1b4b, indico c997dc927fbc: autogenerate's index on the column it just added.
    add = "    op.add_column('post', sa.Column('author_id', sa.Integer(), nullable=True))"
    text = make_revision("b2", None, upgrade=add + "\n" + CREATE_INDEX, downgrade="    pass")
    finding = lab.one(text, "AM403")
    line = text.splitlines().index(add) + 1
    assert f"after `op.add_column` (line {line}) took an ACCESS EXCLUSIVE lock" in finding.message
    assert "every read and write of the table waits" in finding.message
    assert finding.fix is not None  # the autocommit block commits the add_column first


def test_am403_fix_wraps_create_and_drop_in_autocommit_blocks(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None, upgrade=CREATE_INDEX, downgrade=DROP_INDEX)
    fixed = lab.fix_clears(text, "AM403")
    assert (
        "    with op.get_context().autocommit_block():\n"
        "        op.create_index('ix_post_author_id', 'post', ['author_id'], unique=False, "
        "postgresql_concurrently=True)\n"
    ) in fixed
    assert (
        "    with op.get_context().autocommit_block():\n"
        "        op.drop_index('ix_post_author_id', table_name='post', postgresql_concurrently=True)\n"
    ) in fixed


def test_am403_fix_turns_batch_calls_into_plain_ones(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None, upgrade=BATCH_CREATE_INDEX, downgrade=BATCH_DROP_INDEX)
    fixed = lab.fix_clears(text, "AM403")
    assert "batch_alter_table" not in fixed
    assert (
        "op.create_index(op.f('ix_post_author_id'), 'post', ['author_id'], unique=False, "
        "postgresql_concurrently=True)"
    ) in fixed
    assert (
        "op.drop_index(op.f('ix_post_author_id'), table_name='post', postgresql_concurrently=True)" in fixed
    )


def test_am403_fix_keeps_the_rest_of_a_batch(lab, make_revision: Callable[..., str]) -> None:
    up = BATCH_CREATE_INDEX.replace(
        "as batch_op:\n", "as batch_op:\n        batch_op.add_column(sa.Column('author_id', sa.Integer()))\n"
    )
    down = BATCH_DROP_INDEX + "\n        batch_op.drop_column('author_id')"
    fixed = lab.fix_clears(make_revision("b2", None, upgrade=up, downgrade=down), "AM403")
    upgrade, downgrade = fixed.split("def downgrade")
    # The index comes after the batch that adds its column, and goes before the one that drops it.
    assert upgrade.index("batch_op.add_column") < upgrade.index("autocommit_block")
    assert downgrade.index("autocommit_block") < downgrade.index("batch_op.drop_column")


def test_am403_fix_inside_an_existing_autocommit_block_only_adds_the_flag(
    lab, make_revision: Callable[..., str]
) -> None:
    up = "    with op.get_context().autocommit_block():\n    " + CREATE_INDEX
    fixed = lab.fix_clears(make_revision("b2", None, upgrade=up, downgrade="    pass"), "AM403")
    assert fixed.count("autocommit_block") == 1
    assert (
        "        op.create_index('ix_post_author_id', 'post', ['author_id'], unique=False, "
        "postgresql_concurrently=True)" in fixed
    )


def test_am403_fix_handles_multi_line_calls(lab, make_revision: Callable[..., str]) -> None:
    up = "    op.create_index(\n        'ix_post_author_id',\n        'post',\n        ['author_id'],\n    )"
    fixed = lab.fix_clears(make_revision("b2", None, upgrade=up, downgrade=DROP_INDEX), "AM403")
    assert (
        "    with op.get_context().autocommit_block():\n"
        "        op.create_index(\n"
        "            'ix_post_author_id',\n"
        "            'post',\n"
        "            ['author_id'],\n"
        "            postgresql_concurrently=True,\n"
        "        )\n"
    ) in fixed


# -- AM404 -----------------------------------------------------------------------------------

FOREIGN_KEY = "    op.create_foreign_key('fk_post_author', 'post', 'user', ['author_id'], ['id'])"
CHECK = "    op.create_check_constraint('ck_post_len', 'post', 'length(title) < 200')"


@pytest.mark.parametrize(
    ("upgrade", "lock"),
    [
        (FOREIGN_KEY, "SHARE ROW EXCLUSIVE"),
        (CHECK, "ACCESS EXCLUSIVE"),
        (
            "    with op.batch_alter_table('post') as batch_op:\n"
            "        batch_op.create_foreign_key('fk_post_author', 'user', ['author_id'], ['id'])",
            "SHARE ROW EXCLUSIVE",
        ),
    ],
    ids=["foreign-key", "check", "batch"],
)
def test_am404_fires_on_constraints_validated_under_lock(
    lab, make_revision: Callable[..., str], upgrade: str, lock: str
) -> None:
    finding = lab.one(make_revision("b2", None, upgrade=upgrade, downgrade="    pass"), "AM404")
    assert lock in finding.message and "postgresql_not_valid=True" in finding.message


@pytest.mark.parametrize(
    ("upgrade", "settings"),
    [
        (FOREIGN_KEY.replace("['id'])", "['id'], postgresql_not_valid=True)"), None),
        (CREATE_POST + "\n" + FOREIGN_KEY, None),
        (FOREIGN_KEY, SQLITE),
        ("    op.create_unique_constraint('uq_post_slug', 'post', ['slug'])", None),
    ],
    ids=["not-valid", "new-table", "sqlite", "unique"],
)
def test_am404_quiet(lab, make_revision: Callable[..., str], upgrade: str, settings: Settings | None) -> None:
    text = make_revision("b2", None, upgrade=upgrade, downgrade="    pass")
    assert "AM404" not in lab.codes(text, settings)


ADD_AUTHOR = "    op.add_column('post', sa.Column('author_id', sa.Integer(), nullable=True))"


@pytest.mark.parametrize(
    "upgrade",
    [
        ADD_AUTHOR + "\n" + FOREIGN_KEY,
        "    with op.batch_alter_table('post') as batch_op:\n"
        "        batch_op.add_column(sa.Column('author_id', sa.Integer()))\n"
        "        batch_op.create_foreign_key('fk_post_author', 'user', ['author_id'], ['id'])",
    ],
    ids=["plain", "batch"],
)
def test_am404_quiet_for_a_foreign_key_on_a_column_just_added_empty(
    lab, make_revision: Callable[..., str], upgrade: str
) -> None:
    # Autogenerate's shape for a new relationship (dispatch 8790ff1c8d6d, CTFd 9889b8c53673): every
    # row holds NULL, so no row can violate it; the add_column already holds the table's lock.
    text = make_revision("b2", None, upgrade=upgrade, downgrade="    pass")
    assert "AM404" not in lab.codes(text)


@pytest.mark.parametrize(
    "upgrade",
    [
        ADD_AUTHOR.replace("nullable=True", "server_default='1'") + "\n" + FOREIGN_KEY,
        ADD_AUTHOR + "\n    op.execute('UPDATE post SET author_id = 1')\n" + FOREIGN_KEY,
        ADD_AUTHOR.replace("author_id", "editor_id")
        + "\n"
        + FOREIGN_KEY.replace("['author_id']", "['author_id', 'editor_id']"),
        FOREIGN_KEY + "\n" + ADD_AUTHOR,
        ADD_AUTHOR + "\n" + CHECK.replace("length(title)", "author_id"),
    ],
    ids=["server-default", "backfilled", "one-old-column", "added-after", "check"],
)
def test_am404_still_fires_when_existing_rows_hold_values(
    lab, make_revision: Callable[..., str], upgrade: str
) -> None:
    lab.one(make_revision("b2", None, upgrade=upgrade, downgrade="    pass"), "AM404")


def test_am404_fix_adds_not_valid_and_validates_after_the_commit(
    lab, make_revision: Callable[..., str]
) -> None:
    down = "    op.drop_constraint('fk_post_author', 'post', type_='foreignkey')"
    fixed = lab.fix_clears(make_revision("b2", None, upgrade=FOREIGN_KEY, downgrade=down), "AM404")
    assert (
        "    op.create_foreign_key('fk_post_author', 'post', 'user', ['author_id'], ['id'], "
        "postgresql_not_valid=True)\n"
        "    # MANUAL: validate fk_post_author after the commit, "
        "so checking existing rows does not block writes\n"
        "    with op.get_context().autocommit_block():\n"
        '        op.execute("ALTER TABLE post VALIDATE CONSTRAINT fk_post_author")\n'
    ) in fixed
    assert "AM104" not in lab.codes(fixed)


def test_am404_fix_validates_after_a_batch_block(lab, make_revision: Callable[..., str]) -> None:
    up = (
        "    with op.batch_alter_table('user', schema='app') as batch_op:\n"
        "        batch_op.create_check_constraint('ck_age', 'age >= 0')\n"
        "        batch_op.add_column(sa.Column('x', sa.Integer()))"
    )
    fixed = lab.fix_clears(make_revision("b2", None, upgrade=up, downgrade="    pass"), "AM404")
    assert "batch_op.create_check_constraint('ck_age', 'age >= 0', postgresql_not_valid=True)" in fixed
    assert (
        "        batch_op.add_column(sa.Column('x', sa.Integer()))\n"
        "    # MANUAL: validate ck_age after the commit, so checking existing rows does not block writes\n"
        "    with op.get_context().autocommit_block():\n"
        '        op.execute("ALTER TABLE app.\\"user\\" VALIDATE CONSTRAINT ck_age")\n'
    ) in fixed


def test_am404_has_no_fix_for_an_unnamed_constraint(lab, make_revision: Callable[..., str]) -> None:
    up = "    op.create_foreign_key(None, 'post', 'user', ['author_id'], ['id'])"
    assert lab.one(make_revision("b2", None, upgrade=up, downgrade="    pass"), "AM404").fix is None


# -- AM405 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        "type_=sa.BigInteger(), existing_type=sa.Integer()",
        "type_=sa.String(50), existing_type=sa.String(100)",
        "type_=sa.String(100), existing_type=sa.CHAR(100)",
        "type_=postgresql.JSONB(), existing_type=sa.Text()",
        "type_=sa.Numeric(10, 2), existing_type=sa.Numeric(12, 2)",
        "type_=sa.Text()",
    ],
    ids=["int-bigint", "narrow", "char", "jsonb", "numeric-narrow", "no-existing-type"],
)
def test_am405_fires_on_type_changes_that_rewrite(
    lab, make_revision: Callable[..., str], change: str
) -> None:
    up = f"    op.alter_column('post', 'title', {change})"
    finding = lab.one(make_revision("b2", None, upgrade=up, downgrade="    pass"), "AM405")
    assert "ACCESS EXCLUSIVE" in finding.message and "`post.title`" in finding.message


@pytest.mark.parametrize(
    "change",
    [
        "type_=sa.String(200), existing_type=sa.String(100)",
        "type_=sa.Text(), existing_type=sa.VARCHAR(length=100)",
        "type_=sa.String(), existing_type=sa.String(100)",
        "type_=sa.Numeric(14, 2), existing_type=sa.Numeric(12, 2)",
        "nullable=True",
    ],
    ids=["widen", "to-text", "unbounded", "numeric-widen", "no-type"],
)
def test_am405_quiet_for_in_place_changes(lab, make_revision: Callable[..., str], change: str) -> None:
    up = f"    op.alter_column('post', 'title', {change})"
    assert "AM405" not in lab.codes(make_revision("b2", None, upgrade=up, downgrade="    pass"))


def test_am405_quiet_for_new_columns_and_other_dialects(lab, make_revision: Callable[..., str]) -> None:
    alter = "    op.alter_column('post', 'views', type_=sa.BigInteger(), existing_type=sa.Integer())"
    added = "    op.add_column('post', sa.Column('views', sa.Integer()))\n" + alter
    assert "AM405" not in lab.codes(make_revision("b2", None, upgrade=added, downgrade="    pass"))
    text = make_revision("b2", None, upgrade=alter, downgrade="    pass")
    assert "AM405" not in lab.codes(text, SQLITE)
    batch = (
        "    with op.batch_alter_table('post') as batch_op:\n"
        "        batch_op.alter_column('views', type_=sa.BigInteger())"
    )
    assert "AM405" in lab.codes(make_revision("b2", None, upgrade=batch, downgrade="    pass"))


# -- AM407 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "reason"),
    [
        (
            "sa.Column('public_id', sa.Uuid(), server_default=sa.text('gen_random_uuid()'))",
            "gen_random_uuid()",
        ),
        ("sa.Column('r', sa.Float(), server_default=sa.text('random()'), nullable=False)", "random()"),
        ("sa.Column('at', sa.DateTime(), server_default=sa.text('clock_timestamp()'))", "clock_timestamp()"),
        ("sa.Column('n', sa.Integer(), sa.Identity(), nullable=False)", "identity column"),
        ("sa.Column('n', postgresql.BIGSERIAL())", "bigserial column"),
        ("sa.Column('total', sa.Integer(), sa.Computed('a + b'))", "stored generated column"),
    ],
    ids=["uuid", "random", "clock", "identity", "serial", "computed"],
)
def test_am407_fires_when_every_row_needs_a_value(
    lab, make_revision: Callable[..., str], column: str, reason: str
) -> None:
    up = f"    op.add_column('post', {column})"
    finding = lab.one(make_revision("b2", None, upgrade=up, downgrade="    pass"), "AM407")
    assert reason in finding.message and "rewrites the whole table" in finding.message


@pytest.mark.parametrize(
    "upgrade",
    [
        "    op.add_column('post', sa.Column('at', sa.DateTime(), server_default=sa.text('now()')))",
        "    op.add_column('post', sa.Column('at', sa.DateTime(), server_default=sa.text('CURRENT_DATE')))",
        "    op.add_column('post', sa.Column('flag', sa.Boolean(), server_default=sa.false()))",
        "    op.alter_column('post', 'public_id', server_default=sa.text('gen_random_uuid()'))",
        CREATE_POST + "\n    op.add_column('post', sa.Column('n', sa.Integer(), sa.Identity()))",
    ],
    ids=["now", "current-timestamp", "constant", "alter-default", "new-table"],
)
def test_am407_quiet_for_defaults_that_touch_no_rows(
    lab, make_revision: Callable[..., str], upgrade: str
) -> None:
    assert "AM407" not in lab.codes(make_revision("b2", None, upgrade=upgrade, downgrade="    pass"))


def test_am407_runs_in_batch_mode_and_only_for_postgresql(lab, make_revision: Callable[..., str]) -> None:
    up = (
        "    with op.batch_alter_table('post') as batch_op:\n"
        "        batch_op.add_column(sa.Column('u', sa.Uuid(), server_default=sa.text('gen_random_uuid()')))"
    )
    text = make_revision("b2", None, upgrade=up, downgrade="    pass")
    assert "AM407" in lab.codes(text)
    assert "AM407" not in lab.codes(text, SQLITE)


def test_am403_says_when_names_are_variables(lab, make_revision: Callable[..., str]) -> None:
    """ckan 039: `for table, index in INDEXES: op.create_index(index, table, ...)` named "index
    `index` on existing table `table`", as if those were the names."""
    up = "    for table, index in INDEXES:\n        op.create_index(index, table, ['expired_id'])"
    finding = lab.one(make_revision("b2", None, upgrade=up, downgrade="    pass"), "AM403")
    assert finding.message.startswith(
        "Creates an index named by `index` on the existing table named by `table`"
    )
    literal = lab.one(
        make_revision("b2", None, upgrade="    op.create_index('ix_a', 'post', ['a'])"), "AM403"
    )
    assert literal.message.startswith("Creates index `ix_a` on existing table `post`")


def test_am403_fix_refuses_a_batch_whose_table_is_not_a_literal(
    lab, make_revision: Callable[..., str]
) -> None:
    up = "    with op.batch_alter_table(TABLE) as batch_op:\n        batch_op.create_index('ix_a', ['a'])"
    text = make_revision("b2", None, upgrade=up, downgrade="    pass")
    finding = lab.one(text, "AM403")
    assert "on the existing table named by `TABLE`" in finding.message  # the argument as written
    assert finding.fix is not None
    with pytest.raises(FixRefused, match="not a literal"):
        build_edits(str(lab.path), text, finding.fix.kind, finding.fix.params)

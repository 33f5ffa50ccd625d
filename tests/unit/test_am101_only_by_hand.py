"""AM101 says nothing where autogenerate could not have written the change, so a person had to:
calls under an inspector check, a dialect branch or a loop, in an autocommit block, calls or keywords
autogenerate never writes, a data migration, a project whose env.py gives autogenerate no MetaData.
Each quiet shape is from the dev corpus, written here as a fixture of its own; next to it, the
hand-written call autogenerate would have produced, which still fires."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from alembic_ls.env_metadata import offers_no_metadata

# As a person writes it: autogenerate renders `sa.Boolean()` with `nullable=`, `unique=` in an index.
ADD = "op.add_column('manifest', sa.Column('subject_backfilled', sa.Boolean))"
INDEX = "op.create_index('manifest_repository_id_subject', 'manifest', ['repository_id', 'subject'])"


def _fires(lab, make_revision: Callable[..., str], upgrade: str, downgrade: str = "    pass") -> bool:
    return "AM101" in lab.codes(make_revision("b2", None, upgrade=upgrade, downgrade=downgrade))


# -- decided when the migration runs ---------------------------------------------------------


@pytest.mark.parametrize(
    "upgrade",
    [
        # quay 946f0e90f9c9, 3f8d7acdf7f9: each step only when the inspector does not find it
        "    inspector = Inspector.from_engine(op.get_bind())\n"
        "    if 'subject_backfilled' not in [c['name'] for c in inspector.get_columns('manifest')]:\n"
        f"        {ADD}\n"
        "    if not sa.inspect(op.get_bind()).has_table('quota'):\n"
        "        op.create_table('quota', sa.Column('id', sa.Integer, primary_key=True))",
        # quay 2d66ad598b56: on MySQL only
        "    if op.get_bind().engine.name == 'mysql':\n"
        "        op.alter_column('logentry3', 'metadata_json', type_=mysql.MEDIUMTEXT())\n"
        "    else:\n"
        "        pass",
        # CTFd 46a278193a94: every datetime column information_schema lists
        "    for table_name, column_name in op.get_bind().execute(get_columns).fetchall():\n"
        "        op.alter_column(table_name=table_name, column_name=column_name,\n"
        "                        type_=mysql.DATETIME(fsp=6))",
        # a step that may fail, and is let fail
        f"    try:\n        {INDEX}\n    except Exception:\n        pass",
        # quay 3f8d7acdf7f9: outside the migration's transaction
        f"    with op.get_context().autocommit_block():\n        {INDEX}",
    ],
    ids=["inspector", "dialect", "loop", "try", "autocommit_block"],
)
def test_am101_quiet_on_calls_a_test_or_loop_decides(lab, make_revision, upgrade: str) -> None:
    assert not _fires(lab, make_revision, upgrade)


def test_am101_still_fires_on_the_same_calls_unguarded(lab, make_revision) -> None:
    assert _fires(lab, make_revision, f"    {ADD}")
    assert _fires(lab, make_revision, f"    {INDEX}")
    # A `with` decides nothing: a batch block is autogenerate's own shape.
    batch = (
        "    with op.batch_alter_table('manifest') as b:\n        b.add_column(sa.Column('c', sa.Boolean))"
    )
    assert _fires(lab, make_revision, batch)


def test_am101_fires_on_the_unguarded_call_beside_a_dialect_branch(lab, make_revision) -> None:
    """quay ba263f9be4a6: the MySQL-only foreign key steps had to be written by hand; the index made
    non-unique between them is one autogenerate writes, with `unique=`."""
    up = (
        "    if op.get_bind().engine.name == 'mysql':\n"
        "        op.drop_constraint('fk_policy_namespace', 'policy', type_='foreignkey')\n"
        "    op.drop_index('policy_namespace_id', table_name='policy')\n"
        "    op.create_index('policy_namespace_id', 'policy', ['namespace_id'])\n"
        "    if op.get_bind().engine.name == 'mysql':\n"
        "        op.create_foreign_key('fk_policy_namespace', 'policy', 'user', ['namespace_id'], ['id'])"
    )
    text = make_revision("b2", None, upgrade=up, downgrade="    pass")
    finding = lab.one(text, "AM101")
    assert finding.span.line == text.splitlines().index(
        "    op.create_index('policy_namespace_id', 'policy', ['namespace_id'])"
    )


# -- calls autogenerate never writes ---------------------------------------------------------


@pytest.mark.parametrize(
    "upgrade",
    [
        # a cast autogenerate cannot write: it renders type_=, never the USING clause
        "    op.alter_column('t', 'status', type_=sa.Integer(), postgresql_using='status::integer')",
        # guards written into the call: autogenerate's comparison never sets them
        "    op.create_index('ix_t_c', 't', ['c'], if_not_exists=True)",
        "    op.drop_index('ix_t_c', if_exists=True)",
        # lemur ce547319f7be: a primary key added to an existing table; autogenerate never changes a
        # primary key, it would write the column without it
        "    op.add_column(TABLE, sa.Column('id', sa.Integer, primary_key=True, autoincrement=True))",
    ],
    ids=["postgresql_using", "if_not_exists", "if_exists", "primary_key_column"],
)
def test_am101_quiet_on_calls_autogenerate_never_writes(lab, make_revision, upgrade: str) -> None:
    assert not _fires(lab, make_revision, upgrade)


def test_am101_quiet_on_the_reverse_of_a_constraint_made_by_hand(lab, make_revision) -> None:
    """ckan's tracking 6313f7679d5f: create_primary_key up (never autogenerate's), and down the
    drop_constraint of that name without `type_=`."""
    up = "    op.create_primary_key('tracking_raw_pkey', 'tracking_raw', ['user_key', 'url'])"
    down = "    op.drop_constraint('tracking_raw_pkey', 'tracking_raw')"
    assert not _fires(lab, make_revision, up, down)
    # Undoing a unique constraint, one autogenerate writes, is still a hand's work without `type_=`.
    unique = "    op.create_unique_constraint('uq_dest', 'assoc', ['notification_id', 'certificate_id'])"
    assert _fires(lab, make_revision, unique, "    op.drop_constraint('uq_dest', 'assoc')")


# -- data migrations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upgrade", "downgrade"),
    [
        # dispatch ceaf01079f4f, the rule book's own example: fill the NULLs, then NOT NULL
        (
            "    op.execute(\"UPDATE search_filter SET expression = '[]' WHERE expression is null\")\n"
            "    op.alter_column('search_filter', 'expression', nullable=False)",
            "    op.alter_column('search_filter', 'expression', nullable=True)",
        ),
        # lemur 449c3d5c7299: remove the duplicates, then make the pair unique
        (
            "    connection = op.get_bind()\n"
            "    connection.execute('DELETE FROM assoc WHERE ctid NOT IN (SELECT min(ctid) FROM assoc"
            " GROUP BY a, b)')\n"
            "    op.create_unique_constraint('uq_assoc', 'assoc', ['a', 'b'])",
            "    op.drop_constraint('uq_assoc', 'assoc')",
        ),
        # redash 98af61feea92: add, copy row by row, drop the old column, then NOT NULL
        (
            "    op.add_column('data_sources', sa.Column('encrypted_options', BYTEA(), nullable=True))\n"
            "    data_sources = table('data_sources', sa.Column('id', sa.Integer, primary_key=True))\n"
            "    conn = op.get_bind()\n"
            "    for ds in conn.execute(data_sources.select()):\n"
            "        conn.execute(\n"
            "            data_sources.update().where(data_sources.c.id == ds.id)"
            ".values(encrypted_options=ds.options)\n"
            "        )\n"
            "    op.drop_column('data_sources', 'options')\n"
            "    op.alter_column('data_sources', 'encrypted_options', nullable=False)",
            "    pass",
        ),
        # a copy into the new column with INSERT ... SELECT
        (
            "    op.create_table('tag2', sa.Column('id', sa.Integer, primary_key=True))\n"
            "    op.execute('INSERT INTO tag2 (id) SELECT id FROM tag')",
            "    op.drop_table('tag2')",
        ),
    ],
    ids=["backfill_then_not_null", "dedup_then_unique", "copy_then_drop", "insert_select"],
)
def test_am101_quiet_on_a_data_migration(lab, make_revision, upgrade: str, downgrade: str) -> None:
    assert not _fires(lab, make_revision, upgrade, downgrade)


def test_am101_fires_where_rows_are_only_seeded(lab, make_revision) -> None:
    """quay e9f3e4dbb979: tables typed by hand (`sa.Integer` uncalled), then seed rows for them;
    seeding new rows migrates no data, and autogenerate would have written the tables."""
    create = "    op.create_table('quotatype', sa.Column('id', sa.Integer, nullable=False))\n"
    assert _fires(lab, make_revision, create + "    op.bulk_insert(quotatype, [{'name': 'Warning'}])")
    assert _fires(
        lab, make_revision, create + "    op.execute(\"INSERT INTO quotatype (name) VALUES ('Reject')\")"
    )


# -- no MetaData for autogenerate ------------------------------------------------------------

# ckan's example_database_migrations: the env.py `alembic init` writes, target_metadata left None.
ENV_WITHOUT_METADATA = """\
from alembic import context

config = context.config
target_metadata = None


def run_migrations_online():
    context.configure(connection=connection, target_metadata=target_metadata)
"""
BY_HAND = {
    "upgrade": "    op.create_table('example_x', sa.Column('xid', sa.Integer, primary_key=True))",
    "downgrade": "    op.drop_table('example_x')",
}


def test_am101_quiet_in_a_project_whose_env_gives_autogenerate_no_metadata(write_history) -> None:
    history = write_history(("r0", None, BY_HAND), ("r1", "r0", BY_HAND))
    assert len(history.findings(codes=["AM101"])) == 2  # a young history is held to the rule book
    (history.root / "migrations" / "env.py").write_text(ENV_WITHOUT_METADATA, encoding="utf-8")
    assert history.findings(codes=["AM101"]) == []


@pytest.mark.parametrize(
    ("env", "offers_none"),
    [
        (ENV_WITHOUT_METADATA, True),
        ("context.configure(connection=connection, target_metadata=None)\n", True),
        ("context.configure(connection=connection)\n", True),  # Alembic's default is None
        # ckan's own: the models' MetaData, imported
        (
            "from ckan.model.meta import metadata\ntarget_metadata = metadata\n"
            "context.configure(connection=c, target_metadata=target_metadata)\n",
            False,
        ),
        # None at first, set when the app is loaded
        (
            "target_metadata = None\ndef load():\n    global target_metadata\n"
            "    target_metadata = db.metadata\ncontext.configure(target_metadata=target_metadata)\n",
            False,
        ),
        ("context.configure(**options)\n", False),  # unknown until it runs
        ("import alembic\n", False),  # never configures: not an env.py to judge
    ],
    ids=["name_bound_to_none", "none", "not_passed", "models", "set_later", "options", "no_configure"],
)
def test_env_offers_no_metadata_only_when_sure(tmp_path: Path, env: str, offers_none: bool) -> None:
    path = tmp_path / "env.py"
    path.write_text(env, encoding="utf-8")
    assert offers_no_metadata(path) is offers_none
    assert offers_no_metadata(tmp_path / "missing.py") is False

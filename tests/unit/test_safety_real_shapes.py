"""Safety and code rules on real shapes they misjudged (issue 15): AM406 on a column already NOT NULL,
AM501's message outside upgrade()."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from alembic_ls.settings import Settings

UNSET = "    op.alter_column('user', 'name', existing_type=sa.String(), nullable=True)"


def test_am406_quiet_when_the_column_is_already_not_null(lab, make_revision: Callable[..., str]) -> None:
    """autogenerate restates `nullable=False` beside a type change of a NOT NULL column."""
    up = (
        "    op.alter_column('user', 'name', existing_type=sa.String(64), type_=sa.String(128),\n"
        "                    existing_nullable=False, nullable=False)"
    )
    assert "AM406" not in lab.codes(make_revision("b2", None, upgrade=up, downgrade=UNSET))
    still = up.replace("existing_nullable=False", "existing_nullable=True")
    assert "AM406" in lab.codes(make_revision("b2", None, upgrade=still, downgrade=UNSET))


def test_am501_in_downgrade_names_downgrade(lab, make_revision: Callable[..., str]) -> None:
    down = "    op.drop_column('post', 'subtitle', type_=sqlmodel.AutoString())"
    finding = lab.one(make_revision("b2", None, upgrade="    pass", downgrade=down), "AM501")
    assert "`alembic downgrade` stops here with NameError" in finding.message
    assert "upgrade" not in finding.message.split("NameError")[0]


def test_am501_at_module_level_stops_every_command(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None).replace(
        "depends_on = None", "depends_on = None\nTYPE = sqlmodel.AutoString"
    )
    finding = lab.one(text, "AM501")
    assert "every alembic command stops loading this revision here" in finding.message


def test_am501_in_upgrade_still_names_upgrade(lab, make_revision: Callable[..., str]) -> None:
    up = "    op.add_column('post', sa.Column('subtitle', sqlmodel.AutoString(), nullable=True))"
    finding = lab.one(make_revision("b2", None, upgrade=up), "AM501")
    assert "`alembic upgrade` stops here with NameError" in finding.message


def test_am501_reports_a_name_once_per_function_where_it_stops_it(
    lab, make_revision: Callable[..., str]
) -> None:
    """quay 8a70b8777089: `UTF8LongText` used three times in downgrade(); the first use stops it."""
    column = "    op.add_column('{0}', sa.Column('body', UTF8LongText(), nullable=True))"
    down = "\n".join(column.format(table) for table in ("post", "page", "note"))
    up = column.format("draft")
    findings = [
        f for f in lab.check(make_revision("b2", None, upgrade=up, downgrade=down)) if f.code == "AM501"
    ]
    assert len(findings) == 2  # upgrade() stops at its use, downgrade() at its first
    downgrade = next(f for f in findings if "`alembic downgrade` stops here" in f.message)
    assert "used again on lines" in downgrade.message and len(downgrade.related) == 2
    assert downgrade.span.line < min(span.line for _path, span, _note in downgrade.related)


CTFD_BRANCHES = """\
    bind = op.get_bind()
    url = str(bind.engine.url)
    if url.startswith("mysql"):
        op.drop_constraint("awards_ibfk_1", "awards", type_="foreignkey")
        op.create_foreign_key("awards_ibfk_1", "awards", "teams", ["team_id"], ["id"])
    elif url.startswith("postgres"):
        op.drop_constraint("awards_team_id_fkey", "awards", type_="foreignkey")
        op.create_foreign_key("awards_team_id_fkey", "awards", "teams", ["team_id"], ["id"])"""


def test_postgresql_rules_skip_ops_in_another_databases_branch(
    lab, make_revision: Callable[..., str]
) -> None:
    """CTFd b295b033364d: the MySQL branch's foreign keys were reported as PostgreSQL lock hazards."""
    text = make_revision("b2", None, upgrade=CTFD_BRANCHES, downgrade="    pass")
    findings = [f for f in lab.check(text) if f.code == "AM404"]
    assert [text.splitlines()[f.span.line].strip()[:40] for f in findings] == [
        'op.create_foreign_key("awards_team_id_fk'
    ]


@pytest.mark.parametrize(
    "test",
    [
        'op.get_bind().dialect.name == "mysql"',
        'op.get_context().dialect.name != "postgresql"',
        'bind.dialect.name in ("mysql", "mariadb")',
        'not bind.dialect.name == "postgresql"',
        '"sqlite" in str(bind.engine.url)',
        'dialect == "sqlite"',
        'bind.engine.name == "mysql"',  # quay 2d66ad598b56: Engine.name is the dialect's
    ],
)
def test_dialect_tests_that_exclude_postgresql(lab, make_revision: Callable[..., str], test: str) -> None:
    up = f"    if {test}:\n        op.alter_column('t', 'c', existing_type=sa.Integer(), type_=sa.String())"
    assert "AM405" not in lab.codes(make_revision("b2", None, upgrade=up, downgrade="    pass"))


@pytest.mark.parametrize(
    "test",
    [
        'op.get_bind().dialect.name == "postgresql"',
        'op.get_context().dialect.name != "sqlite"',
        "some_flag",  # not about the database: judged as if unconditional
        'bind.dialect.name == "postgresql" or other',  # not read: judged as if unconditional
    ],
)
def test_dialect_tests_that_keep_postgresql(lab, make_revision: Callable[..., str], test: str) -> None:
    up = f"    if {test}:\n        op.alter_column('t', 'c', existing_type=sa.Integer(), type_=sa.String())"
    assert "AM405" in lab.codes(make_revision("b2", None, upgrade=up, downgrade="    pass"))


def test_the_else_branch_of_a_postgresql_test_never_runs_on_postgresql(
    lab, make_revision: Callable[..., str]
) -> None:
    up = (
        "    if op.get_bind().dialect.name == 'postgresql':\n        pass\n    else:\n"
        "        op.alter_column('t', 'c', existing_type=sa.Integer(), type_=sa.String())"
    )
    assert "AM405" not in lab.codes(make_revision("b2", None, upgrade=up, downgrade="    pass"))


IS_POSTGRES = (
    'def is_postgres():\n    """Which database."""\n'
    '    return op.get_context().dialect.name == "postgresql"\n\n\n'
)


@pytest.mark.parametrize(
    ("test", "fires"),
    [
        ("if is_postgres():\n        pass\n    else:", False),
        ("if not is_postgres():", False),
        ("if is_postgres():", True),
    ],
)
def test_a_helper_that_tests_the_database_guards_like_the_test(
    lab, make_revision: Callable[..., str], test: str, fires: bool
) -> None:
    """mealie: `def is_postgres(): return op.get_context().dialect.name == "postgresql"`, then
    `if is_postgres(): ... else: <SQLite's way>`: the else branch never runs on PostgreSQL."""
    up = f"    {test}\n        op.alter_column('t', 'c', existing_type=sa.Integer(), type_=sa.String())"
    text = make_revision("b2", None, upgrade=up, downgrade="    pass").replace(
        "def upgrade()",
        IS_POSTGRES + "def upgrade()",
    )
    assert ("AM405" in lab.codes(text)) is fires


def test_module_constants_name_tables_in_messages_and_logic(lab, make_revision: Callable[..., str]) -> None:
    """neutron: `PF_TABLE_NAME = 'portforwardings'` then `op.add_column(PF_TABLE_NAME, ...)`."""
    text = make_revision(
        "b2",
        None,
        upgrade="    op.add_column(PF_TABLE_NAME, sa.Column('ip', sa.String(64), nullable=False))",
        downgrade="    op.drop_column(PF_TABLE_NAME, 'ip')",
    ).replace("depends_on = None", "depends_on = None\nPF_TABLE_NAME = 'portforwardings'")
    finding = lab.one(text, "AM401")
    assert "to `portforwardings`" in finding.message


@pytest.mark.parametrize(
    ("expression", "name"),
    [
        ("f'uniq_{TABLE}0{COLUMN}'", "uniq_ha_router_networks0project_id"),  # neutron 682c319773d7
        ("'uniq_%s0standard_attr_id' % TABLE", "uniq_ha_router_networks0standard_attr_id"),  # 26d1e9f5c766
        ("'uniq_%s0%s' % (TABLE, COLUMN)", "uniq_ha_router_networks0project_id"),
        ("'uniq_' + TABLE", "uniq_ha_router_networks"),
    ],
)
def test_names_built_from_module_constants_are_shown_built(
    lab, make_revision: Callable[..., str], expression: str, name: str
) -> None:
    up = f"    op.create_unique_constraint({expression}, TABLE, [COLUMN])"
    text = make_revision("b2", None, upgrade=up, downgrade="    pass").replace(
        "depends_on = None", "depends_on = None\nTABLE = 'ha_router_networks'\nCOLUMN = 'project_id'"
    )
    finding = lab.one(text, "AM411")
    assert f"unique constraint `{name}` to existing table `ha_router_networks`" in finding.message


@pytest.mark.parametrize(
    "expression",
    ["f'uniq_{table}'", "'uniq_%s' % table", "'uniq_%d' % TABLE", "f'uniq_{TABLE!r}'", "f'{TABLE:>9}'"],
)
def test_names_built_from_anything_else_are_shown_as_written(
    lab, make_revision: Callable[..., str], expression: str
) -> None:
    up = f"    op.create_unique_constraint({expression}, TABLE, ['project_id'])"
    text = make_revision("b2", None, upgrade=up, downgrade="    pass").replace(
        "depends_on = None", "depends_on = None\nTABLE = 'ha_router_networks'"
    )
    assert f"`{expression}`" in lab.one(text, "AM411").message


def test_a_name_bound_twice_is_not_a_constant(lab, make_revision: Callable[..., str]) -> None:
    up = (
        "    for TABLE in ('a', 'b'):\n"
        "        op.add_column(TABLE, sa.Column('x', sa.String(), nullable=False))"
    )
    text = make_revision("b2", None, upgrade=up).replace(
        "depends_on = None", "depends_on = None\nTABLE = 'user'"
    )
    finding = lab.one(text, "AM401")
    assert "to `TABLE`" in finding.message  # the expression as written, never `user`, never `?`


def test_unnamed_objects_are_called_unnamed(lab, make_revision: Callable[..., str]) -> None:
    """CTFd 336b8c601b94: `op.create_foreign_key(None, "challenges", ...)` said "foreign key `?`"."""
    up = (
        '    op.create_foreign_key(None, "challenges", "modules", ["module_id"], ["id"], ondelete="SET NULL")'
    )
    finding = lab.one(make_revision("b2", None, upgrade=up), "AM404")
    assert finding.message.startswith("Adds an unnamed foreign key to existing table `challenges`")


def test_loop_variables_are_shown_as_written(lab, make_revision: Callable[..., str]) -> None:
    """ckan 008: `for table in foreign_tables: op.drop_column(table, 'revision_id')`."""
    up = "    for table in foreign_tables:\n        op.drop_column(table, 'revision_id')"
    finding = lab.one(make_revision("b2", None, upgrade=up), "AM408")
    assert "Drops column `revision_id` of the table named by `table`" in finding.message


ADD_SOCKET = (
    "    op.add_column('portforwardings', sa.Column('internal_ip_address', sa.String(64), nullable=True))\n"
)
DROP_SOCKET = "    op.drop_column('portforwardings', 'socket')\n"
SOCKET_BACK = "    op.add_column('portforwardings', sa.Column('socket', sa.String(64), nullable=True))"


def test_am402_still_fires_for_a_bare_drop_and_add(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None, upgrade=ADD_SOCKET + DROP_SOCKET, downgrade=SOCKET_BACK)
    assert "AM402" in lab.codes(text)


def test_am402_quiet_when_a_data_step_runs_between(lab, make_revision: Callable[..., str]) -> None:
    """neutron I43e0b669096: add the new columns, `migrate_values()`, then drop the old ones."""
    up = ADD_SOCKET + "    migrate_values()\n" + DROP_SOCKET
    assert "AM402" not in lab.codes(make_revision("b2", None, upgrade=up, downgrade=SOCKET_BACK))
    sql = (
        ADD_SOCKET
        + "    op.execute('UPDATE portforwardings SET internal_ip_address = split_part(socket, 1)')\n"
    )
    assert "AM402" not in lab.codes(
        make_revision("b2", None, upgrade=sql + DROP_SOCKET, downgrade=SOCKET_BACK)
    )


def test_am402_quiet_when_a_comment_says_the_drop_is_on_purpose(
    lab, make_revision: Callable[..., str]
) -> None:
    up = (
        ADD_SOCKET
        + "\n    # socket is replaced by the address and port range columns; no data to keep\n"
        + DROP_SOCKET
    )
    assert "AM402" not in lab.codes(make_revision("b2", None, upgrade=up, downgrade=SOCKET_BACK))


def test_am402_pairs_the_closest_names(lab, make_revision: Callable[..., str]) -> None:
    """pepys-import 4899e94653f1: `table` -> `destination_table`, `chars` -> `text`, added the other way."""
    up = (
        "    op.add_column('extractions', sa.Column('destination_table', sa.String(150), nullable=True))\n"
        "    op.add_column('extractions', sa.Column('text', sa.String(150), nullable=True))\n"
        "    op.drop_column('extractions', 'chars')\n"
        "    op.drop_column('extractions', 'table')\n"
    )
    down = (
        "    op.add_column('extractions', sa.Column('table', sa.String(150), nullable=True))\n"
        "    op.add_column('extractions', sa.Column('chars', sa.String(150), nullable=True))"
    )
    messages = [
        f.message
        for f in lab.check(make_revision("b2", None, upgrade=up, downgrade=down))
        if f.code == "AM402"
    ]
    assert [m.split(" of a ")[0] for m in messages] == [
        "Drops `extractions.chars` and adds `text` (line 21)",
        "Drops `extractions.table` and adds `destination_table` (line 20)",
    ]


def test_am405_quiet_on_a_type_defined_outside_sqlalchemy(lab, make_revision: Callable[..., str]) -> None:
    """quay 654e6df88b71: `UTF8LongText` is a TypeDecorator whose `impl` is TEXT on PostgreSQL; what
    a project's own type is in the database is decided by code the analysis does not run."""
    up = "    op.alter_column('manifest', 'manifest_bytes', existing_type=sa.Text(), type_=UTF8LongText())"
    text = make_revision("b2", None, upgrade=up, downgrade="    pass")
    imported = text.replace(
        "import sqlalchemy as sa\n", "import sqlalchemy as sa\nfrom util.migrate import UTF8LongText\n"
    )
    assert "AM405" not in lab.codes(imported)
    # Imported from SQLAlchemy itself, the type is known, and TEXT to BIGINT rewrites.
    from_sqlalchemy = text.replace("UTF8LongText()", "BigInteger()").replace(
        "import sqlalchemy as sa\n", "import sqlalchemy as sa\nfrom sqlalchemy import BigInteger\n"
    )
    assert "AM405" in lab.codes(from_sqlalchemy)


def test_am405_reads_the_old_type_from_the_downgrade(lab, make_revision: Callable[..., str]) -> None:
    """lemur 5ae0ecefb01f: `type_=sa.TEXT()` with no existing_type; the downgrade restores VARCHAR(128)."""
    up = "    op.alter_column('pending_certs', 'status', type_=sa.TEXT())"
    down = "    op.alter_column('pending_certs', 'status', type_=sa.VARCHAR(length=128))"
    assert "AM405" not in lab.codes(make_revision("b2", None, upgrade=up, downgrade=down))
    narrowing = make_revision("b2", None, upgrade=down, downgrade=up)
    assert "from `sa.TEXT()`" in lab.one(narrowing, "AM405").message


def test_am405_reads_the_old_type_from_history(write_history) -> None:
    create = "    op.create_table('reminders', sa.Column('message', sa.String(128)))"
    change = "    op.alter_column('reminders', 'message', type_=sa.Text())"
    history = write_history(
        ("a1", None, {"upgrade": create}), ("b2", "a1", {"upgrade": change, "downgrade": "    pass"})
    )
    assert history.findings(Settings(dialect="postgresql"), codes=["AM405"]) == []


def test_am202_matches_names_under_a_naming_convention(lab, make_revision: Callable[..., str]) -> None:
    """indico: `ck_%(table_name)s_%(constraint_name)s` — upgrade creates 'positive_duration', the
    downgrade drops the full name Alembic gave it."""
    up = "    op.create_check_constraint('positive_duration', 'contributions', 'duration > 0')"
    down = "    op.drop_constraint('ck_contributions_positive_duration', 'contributions')"
    assert "AM202" not in lab.codes(make_revision("b2", None, upgrade=up, downgrade=down))
    other = "    op.drop_constraint('ck_contributions_other', 'contributions')"
    assert "AM202" in lab.codes(make_revision("b2", None, upgrade=up, downgrade=other))
    index_up = "    op.create_index('slug', 'post', ['slug'])"
    index_down = "    op.drop_index('ix_post_slug', table_name='post')"
    assert "AM202" not in lab.codes(make_revision("b2", None, upgrade=index_up, downgrade=index_down))


@pytest.mark.parametrize(
    ("up", "down"),
    [
        (  # dispatch 01aa49ca0470: a reference and a plain value
            "    op.add_column('rule', sa.Column('window', sa.Integer(), nullable=True))\n"
            "    op.drop_column('rule', 'creator_id')",
            "    op.add_column('rule', sa.Column('creator_id', sa.Integer(), nullable=True))",
        ),
        (  # pepys-import d33214dcb984: the new column points at a table this upgrade creates
            "    op.create_table('serials', sa.Column('serial_id', sa.Integer(), primary_key=True))\n"
            "    op.add_column('geometries', sa.Column('serial_id', sa.Integer(), nullable=True))\n"
            "    op.create_foreign_key('fk', 'geometries', 'serials', ['serial_id'], ['serial_id'])\n"
            "    op.drop_column('geometries', 'task_id')",
            "    op.add_column('geometries', sa.Column('task_id', sa.Integer(), nullable=True))",
        ),
        (  # ckan 074: what the old column pointed at is dropped
            "    op.add_column('resource', sa.Column('package_id', sa.UnicodeText(), nullable=True))\n"
            "    op.drop_column('resource', 'resource_group_id')\n"
            "    op.drop_table('resource_group')",
            "    op.add_column('resource', sa.Column('resource_group_id', sa.UnicodeText(), nullable=True))",
        ),
    ],
)
def test_am402_quiet_when_the_columns_point_at_different_things(
    lab, make_revision: Callable[..., str], up: str, down: str
) -> None:
    assert "AM402" not in lab.codes(make_revision("b2", None, upgrade=up, downgrade=down))


def test_am202_a_readded_column_may_clear_its_temporary_default(
    lab, make_revision: Callable[..., str]
) -> None:
    """indico 7024f7f66e20: downgrade re-adds `uses_vc` NOT NULL with a default for the rows that exist,
    then clears the default. That alteration re-creates the column; it undoes nothing."""
    up = "    op.drop_column('reservations', 'uses_vc')"
    down = (
        "    op.add_column('reservations', sa.Column('uses_vc', sa.Boolean(), nullable=False,"
        " server_default='false'))\n"
        "    op.alter_column('reservations', 'uses_vc', server_default=None)"
    )
    assert "AM202" not in lab.codes(make_revision("b2", None, upgrade=up, downgrade=down))


def test_am202_a_check_goes_with_the_column_it_names(lab, make_revision: Callable[..., str]) -> None:
    """indico 281d849bc4df: the check names `show_if_id`; dropping that column drops the check."""
    up = (
        "    op.add_column('form_items', sa.Column('show_if_id', sa.Integer(), nullable=True))\n"
        "    op.create_check_constraint('no_conditional_sections', 'form_items',"
        " 'show_if_id IS NULL OR type IN (2, 5, 3)')"
    )
    down = "    op.drop_column('form_items', 'show_if_id')"
    assert "AM202" not in lab.codes(make_revision("b2", None, upgrade=up, downgrade=down))
    unrelated = up.replace("show_if_id IS NULL OR ", "")
    assert "AM202" in lab.codes(make_revision("b2", None, upgrade=unrelated, downgrade=down))


def test_constraint_names_held_in_variables_are_said_to_be_variables(
    lab, make_revision: Callable[..., str]
) -> None:
    """ckan 016: `for table in tables: op.create_primary_key(table + '_pkey', table, ['id'])`."""
    up = "    for table in tables:\n        op.create_primary_key(table + '_pkey', table, ['id'])"
    finding = lab.one(make_revision("b2", None, upgrade=up, downgrade="    pass"), "AM411")
    assert finding.message.startswith(
        "Adds a primary key named by `table + '_pkey'` to the existing table named by `table`:"
    )


def test_tables_held_in_variables_are_said_to_be_variables_when_dropped(
    lab, make_revision: Callable[..., str]
) -> None:
    """ckan 016: `for table in continuity: op.drop_column(table, 'continuity_id')` said "Drops column
    `table.continuity_id`", as if a table were called `table`."""
    up = "    for table in continuity:\n        op.drop_column(table, 'continuity_id')"
    finding = lab.one(make_revision("b2", None, upgrade=up, downgrade="    pass"), "AM408")
    assert finding.message.startswith("Drops column `continuity_id` of the table named by `table`:")
    up = "    for table in continuity:\n        op.drop_table(table)"
    finding = lab.one(make_revision("b2", None, upgrade=up, downgrade="    pass"), "AM408")
    assert finding.message.startswith("Drops the table named by `table`:")


def test_a_column_dropped_and_added_back_in_a_loop_keeps_its_name(
    lab, make_revision: Callable[..., str]
) -> None:
    """ckan 018: `for table in tables: drop_column(table, 'license_id'); add_column(table, ...)` said
    code "fails on its next query" (judged wrong): the name comes straight back, the values do not."""
    up = (
        "    for table in tables:\n"
        "        op.drop_column(table, 'license_id')\n"
        "        op.add_column(table, sa.Column('license_id', sa.UnicodeText))"
    )
    finding = lab.one(make_revision("b2", None, upgrade=up, downgrade="    pass"), "AM408")
    assert finding.message.startswith(
        "Drops column `license_id` of the table named by `table` and adds it back under the same name"
    )
    other = up.replace("op.add_column(table,", "op.add_column(other,")
    finding = lab.one(make_revision("b2", None, upgrade=other, downgrade="    pass"), "AM408")
    assert "fails on its next query" in finding.message


def test_a_column_held_in_a_variable_is_said_to_be_one(lab, make_revision: Callable[..., str]) -> None:
    """ckan 016: `op.drop_column(table, column)` said "Drops column `column`"."""
    up = "    for table, column in pairs:\n        op.drop_column(table, column)"
    finding = lab.one(make_revision("b2", None, upgrade=up, downgrade="    pass"), "AM408")
    assert finding.message.startswith("Drops the column named by `column` of the table named by `table`:")


def test_a_wide_percent_format_is_not_built(lab, make_revision: Callable[..., str]) -> None:
    """Bad input never costs the server its memory: `'%999999999s' % TABLE` is shown as written."""
    up = "    op.create_unique_constraint('%999999999s' % TABLE, TABLE, ['id'])"
    text = make_revision("b2", None, upgrade=up, downgrade="    pass").replace(
        "depends_on = None", "depends_on = None\nTABLE = 'users'"
    )
    assert "named by `'%999999999s' % TABLE`" in lab.one(text, "AM411").message

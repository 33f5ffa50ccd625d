"""AM104 reads the table a bulk_insert seeds through the variable that holds it (quay 7a525c68eb13,
d17c695859ea; neutron e4e236b0e1ff, e88badaa9591): rows for a table the same function creates are
its first content, rows for a table that was already there are still a data change to explain."""

from __future__ import annotations

from collections.abc import Callable

IMPORTS = "from alembic import op\nimport sqlalchemy as sa\nfrom sqlalchemy.sql import column, table\n"

CREATE_TAGKIND = (
    "    op.create_table(\n"
    "        'tagkind',\n"
    "        sa.Column('id', sa.Integer(), nullable=False),\n"
    "        sa.Column('name', sa.String(length=255), nullable=False),\n"
    "    )\n"
)
# quay's shape: a lightweight table() naming the table, then the rows.
SEED_TAGKIND = (
    "    tagkind_table = table(\n"
    "        'tagkind',\n"
    "        column('id', sa.Integer()),\n"
    "        column('name', sa.String()),\n"
    "    )\n"
    "\n"
    "    op.bulk_insert(\n"
    "        tagkind_table,\n"
    "        [{'id': 1, 'name': 'tag'}, {'id': 2, 'name': 'release'}],\n"
    "    )"
)
BULK_INSERT = "    op.bulk_insert("


def _am104_lines(lab, text: str) -> list[int]:
    return [f.span.line for f in lab.check(text) if f.code == "AM104"]


def _lines_of(text: str, fragment: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines()) if line.startswith(fragment)]


def test_a_table_variable_seeding_the_table_upgrade_creates_is_quiet(
    lab, make_revision: Callable[..., str]
) -> None:
    text = make_revision(
        "b2",
        None,
        upgrade=CREATE_TAGKIND + "\n" + SEED_TAGKIND,
        downgrade="    op.drop_table('tagkind')",
        imports=IMPORTS,
    )
    assert _am104_lines(lab, text) == []


def test_a_table_variable_for_a_table_that_exists_still_fires(lab, make_revision: Callable[..., str]) -> None:
    # The same table() shape over `logentrykind`, which this revision does not create.
    seed = SEED_TAGKIND.replace("'tagkind'", "'logentrykind'")
    text = make_revision(
        "b2",
        None,
        upgrade=CREATE_TAGKIND + "\n" + seed,
        downgrade="    op.drop_table('tagkind')",
        imports=IMPORTS,
    )
    assert _am104_lines(lab, text) == _lines_of(text, BULK_INSERT)


def test_the_table_op_create_table_returns_is_the_created_one(lab, make_revision: Callable[..., str]) -> None:
    # neutron: `subnetpool_rbacs = op.create_table('subnetpoolrbacs', sa.MetaData(), ...)`, then
    # `op.bulk_insert(subnetpool_rbacs, get_rbac_policies_for_shared_subnetpools())`.
    up = (
        "    rbacs = op.create_table(\n"
        "        'subnetpoolrbacs', sa.MetaData(),\n"
        "        sa.Column('id', sa.String(length=36), nullable=False),\n"
        "        sa.Column('object_id', sa.String(length=36), nullable=False),\n"
        "    )\n"
        "    op.alter_column('subnetpools', 'shared', server_default=sa.false())\n"
        "\n"
        "    op.bulk_insert(rbacs, shared_subnetpool_policies())"
    )
    text = make_revision("b2", None, upgrade=up, downgrade="    op.drop_table('subnetpoolrbacs')")
    assert _am104_lines(lab, text) == []


def test_a_downgrade_seeding_the_tables_it_re_creates_is_quiet(
    lab, make_revision: Callable[..., str]
) -> None:
    # quay d17c695859ea: upgrade() drops the lookup table, downgrade() creates it again with its rows.
    text = make_revision(
        "b2",
        None,
        upgrade="    op.drop_table('tagkind')",
        downgrade=CREATE_TAGKIND + "\n" + SEED_TAGKIND,
        imports=IMPORTS,
    )
    assert _am104_lines(lab, text) == []


def test_the_last_assignment_above_the_insert_is_the_table(lab, make_revision: Callable[..., str]) -> None:
    # The name is reused for a table that exists: the rows go there.
    rebound = SEED_TAGKIND.replace("\n\n", "\n    tagkind_table = table('logentrykind', column('name'))\n")
    text = make_revision(
        "b2",
        None,
        upgrade=CREATE_TAGKIND + rebound,
        downgrade="    op.drop_table('tagkind')",
        imports=IMPORTS,
    )
    assert _am104_lines(lab, text) == _lines_of(text, BULK_INSERT)
    # Assigned something else than a table: which table the rows go to is not known.
    unknown = text.replace("table('logentrykind', column('name'))", "pick_table()")
    assert _am104_lines(lab, unknown) == _lines_of(unknown, BULK_INSERT)


def test_a_module_level_table_variable_is_read_in_the_functions(
    lab, make_revision: Callable[..., str]
) -> None:
    text = make_revision(
        "b2",
        None,
        upgrade=CREATE_TAGKIND + "    op.bulk_insert(kinds, [{'id': 1, 'name': 'tag'}])",
        downgrade="    op.drop_table('tagkind')",
        imports=IMPORTS + "\nkinds = table('tagkind', column('id'), column('name'))\n",
    )
    assert _am104_lines(lab, text) == []
    existing = text.replace("kinds = table('tagkind'", "kinds = table('logentrykind'")
    assert _am104_lines(lab, existing) == _lines_of(existing, BULK_INSERT)

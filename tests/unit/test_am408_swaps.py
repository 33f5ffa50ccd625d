"""AM408 and a swap (issue 15, real shapes from full-stack-fastapi-template, dispatch, quay,
privacyidea): the dropped column or table gets its name back from a later rename in the same
upgrade, after the rows were copied across; code using the name keeps working."""

from __future__ import annotations

from collections.abc import Callable

COLUMN_SWAP = (
    "    op.add_column('item', sa.Column('new_owner_id', sa.Uuid(), nullable=True))\n"
    "    op.execute('UPDATE item SET new_owner_id = owner_uuid(owner_id)')\n"
    "    op.drop_column('item', 'owner_id')\n"
    "    op.alter_column('item', 'new_owner_id', new_column_name='owner_id')"
)
TABLE_SWAP = (
    "    op.create_table('counter_new', sa.Column('id', sa.Integer(), primary_key=True))\n"
    "    op.execute('INSERT INTO counter_new SELECT * FROM counter')\n"
    "    op.drop_table('counter')\n"
    "    op.rename_table('counter_new', 'counter')"
)


def _am408(lab, make_revision: Callable[..., str], upgrade: str) -> int:
    return lab.codes(make_revision("b2", None, upgrade=upgrade)).count("AM408")


def test_a_column_swap_is_quiet(lab, make_revision) -> None:
    assert _am408(lab, make_revision, COLUMN_SWAP) == 0


def test_a_table_rebuild_under_the_same_name_is_quiet(lab, make_revision) -> None:
    assert _am408(lab, make_revision, TABLE_SWAP) == 0


def test_a_rename_to_another_name_is_no_swap(lab, make_revision) -> None:
    up = COLUMN_SWAP.replace("new_column_name='owner_id'", "new_column_name='owner'")
    assert _am408(lab, make_revision, up) == 1


def test_a_rename_before_the_drop_is_no_swap(lab, make_revision) -> None:
    """Renaming into the name first, then dropping it, drops the renamed column."""
    up = (
        "    op.alter_column('item', 'legacy', new_column_name='owner_id')\n"
        "    op.drop_column('item', 'owner_id')"
    )
    assert _am408(lab, make_revision, up) == 1


def test_the_same_column_name_on_another_table_is_no_swap(lab, make_revision) -> None:
    up = COLUMN_SWAP.replace("op.alter_column('item'", "op.alter_column('other'")
    assert _am408(lab, make_revision, up) == 1

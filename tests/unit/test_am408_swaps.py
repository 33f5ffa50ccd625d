"""AM408 and a swap (issue 15, real shapes from full-stack-fastapi-template, dispatch, quay,
privacyidea): the dropped column or table gets its name back from a later rename in the same
upgrade, after the rows were copied across; code using the name keeps working."""

from __future__ import annotations

from collections.abc import Callable

import pytest

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


RETYPE = (
    "    op.drop_column('queries', 'schedule')\n"
    "    op.add_column('queries', sa.Column('schedule', sa.Text(), nullable=False, server_default='{}'))"
)


def _am408_messages(lab, make_revision: Callable[..., str], upgrade: str) -> list[str]:
    return [f.message for f in lab.check(make_revision("b2", None, upgrade=upgrade)) if f.code == "AM408"]


def test_a_column_dropped_and_added_back_loses_its_values_not_its_name(lab, make_revision) -> None:
    """redash 640888ce445d: `schedule` dropped and added back as Text, a type change done as drop
    and add. The name survives, so nothing fails on it; what is lost is every value in it."""
    (message,) = _am408_messages(lab, make_revision, RETYPE)
    assert message.startswith("Drops column `queries.schedule` and adds it back under the same name")
    assert "the values do not" in message
    assert "fails on its next query" not in message


def test_a_batch_drop_and_add_back_is_the_same_shape(lab, make_revision) -> None:
    up = (
        "    with op.batch_alter_table('queries') as batch_op:\n"
        "        batch_op.drop_column('schedule')\n"
        "        batch_op.add_column(sa.Column('schedule', sa.Text(), nullable=True))"
    )
    (message,) = _am408_messages(lab, make_revision, up)
    assert "adds it back under the same name" in message


def test_a_table_dropped_and_created_again_loses_its_rows(lab, make_revision) -> None:
    up = (
        "    op.drop_table('counter')\n"
        "    op.create_table('counter', sa.Column('id', sa.Integer(), primary_key=True))"
    )
    (message,) = _am408_messages(lab, make_revision, up)
    assert message.startswith("Drops table `counter` and creates it again under the same name")


def test_an_add_on_another_table_or_name_is_no_recreation(lab, make_revision) -> None:
    for up in (
        RETYPE.replace("op.add_column('queries'", "op.add_column('other'"),
        RETYPE.splitlines()[0]
        + "\n    op.add_column('queries', sa.Column('owner_id', sa.Integer(), nullable=True))",
    ):
        (message,) = _am408_messages(lab, make_revision, up)
        assert "fails on its next query" in message, up


def test_a_column_added_then_dropped_is_still_no_drop_of_an_existing_one(lab, make_revision) -> None:
    assert _am408_messages(lab, make_revision, "\n".join(reversed(RETYPE.splitlines()))) == []


@pytest.mark.parametrize(
    "upgrade",
    [
        "    op.execute('ALTER TABLE queries DROP COLUMN schedule; '\n"
        "               'ALTER TABLE queries ADD COLUMN schedule text')",
        "    op.execute('ALTER TABLE queries DROP COLUMN schedule')\n"
        "    op.add_column('queries', sa.Column('schedule', sa.Text(), nullable=True))",
    ],
)
def test_sql_text_dropping_a_column_and_adding_it_back_loses_its_values(lab, make_revision, upgrade) -> None:
    (message,) = _am408_messages(lab, make_revision, upgrade)
    assert message.startswith("`op.execute` drops `queries.schedule`, and the upgrade adds it back")
    assert "fails on its next query" not in message


@pytest.mark.parametrize(
    "upgrade",
    [
        "    op.execute('ALTER TABLE queries ADD COLUMN schedule text; '\n"
        "               'ALTER TABLE queries DROP COLUMN schedule')",
        "    op.add_column('queries', sa.Column('schedule', sa.Text(), nullable=True))\n"
        "    op.execute('ALTER TABLE queries DROP COLUMN schedule')",
    ],
)
def test_sql_text_dropping_a_column_this_upgrade_added_is_quiet(lab, make_revision, upgrade) -> None:
    assert _am408_messages(lab, make_revision, upgrade) == []


def test_sql_text_dropping_another_column_still_reads_as_lost(lab, make_revision) -> None:
    up = (
        "    op.execute('ALTER TABLE queries DROP COLUMN schedule; ALTER TABLE queries ADD COLUMN cron text')"
    )
    (message,) = _am408_messages(lab, make_revision, up)
    assert "fails on its next query" in message

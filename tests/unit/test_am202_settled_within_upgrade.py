"""AM202 and what upgrade() takes back itself (issue 15, real shapes from pepys-import, quay,
privacyidea and redash): the object is there before and after, so downgrade() has nothing to undo."""

from __future__ import annotations

from collections.abc import Callable

ADD_X = "    op.add_column('{}', sa.Column('x', sa.Integer()))\n"
FK = "op.create_foreign_key('fk_s_p', 's', 'p', ['p_id'], ['id']{})"
REBUILD = (
    "    op.create_table('counter_new', sa.Column('id', sa.Integer(), primary_key=True))\n"
    "    op.execute('INSERT INTO counter_new SELECT * FROM counter')\n"
    "    op.drop_table('counter')\n"
    "    op.rename_table('counter_new', 'counter')"
)


def _am202(lab, make_revision: Callable[..., str], upgrade: str, downgrade: str) -> list[str]:
    text = make_revision("b2", None, upgrade=upgrade, downgrade=downgrade)
    return [f.message for f in lab.check(text) if f.code == "AM202"]


def test_a_constraint_re_created_under_its_name_is_settled(lab, make_revision) -> None:
    up = ADD_X.format("s") + "    op.drop_constraint('fk_s_p', 's', type_='foreignkey')\n    "
    up += FK.format(", ondelete='CASCADE'")
    assert _am202(lab, make_revision, up, "    op.drop_column('s', 'x')") == []


def test_a_table_rebuilt_and_renamed_into_place_is_settled(lab, make_revision) -> None:
    up = ADD_X.format("other") + REBUILD
    assert _am202(lab, make_revision, up, "    op.drop_column('other', 'x')") == []


def test_a_name_downgrade_handles_itself_is_still_judged(lab, make_revision) -> None:
    """quay ba263f9be4a6: downgrade() re-creates the unique index without dropping the new one."""
    up = "    op.drop_index('ix_a', 't')\n    op.create_index('ix_a', 't', ['a'])"
    down = "    op.create_index('ix_a', 't', ['a'], unique=True)"
    assert any("drops index ix_a" in m for m in _am202(lab, make_revision, up, down))


def test_nullable_true_with_nothing_known_before_is_not_a_change(lab, make_revision) -> None:
    """redash 7205816877ec restates nullable=True beside a type change."""
    up = "    op.alter_column('q', 'options', existing_type=sa.Text(), type_=JSONB(), nullable=True)"
    down = "    op.alter_column('q', 'options', existing_type=JSONB(), type_=sa.Text())"
    assert _am202(lab, make_revision, up, down) == []


def test_relaxing_not_null_is_not_asked_back(lab, make_revision) -> None:
    """quay 49e1138ed12d: columns made nullable for the new code; a downgrade that leaves them so
    works, and restoring NOT NULL would fail on the NULLs the new code wrote."""
    up = (
        "    op.alter_column('q', 'options', existing_type=sa.Text(), existing_nullable=False, nullable=True)"
    )
    assert _am202(lab, make_revision, up, "    op.drop_column('q', 'x')") == [
        "downgrade() drops column q.x, which undoes nothing upgrade() does: `alembic downgrade -1` fails "
        "here or changes something this revision did not change."
    ]
    # Making it NOT NULL is still asked back.
    tighten = up.replace("existing_nullable=False, nullable=True", "existing_nullable=True, nullable=False")
    assert any(
        "nullability" in m for m in _am202(lab, make_revision, tighten, "    op.drop_column('q', 'x')")
    )


def test_a_constraint_both_functions_re_create_undoes_itself(lab, make_revision) -> None:
    """pepys-import's SQLite batches re-create a foreign key with ON DELETE, and without it back."""
    batch = (
        "    with op.batch_alter_table('s') as batch_op:\n"
        "        batch_op.create_foreign_key('fk_s_p', 'p', ['p_id'], ['id']{})"
    )
    up, down = batch.format(", ondelete='CASCADE'"), batch.format("")
    assert _am202(lab, make_revision, up, down) == []


def test_a_column_added_in_sql_text_takes_its_constraints_along(lab, make_revision) -> None:
    """indico 5fa92194c124: `ADD COLUMN id SERIAL`, a primary key on it, downgrade() drops the column."""
    up = (
        "    op.execute('ALTER TABLE hours ADD COLUMN id SERIAL')\n"
        "    op.create_primary_key('pk_hours', 'hours', ['id'])"
    )
    assert _am202(lab, make_revision, up, "    op.drop_column('hours', 'id')") == []


def test_a_table_named_by_a_loop_variable_is_not_judged(lab, make_revision) -> None:
    """ckan 016: `for table in ids: op.alter_column(table, 'id', type_=...)` — no `?.id` findings."""
    up = "    for table in ('a', 'b'):\n        op.alter_column(table, 'id', type_=sa.UnicodeText)"
    down = "    op.alter_column('a', 'id', type_=sa.Integer)"
    assert not [m for m in _am202(lab, make_revision, up, down) if "?" in m]


def test_a_check_created_and_dropped_within_upgrade_is_settled(lab, make_revision) -> None:
    """AM401's PostgreSQL fix: a CHECK that only lets SET NOT NULL skip its scan, gone by the end."""
    up = (
        ADD_X.format("s")
        + "    op.create_check_constraint(op.f('ck_s_x'), 's', 'x IS NOT NULL', postgresql_not_valid=True)\n"
        "    op.alter_column('s', 'x', nullable=False)\n"
        "    op.drop_constraint(op.f('ck_s_x'), 's', type_='check')"
    )
    assert _am202(lab, make_revision, up, "    op.drop_column('s', 'x')") == []


def test_an_index_created_and_kept_still_needs_its_drop(lab, make_revision) -> None:
    up = "    op.create_index('ix_a', 't', ['a'])\n    op.create_index('ix_b', 't', ['b'])"
    assert any("ix_a" in m for m in _am202(lab, make_revision, up, "    op.drop_index('ix_b', 't')"))


COLUMN_SWAP = (
    "    op.add_column('case', sa.Column('_assignee_id', sa.Integer()))\n"
    "    op.execute('UPDATE \"case\" SET _assignee_id = assignee_id + 0')\n"
    "    op.drop_column('case', 'assignee_id')\n"
    "    op.alter_column('case', '_assignee_id', new_column_name='assignee_id')"
)


def test_a_column_rebuilt_and_renamed_into_place_is_settled(lab, make_revision) -> None:
    """dispatch e4b4991dddcd: add `_assignee_id`, fill it, drop `assignee_id`, rename into place."""
    up = ADD_X.format("other") + COLUMN_SWAP
    assert _am202(lab, make_revision, up, "    op.drop_column('other', 'x')") == []


def test_a_column_swap_downgrade_touches_is_still_judged(lab, make_revision) -> None:
    # downgrade() drops `assignee_id` (the rebuilt one) without putting the old one back.
    down = "    op.drop_column('case', 'assignee_id')"
    assert _am202(lab, make_revision, COLUMN_SWAP, down) != []


def test_a_column_downgrade_drops_and_re_adds_undoes_its_alterations(lab, make_revision) -> None:
    """ckan 008: the upgrade turns `revision.id` into text; the downgrade drops it and adds it back
    as an Integer, which restores the type and the default in one go."""
    up = "    op.alter_column('revision', 'id', type_=sa.UnicodeText, server_default=None)"
    down = (
        "    op.drop_column('revision', 'id')\n"
        "    op.add_column('revision', sa.Column('id', sa.Integer, primary_key=True, nullable=False))"
    )
    assert _am202(lab, make_revision, up, down) == []
    # Re-adding another column restores nothing of this one.
    other = down.replace("'id'", "'other_id'")
    assert any("restores the type of revision.id" in m for m in _am202(lab, make_revision, up, other))

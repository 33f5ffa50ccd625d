"""AM411: a unique constraint or primary key added to an existing PostgreSQL table (issue 17)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from alembic_ls.settings import Settings

PG = Settings(dialect="postgresql")
UNIQUE = "op.create_unique_constraint('uq_user_email', 'user', ['email'])"


def _am411(lab, make_revision: Callable[..., str], upgrade: str, settings: Settings = PG) -> list:
    text = make_revision("b2", None, upgrade=upgrade)
    return [f for f in lab.check(text, settings) if f.code == "AM411"]


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (UNIQUE, "unique constraint `uq_user_email`"),
        ("op.create_primary_key('pk_user', 'user', ['id'])", "primary key `pk_user`"),
        ("op.create_unique_constraint(None, 'user', ['email'])", "an unnamed unique constraint"),
    ],
)
def test_fires_on_an_existing_table(lab, make_revision, call: str, words: str) -> None:
    (finding,) = _am411(lab, make_revision, "    " + call)
    assert words in finding.message and "existing table `user`" in finding.message
    assert "USING INDEX" in finding.message


def test_fires_in_a_batch(lab, make_revision) -> None:
    up = (
        "    with op.batch_alter_table('user') as batch_op:\n"
        "        batch_op.create_unique_constraint('uq_e', ['email'])"
    )
    assert len(_am411(lab, make_revision, up)) == 1


def test_quiet_on_a_table_this_upgrade_creates(lab, make_revision) -> None:
    up = "    op.create_table('user', sa.Column('email', sa.String()))\n    " + UNIQUE
    assert _am411(lab, make_revision, up) == []


def test_quiet_in_a_branch_for_another_database(lab, make_revision) -> None:
    up = "    if op.get_bind().dialect.name == 'sqlite':\n        " + UNIQUE
    assert _am411(lab, make_revision, up) == []


def test_quiet_on_other_databases(lab, make_revision) -> None:
    assert _am411(lab, make_revision, "    " + UNIQUE, Settings(dialect="mysql")) == []


def test_the_fix_builds_the_index_concurrently_then_attaches_it(lab, make_revision) -> None:
    text = make_revision(
        "b2",
        None,
        upgrade="    " + UNIQUE,
        downgrade="    op.drop_constraint('uq_user_email', 'user', type_='unique')",
    )
    (finding,) = [f for f in lab.check(text, PG) if f.code == "AM411"]
    assert finding.fix is not None and not finding.fix.safe
    fixed = lab.apply(text, finding)
    expected = (
        "    # MANUAL: build the index without blocking writes, then make it the constraint\n"
        "    with op.get_context().autocommit_block():\n"
        "        op.create_index('uq_user_email', 'user', ['email'], unique=True, "
        "postgresql_concurrently=True)\n"
        '    op.execute("ALTER TABLE \\"user\\" ADD CONSTRAINT uq_user_email UNIQUE '
        'USING INDEX uq_user_email")\n'
    )
    assert expected in fixed, fixed
    before = {f.code for f in lab.check(text, PG)} - {"AM411"}
    after = {f.code for f in lab.check(fixed, PG)}
    # Nothing new: downgrade()'s drop_constraint undoes it (AM202), the index is CONCURRENTLY in an
    # autocommit block (AM403, AM410), the SQL is explained (AM104), and AM411 is gone.
    assert after <= before, after - before


def test_no_fix_for_a_primary_key_or_an_unnamed_constraint(lab, make_revision) -> None:
    for call in (
        "op.create_primary_key('pk_user', 'user', ['id'])",
        "op.create_unique_constraint(None, 'user', ['a'])",
    ):
        (finding,) = _am411(lab, make_revision, "    " + call)
        assert finding.fix is None

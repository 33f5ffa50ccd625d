"""AM406 reads what earlier revisions made of the column (issue 15, real shapes from Mailu, pgAdmin
and quay): `SET NOT NULL` on a column that is already NOT NULL returns at once in PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from alembic_ls.settings import Settings

CREATE_USER = (
    "    op.create_table('user',\n"
    "        sa.Column('email', sa.String(80), primary_key=True),\n"
    "        sa.Column('quota', sa.Integer(), nullable=False),\n"
    "        sa.Column('nickname', sa.String(80)),\n"
    "    )"
)
DROP_USER = "    op.drop_table('user')"


def _set_not_null(column: str, schema: str = "") -> str:
    return f"    op.alter_column('user', '{column}', type_=sa.String(255), nullable=False{schema})"


def _am406(write_history: Callable[..., object], *revisions: tuple[object, ...]) -> list[str]:
    history = write_history(("a1", None, {"upgrade": CREATE_USER, "downgrade": DROP_USER}), *revisions)
    return [f.message for f in history.findings(Settings(dialect="postgresql"), codes=["AM406"])]  # type: ignore[attr-defined]


@pytest.mark.parametrize("column", ["email", "quota"])
def test_quiet_when_history_made_the_column_not_null(write_history, column: str) -> None:
    """A primary key column, or one created `nullable=False` (Mailu's `user.email`, quay's
    `blobupload.byte_count`): the alter restates NOT NULL beside a type change."""
    assert _am406(write_history, ("b2", "a1", {"upgrade": _set_not_null(column)})) == []


def test_fires_when_history_left_the_column_nullable(write_history) -> None:
    found = _am406(write_history, ("b2", "a1", {"upgrade": _set_not_null("nickname")}))
    assert len(found) == 1 and "`user.nickname`" in found[0]


def test_fires_when_a_later_revision_made_it_nullable_again(write_history) -> None:
    relax = "    op.alter_column('user', 'quota', nullable=True)"
    found = _am406(
        write_history,
        ("b2", "a1", {"upgrade": relax}),
        ("c3", "b2", {"upgrade": _set_not_null("quota")}),
    )
    assert len(found) == 1


def test_fires_when_the_column_was_dropped_and_a_nullable_one_renamed_into_its_place(write_history) -> None:
    """full-stack-fastapi-template swaps `item.owner_id` for a new nullable column, then sets NOT NULL."""
    swap = (
        "    op.add_column('user', sa.Column('new_quota', sa.BigInteger(), nullable=True))\n"
        "    op.drop_column('user', 'quota')\n"
        "    op.alter_column('user', 'new_quota', new_column_name='quota')"
    )
    found = _am406(
        write_history,
        ("b2", "a1", {"upgrade": swap}),
        ("c3", "b2", {"upgrade": _set_not_null("quota")}),
    )
    assert len(found) == 1


def test_a_table_of_the_same_name_in_another_schema_is_another_table(write_history) -> None:
    """indico has `users.tokens` and `oauth.tokens`: only the same schema's history counts."""
    found = _am406(write_history, ("b2", "a1", {"upgrade": _set_not_null("email", ", schema='oauth'")}))
    assert len(found) == 1


def test_fires_when_sql_text_touched_the_column(write_history) -> None:
    relax = '    op.execute("ALTER TABLE user ALTER COLUMN quota DROP NOT NULL")'
    found = _am406(
        write_history,
        ("b2", "a1", {"upgrade": relax}),
        ("c3", "b2", {"upgrade": _set_not_null("quota")}),
    )
    assert len(found) == 1

"""Safety and code rules on real shapes they misjudged (issue 15): AM406 on a column already NOT NULL,
AM501's message outside upgrade()."""

from __future__ import annotations

from collections.abc import Callable

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

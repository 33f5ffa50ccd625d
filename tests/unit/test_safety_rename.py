"""AM402 drop-add-looks-like-rename (and its rename fix) and AM409 rename-table-or-column."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from alembic_ls.fixes import FixRefused, build_edits
from alembic_ls.settings import Settings

# What autogenerate writes when the model's `name` attribute became `full_name`.
AUTOGEN_UP = (
    "    op.add_column('user', sa.Column('full_name', sa.String(), nullable=True))\n"
    "    op.drop_column('user', 'name')"
)
AUTOGEN_DOWN = (
    "    op.add_column('user', sa.Column('name', sa.VARCHAR(), autoincrement=False, nullable=True))\n"
    "    op.drop_column('user', 'full_name')"
)
BATCH_UP = (
    "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
    "        batch_op.add_column(sa.Column('full_name', sa.String(), nullable=True))\n"
    "        batch_op.drop_column('name')"
)
BATCH_DOWN = (
    "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
    "        batch_op.add_column(sa.Column('name', sa.VARCHAR(), nullable=True))\n"
    "        batch_op.drop_column('full_name')"
)
CREATE_USER = "    op.create_table('user', sa.Column('name', {type}, nullable=True))"


# -- AM402 -----------------------------------------------------------------------------------


def test_am402_fires_on_autogenerates_drop_and_add(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None, upgrade=AUTOGEN_UP, downgrade=AUTOGEN_DOWN)
    finding = lab.one(text, "AM402")
    lines = text.splitlines()
    assert finding.span.line == lines.index("    op.drop_column('user', 'name')")
    assert finding.related[0][1].line == lines.index(AUTOGEN_UP.splitlines()[0])
    assert "`user.name`" in finding.message and "`full_name`" in finding.message
    assert "Alembic sees drop + add, but we want rename" in finding.message
    assert finding.fix is not None and finding.fix.kind == "rename-column" and not finding.fix.safe
    assert "AM408" not in lab.codes(text)  # the drop is reported once, as half of a rename


def test_am402_fires_in_batch_mode(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None, upgrade=BATCH_UP, downgrade=BATCH_DOWN)
    assert lab.one(text, "AM402").span.line == text.splitlines().index("        batch_op.drop_column('name')")


_ADD_AGE = "    op.add_column('user', sa.Column('age', sa.Integer(), nullable=True))"


@pytest.mark.parametrize(("old_type", "renamed_to"), [("sa.Text()", ["full_name"]), ("sa.Boolean()", [])])
def test_am402_reads_the_dropped_type_from_an_earlier_revision(
    write_history, old_type: str, renamed_to: list[str]
) -> None:
    # Two adds make the pair ambiguous without types; the type in the history settles it.
    history = write_history(
        (
            "a1",
            None,
            {"upgrade": CREATE_USER.format(type=old_type), "downgrade": "    op.drop_table('user')"},
        ),
        ("b1", "a1", {"upgrade": AUTOGEN_UP + "\n" + _ADD_AGE, "downgrade": "    pass"}),
    )
    findings = history.findings(codes=["AM402"])
    assert [f.fix.params["new"] for f in findings if f.fix] == renamed_to


def test_am402_pairs_by_type_when_several_columns_change(lab, make_revision: Callable[..., str]) -> None:
    up = AUTOGEN_UP + "\n" + _ADD_AGE + "\n    op.drop_column('user', 'years')"
    down = "    op.add_column('user', sa.Column('years', sa.INTEGER(), nullable=True))\n" + AUTOGEN_DOWN
    findings = [
        f for f in lab.check(make_revision("b2", None, upgrade=up, downgrade=down)) if f.code == "AM402"
    ]
    assert sorted(f.fix.params["new"] for f in findings if f.fix) == ["age", "full_name"]
    assert sorted(f.fix.params["old"] for f in findings if f.fix) == ["name", "years"]


def test_am402_with_unknown_types_needs_a_single_drop_and_add(lab, make_revision: Callable[..., str]) -> None:
    one = "    op.drop_column('user', 'name')\n    op.add_column('user', sa.Column('full_name', MyType()))"
    assert "AM402" in lab.codes(make_revision("b2", None, upgrade=one, downgrade="    pass"))
    two = one + "\n    op.add_column('user', sa.Column('nick', MyType()))"
    assert "AM402" not in lab.codes(make_revision("b2", None, upgrade=two, downgrade="    pass"))


@pytest.mark.parametrize(
    ("upgrade", "downgrade"),
    [
        (  # incompatible types
            "    op.add_column('user', sa.Column('nickname', sa.String()))\n"
            "    op.drop_column('user', 'age')",
            "    op.add_column('user', sa.Column('age', sa.INTEGER()))\n"
            "    op.drop_column('user', 'nickname')",
        ),
        (  # the same name re-created with another type
            "    op.drop_column('user', 'name')\n    op.add_column('user', sa.Column('name', sa.Text()))",
            "    pass",
        ),
        (  # different tables
            "    op.drop_column('user', 'name')\n    op.add_column('post', sa.Column('title2', sa.String()))",
            "    pass",
        ),
        (  # the upgrade copies the data itself: a deliberate replacement
            AUTOGEN_UP.replace(
                "    op.drop_column",
                "    # MANUAL: keep the old values\n"
                "    op.execute('UPDATE \"user\" SET full_name = name')\n    op.drop_column",
            ),
            AUTOGEN_DOWN,
        ),
        (  # a column this upgrade added
            "    op.add_column('user', sa.Column('tmp', sa.String()))\n"
            "    op.drop_column('user', 'tmp')\n"
            "    op.add_column('user', sa.Column('full_name', sa.String()))",
            "    pass",
        ),
        (  # a table this upgrade created
            CREATE_USER.format(type="sa.String()") + "\n" + AUTOGEN_UP,
            "    op.drop_table('user')",
        ),
    ],
    ids=["types", "same-name", "tables", "copied", "new-column", "new-table"],
)
def test_am402_quiet_when_it_is_not_a_rename(
    lab, make_revision: Callable[..., str], upgrade: str, downgrade: str
) -> None:
    assert "AM402" not in lab.codes(make_revision("b2", None, upgrade=upgrade, downgrade=downgrade))


@pytest.mark.parametrize(
    ("message", "fires"),
    [
        ("Removes name column and adds full_name", False),  # dispatch 391f7c3e6992
        ("drop name, add full_name", False),
        ("rename name to full_name (drop and add)", True),  # a rename said so: keep the values
        ("remove the old columns", True),  # does not name `name`
        ("add full_name", True),
    ],
)
def test_am402_quiet_when_the_message_announces_the_removal(
    lab, make_revision: Callable[..., str], message: str, fires: bool
) -> None:
    text = make_revision("b2", None, upgrade=AUTOGEN_UP, downgrade=AUTOGEN_DOWN, message=message)
    assert ("AM402" in lab.codes(text)) is fires


def test_am402_fix_renames_in_upgrade_and_back_in_downgrade(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None, upgrade=AUTOGEN_UP, downgrade=AUTOGEN_DOWN)
    fixed = lab.apply(text, lab.one(text, "AM402"))
    up, down = fixed.split("def upgrade() -> None:\n")[1].split("\n\n\ndef downgrade() -> None:\n")
    assert up.strip() == (
        "op.alter_column('user', 'name', new_column_name='full_name', existing_type=sa.VARCHAR(), "
        "existing_nullable=True)"
    )
    assert down.strip() == (
        "op.alter_column('user', 'full_name', new_column_name='name', existing_type=sa.String(), "
        "existing_nullable=True)"
    )
    codes = lab.codes(fixed)
    assert "AM402" not in codes and "AM202" not in codes and "AM408" not in codes
    assert "AM409" in codes  # a rename still breaks code running against the old name


def test_am402_fix_in_batch_mode(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None, upgrade=BATCH_UP, downgrade=BATCH_DOWN)
    fixed = lab.apply(text, lab.one(text, "AM402"))
    assert (
        "    with op.batch_alter_table('user', schema=None) as batch_op:\n"
        "        batch_op.alter_column('name', new_column_name='full_name', existing_type=sa.VARCHAR(), "
        "existing_nullable=True)\n\n\n"
    ) in fixed
    assert "batch_op.alter_column('full_name', new_column_name='name'" in fixed
    assert "drop_column" not in fixed and "add_column" not in fixed
    assert "AM402" not in lab.codes(fixed)


def test_am402_fix_carries_a_type_change_along(lab, make_revision: Callable[..., str]) -> None:
    up = AUTOGEN_UP.replace("sa.String()", "sa.String(length=100)")
    down = AUTOGEN_DOWN.replace("sa.VARCHAR()", "sa.VARCHAR(length=50)")
    text = make_revision("b2", None, upgrade=up, downgrade=down)
    fixed = lab.apply(text, lab.one(text, "AM402"))
    assert (
        "new_column_name='full_name', type_=sa.String(length=100), existing_type=sa.VARCHAR(length=50)"
    ) in fixed
    assert "new_column_name='name', type_=sa.VARCHAR(length=50), existing_type=sa.String(length=100)" in fixed


def test_am402_fix_leaves_an_empty_downgrade_to_am201(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None, upgrade=AUTOGEN_UP, downgrade="    pass")
    fixed = lab.apply(text, lab.one(text, "AM402"))
    assert fixed.endswith("def downgrade() -> None:\n    pass\n")
    derived = lab.apply(fixed, lab.one(fixed, "AM201"))
    assert "op.alter_column('user', 'full_name', new_column_name='name'" in derived


def test_am402_fix_refuses_a_half_mirrored_downgrade(lab, make_revision: Callable[..., str]) -> None:
    down = "    op.drop_column('user', 'full_name')"
    text = make_revision("b2", None, upgrade=AUTOGEN_UP, downgrade=down)
    finding = lab.one(text, "AM402")
    assert finding.fix is not None
    with pytest.raises(FixRefused, match="does not re-add `name`"):
        build_edits(str(lab.path), text, finding.fix.kind, finding.fix.params)


# -- AM409 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "upgrade",
    [
        "    op.alter_column('user', 'name', new_column_name='full_name')",
        "    with op.batch_alter_table('user') as batch_op:\n"
        "        batch_op.alter_column('name', new_column_name='full_name')",
        "    op.rename_table('user', 'account')",
    ],
    ids=["column", "batch-column", "table"],
)
def test_am409_fires_on_renames_on_every_dialect(
    lab, make_revision: Callable[..., str], upgrade: str
) -> None:
    text = make_revision("b2", None, upgrade=upgrade, downgrade="    pass")
    finding = lab.one(text, "AM409")
    assert finding.severity.value == "info"
    assert "account" in finding.message or "`user.name` to `full_name`" in finding.message
    assert "AM409" in lab.codes(text, Settings(dialect="sqlite"))


def test_am409_quiet_for_objects_this_upgrade_creates(lab, make_revision: Callable[..., str]) -> None:
    up = (
        "    op.create_table('draft', sa.Column('id', sa.Integer()))\n"
        "    op.rename_table('draft', 'post_draft')\n"
        "    op.add_column('user', sa.Column('tmp', sa.String()))\n"
        "    op.alter_column('user', 'tmp', new_column_name='nickname')"
    )
    assert "AM409" not in lab.codes(make_revision("b2", None, upgrade=up, downgrade="    pass"))


def test_am409_quiet_for_renames_in_downgrade(lab, make_revision: Callable[..., str]) -> None:
    down = "    op.alter_column('user', 'full_name', new_column_name='name')"
    assert "AM409" not in lab.codes(make_revision("b2", None, upgrade="    pass", downgrade=down))

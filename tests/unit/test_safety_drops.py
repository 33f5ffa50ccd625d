"""AM408 drop-table-or-column."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from alembic_ls.settings import Settings


@pytest.mark.parametrize(
    ("upgrade", "what"),
    [
        ("    op.drop_column('post', 'legacy_body')", "column `post.legacy_body`"),
        ("    op.drop_table('audit_log')", "table `audit_log`"),
        (
            "    with op.batch_alter_table('post', schema=None) as batch_op:\n"
            "        batch_op.drop_column('legacy_body')",
            "column `post.legacy_body`",
        ),
    ],
    ids=["column", "table", "batch-column"],
)
@pytest.mark.parametrize("dialect", [None, "sqlite", "postgresql"])
def test_am408_fires_on_drops_in_upgrade_on_every_dialect(
    lab, make_revision: Callable[..., str], upgrade: str, what: str, dialect: str | None
) -> None:
    text = make_revision("b2", None, upgrade=upgrade, downgrade="    pass")
    (finding,) = [f for f in lab.check(text, Settings(dialect=dialect)) if f.code == "AM408"]
    assert f"Drops {what}" in finding.message and "deploy" in finding.message
    assert finding.span.line == text.splitlines().index(upgrade.splitlines()[-1])
    assert finding.severity.value == "warning"


def test_am408_quiet_for_what_this_upgrade_created(lab, make_revision: Callable[..., str]) -> None:
    up = (
        "    op.create_table('scratch', sa.Column('id', sa.Integer()))\n"
        "    op.add_column('post', sa.Column('tmp', sa.Integer()))\n"
        "    op.drop_column('post', 'tmp')\n"
        "    op.drop_column('scratch', 'id')\n"
        "    op.drop_table('scratch')"
    )
    assert "AM408" not in lab.codes(make_revision("b2", None, upgrade=up, downgrade="    pass"))


def test_am408_quiet_for_drops_in_downgrade(lab, make_revision: Callable[..., str]) -> None:
    assert "AM408" not in lab.codes(make_revision("b2", None))  # downgrade drops the column it added


def test_am408_is_acknowledged_with_a_line_suppression(lab, make_revision: Callable[..., str]) -> None:
    up = "    op.drop_column('post', 'legacy_body')  # alembic-ls: ignore[AM408] unused since release 2.3"
    codes = lab.codes(make_revision("b2", None, upgrade=up, downgrade="    pass"))
    assert "AM408" not in codes and "AM001" not in codes


def test_am408_quiet_where_the_author_says_the_object_is_unused(lab, make_revision) -> None:
    """redash 969126bd800f "# Remove legacy columns no longer in use"; quay 8a70b8777089 "drop
    deprecated tables": the author answers the question the rule asks."""
    drops = "    op.drop_column('widgets', 'col')\n    op.drop_column('widgets', 'row')"
    commented = make_revision("b2", None, upgrade="    # Remove legacy columns no longer in use.\n" + drops)
    assert "AM408" not in lab.codes(commented)
    titled = make_revision("b2", None, upgrade=drops, message="drop deprecated columns")
    assert "AM408" not in lab.codes(titled)
    # A blank line ends the paragraph the comment heads; "old" says nothing about who reads it.
    apart = make_revision("b2", None, upgrade="    # no longer used\n    op.drop_table('a')\n\n" + drops)
    assert [f.code for f in lab.check(apart)].count("AM408") == 2
    old = make_revision("b2", None, upgrade="    # drop the old columns\n" + drops)
    assert [f.code for f in lab.check(old)].count("AM408") == 2

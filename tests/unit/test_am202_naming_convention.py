"""AM202 knows an index or constraint created without a name by the names a naming convention gives
it (indico 4e459d27adab: `op.create_foreign_key(None, 'editables', 'revisions', ...)`, dropped in
downgrade() as `fk_editables_published_revision_id_revisions` under
`fk_%(table_name)s_%(column_names)s_%(referred_table_name)s`), and still reports what is out of
order around it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from alembic_ls.analysis.naming_convention import conventional_names
from alembic_ls.rules.base import Finding

# The shape that fooled it, in indico's spelling: two tables, then a foreign key between them
# that only the naming convention names.
UPGRADE = (
    "    op.create_table('editables', sa.Column('id', sa.Integer(), nullable=False),\n"
    "                    sa.Column('published_revision_id', sa.Integer(), nullable=True),\n"
    "                    schema='event_editing')\n"
    "    op.create_table('revisions', sa.Column('id', sa.Integer(), nullable=False),\n"
    "                    sa.Column('editable_id', sa.Integer(), nullable=False),\n"
    "                    sa.ForeignKeyConstraint(['editable_id'], ['event_editing.editables.id']),\n"
    "                    schema='event_editing')\n"
    "    op.create_foreign_key(None, 'editables', 'revisions', ['published_revision_id'], ['id'],\n"
    "                          source_schema='event_editing', referent_schema='event_editing')"
)
DROP_FK = (
    "    op.drop_constraint('fk_editables_published_revision_id_revisions', 'editables',"
    " schema='event_editing')\n"
)
DROP_REVISIONS = "    op.drop_table('revisions', schema='event_editing')\n"
DROP_EDITABLES = "    op.drop_table('editables', schema='event_editing')"


def am202(lab, text: str) -> list[Finding]:  # type: ignore[no-untyped-def]
    return [f for f in lab.check(text) if f.code == "AM202"]


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines()) if needle in line)


def test_dropping_the_unnamed_foreign_key_by_its_conventional_name_releases_the_table(
    lab, make_revision: Callable[..., str]
) -> None:
    text = make_revision("b2", None, upgrade=UPGRADE, downgrade=DROP_FK + DROP_REVISIONS + DROP_EDITABLES)
    assert am202(lab, text) == []


def test_dropping_the_referenced_table_before_that_drop_still_fires(
    lab, make_revision: Callable[..., str]
) -> None:
    text = make_revision("b2", None, upgrade=UPGRADE, downgrade=DROP_REVISIONS + DROP_FK + DROP_EDITABLES)
    (finding,) = am202(lab, text)
    assert finding.span.line == line_of(text, "op.drop_table('revisions'")
    assert f"before line {line_of(text, 'op.drop_constraint') + 1} removes the foreign key" in finding.message


def test_a_name_no_convention_gives_this_foreign_key_does_not_release_it(
    lab, make_revision: Callable[..., str]
) -> None:
    # Another column's name: the foreign key on published_revision_id stays until editables goes.
    other = DROP_FK.replace("published_revision_id", "editor_id")
    text = make_revision("b2", None, upgrade=UPGRADE, downgrade=other + DROP_REVISIONS + DROP_EDITABLES)
    (finding,) = am202(lab, text)
    assert finding.span.line == line_of(text, "op.drop_table('revisions'")
    assert f"before line {line_of(text, DROP_EDITABLES.strip()) + 1}" in finding.message


def test_a_conventional_drop_after_its_column_went_still_fires(
    lab, make_revision: Callable[..., str]
) -> None:
    up = (
        "    op.add_column('post', sa.Column('author_id', sa.Integer(), nullable=True))\n"
        "    op.create_foreign_key(None, 'post', 'user', ['author_id'], ['id'])"
    )
    down = "    op.drop_column('post', 'author_id')\n    op.drop_constraint('fk_post_author_id_user', 'post')"
    text = make_revision("b2", None, upgrade=up, downgrade=down)
    (finding,) = am202(lab, text)
    assert finding.span.line == line_of(text, "op.drop_constraint")
    assert "dropped column `post.author_id`" in finding.message


def _named_by_sqlalchemy(convention: str, columns: list[str]) -> str:
    """The name SQLAlchemy itself gives a foreign key from `child` to `parent` under `convention`."""
    metadata = sa.MetaData(naming_convention={"fk": convention})
    sa.Table("parent", metadata, *(sa.Column(f"p{n}", sa.Integer) for n in range(len(columns))))
    child = sa.Table("child", metadata, *(sa.Column(c, sa.Integer) for c in columns))
    foreign_key = sa.ForeignKeyConstraint(columns, [f"parent.p{n}" for n in range(len(columns))])
    child.append_constraint(foreign_key)
    return str(foreign_key.name)


@pytest.mark.parametrize(
    "convention",
    [
        "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "fk_%(table_name)s_%(column_0N_name)s_%(referred_table_name)s",
        "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
        "fk_%(table_name)s_%(column_0_key)s",
        "fk_%(table_name)s_%(column_0N_key)s",
        "fk_%(table_name)s_%(column_0_N_key)s",
        "fk_%(column_0_label)s",
        "fk_%(column_0N_label)s",
        "fk_%(column_0_N_label)s",
        "fk_%(table_name)s_%(column_0_name)s",
    ],
)
@pytest.mark.parametrize("columns", [["owner_id"], ["org_id", "owner_id"]])
def test_the_candidates_hold_the_name_sqlalchemy_gives(convention: str, columns: list[str]) -> None:
    assert _named_by_sqlalchemy(convention, columns) in conventional_names("fk", "child", columns, "parent")

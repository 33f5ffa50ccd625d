"""AM202 downgrade-mismatch: missing, extra and out-of-order reverse operations."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from alembic_ls.rules.base import Finding

ADD_SLUG = "    op.add_column('post', sa.Column('slug', sa.String(), nullable=True))"
INDEX_TITLE = "    op.create_index('ix_post_title', 'post', ['title'])"
CREATE_USER = "    op.create_table('user', sa.Column('id', sa.Integer(), primary_key=True))"
CREATE_POST = (
    "    op.create_table('post', sa.Column('id', sa.Integer(), primary_key=True),\n"
    "        sa.Column('author_id', sa.Integer(), sa.ForeignKey('user.id')))"
)
INDEX_AUTHOR = "    op.create_index('ix_post_author_id', 'post', ['author_id'])"


def am202(lab, text: str) -> list[Finding]:  # type: ignore[no-untyped-def]
    return [f for f in lab.check(text) if f.code == "AM202"]


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines()) if needle in line)


# -- missing ------------------------------------------------------------------------------------


def test_am202_reports_an_upgrade_op_nothing_undoes(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision(
        "b2", None, upgrade=ADD_SLUG + "\n" + INDEX_TITLE, downgrade="    op.drop_column('post', 'slug')"
    )
    (finding,) = am202(lab, text)
    assert finding.span.line == line_of(text, "op.create_index")
    assert "nothing there drops index ix_post_title" in finding.message
    assert finding.related[0][1].line == line_of(text, "def downgrade")
    assert finding.severity.value == "warning"


def test_am202_reports_each_alter_attribute_not_restored(lab, make_revision: Callable[..., str]) -> None:
    up = "    op.alter_column('post', 'title', type_=sa.Text(), existing_type=sa.String(), nullable=False)"
    down = "    op.alter_column('post', 'title', existing_type=sa.Text(), nullable=True)"
    (finding,) = am202(lab, make_revision("b2", None, upgrade=up, downgrade=down))
    assert "restores the type of post.title" in finding.message
    assert "nullability" not in finding.message


def test_am202_reports_a_dropped_column_the_downgrade_does_not_restore(
    lab, make_revision: Callable[..., str]
) -> None:
    up = "    op.drop_column('post', 'legacy')\n" + ADD_SLUG
    (finding,) = am202(
        lab, make_revision("b2", None, upgrade=up, downgrade="    op.drop_column('post', 'slug')")
    )
    assert "re-creates column post.legacy" in finding.message


# -- extra --------------------------------------------------------------------------------------


def test_am202_reports_a_downgrade_op_that_undoes_nothing(lab, make_revision: Callable[..., str]) -> None:
    down = "    op.drop_column('post', 'slug')\n    op.drop_column('post', 'subtitle')"
    text = make_revision("b2", None, upgrade=ADD_SLUG, downgrade=down)
    (finding,) = am202(lab, text)
    assert finding.span.line == line_of(text, "'subtitle'")
    assert "downgrade() drops column post.subtitle, which undoes nothing upgrade() does" in finding.message


def test_am202_reports_a_copy_pasted_downgrade_both_ways(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None, upgrade=ADD_SLUG, downgrade="    op.drop_column('post', 'subtitle')")
    findings = {f.span.line: f.message for f in am202(lab, text)}
    assert "nothing there drops column post.slug" in findings.pop(line_of(text, "'slug'"))
    assert "downgrade() drops column post.subtitle" in findings.pop(line_of(text, "'subtitle'"))
    assert not findings


def test_am202_reports_a_rename_reversed_wrongly(lab, make_revision: Callable[..., str]) -> None:
    up = "    op.alter_column('user', 'name', new_column_name='full_name')"
    down = "    op.alter_column('user', 'full_name', new_column_name='nick')"
    text = make_revision("b2", None, upgrade=up, downgrade=down)
    findings = am202(lab, text)
    # the upgrade's rename is not undone, and the downgrade's rename undoes nothing
    assert {f.span.line for f in findings} == {line_of(text, "'name', new_"), line_of(text, "'nick'")}


# -- order --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "drop_index",
    [
        "    op.drop_index('ix_post_author_id', table_name='post')",
        "    op.drop_index('ix_post_author_id')",
        "    with op.batch_alter_table('post') as batch_op:\n"
        "        batch_op.drop_index('ix_post_author_id')",
    ],
    ids=["plain", "no-table-name", "batch"],
)
def test_am202_reports_dropping_a_table_before_its_index(
    lab, make_revision: Callable[..., str], drop_index: str
) -> None:
    up = CREATE_USER + "\n" + CREATE_POST + "\n" + INDEX_AUTHOR
    down = "    op.drop_table('post')\n" + drop_index + "\n    op.drop_table('user')"
    text = make_revision("b2", None, upgrade=up, downgrade=down)
    (finding,) = am202(lab, text)
    assert finding.span.line == line_of(text, "drop_index(")
    dropped_at = line_of(text, "drop_table('post')") + 1
    assert f"after line {dropped_at} dropped table `post`" in finding.message


FK_BOTH_WAYS_UP = (
    "    op.add_column('participant', sa.Column('case_id', sa.Integer(), nullable=True))\n"
    "    op.create_foreign_key(None, 'participant', 'case', ['case_id'], ['id'])\n"
    "    op.add_column('case', sa.Column('assignee_id', sa.Integer(), nullable=True))\n"
    "    op.create_foreign_key(None, 'case', 'participant', ['assignee_id'], ['id'])"
)


def test_am202_an_unnamed_drop_undoes_the_constraint_on_its_own_table(
    lab, make_revision: Callable[..., str]
) -> None:
    """dispatch e4b4991dddcd: `drop_constraint(None, "case")` after dropping `participant.case_id` was
    said to come too late, as if it were the foreign key *to* `case`."""
    down = (
        "    op.drop_constraint(None, 'participant', type_='foreignkey')\n"
        "    op.drop_column('participant', 'case_id')\n"
        "    op.drop_constraint(None, 'case', type_='foreignkey')\n"
        "    op.drop_column('case', 'assignee_id')"
    )
    assert am202(lab, make_revision("b2", None, upgrade=FK_BOTH_WAYS_UP, downgrade=down)) == []
    # Its own table's column dropped first: that does take it along.
    late = down.replace(
        "    op.drop_constraint(None, 'case', type_='foreignkey')\n    op.drop_column('case', 'assignee_id')",
        "    op.drop_column('case', 'assignee_id')\n    op.drop_constraint(None, 'case', type_='foreignkey')",
    )
    text = make_revision("b2", None, upgrade=FK_BOTH_WAYS_UP, downgrade=late)
    (finding,) = am202(lab, text)
    assert "dropped column `case.assignee_id`" in finding.message


def test_am202_reports_dropping_a_column_before_its_index(lab, make_revision: Callable[..., str]) -> None:
    up = ADD_SLUG + "\n    op.create_index('ix_post_slug', 'post', ['slug'])"
    down = "    op.drop_column('post', 'slug')\n    op.drop_index('ix_post_slug', table_name='post')"
    text = make_revision("b2", None, upgrade=up, downgrade=down)
    (finding,) = am202(lab, text)
    assert finding.span.line == line_of(text, "op.drop_index")
    assert "dropped column `post.slug`" in finding.message


def test_am202_reports_dropping_a_referenced_table_first(lab, make_revision: Callable[..., str]) -> None:
    up = CREATE_USER + "\n" + CREATE_POST
    down = "    op.drop_table('user')\n    op.drop_table('post')"
    text = make_revision("b2", None, upgrade=up, downgrade=down)
    (finding,) = am202(lab, text)
    assert finding.span.line == line_of(text, "op.drop_table('user')")
    assert "foreign key from `post`" in finding.message


def test_am202_reports_dropping_a_table_before_a_foreign_key_to_it(
    lab, make_revision: Callable[..., str]
) -> None:
    up = CREATE_USER + "\n    op.create_foreign_key('fk_post_author', 'post', 'user', ['author_id'], ['id'])"
    down = "    op.drop_table('user')\n    op.drop_constraint('fk_post_author', 'post', type_='foreignkey')"
    text = make_revision("b2", None, upgrade=up, downgrade=down)
    (finding,) = am202(lab, text)
    assert finding.span.line == line_of(text, "op.drop_table('user')")


# -- fix ----------------------------------------------------------------------------------------


def test_am202_offers_the_derived_downgrade_when_upgrade_is_reversible(
    lab, make_revision: Callable[..., str]
) -> None:
    text = make_revision("b2", None, upgrade=ADD_SLUG, downgrade="    op.drop_column('post', 'subtitle')")
    finding = am202(lab, text)[0]
    assert finding.fix is not None and finding.fix.kind == "derive-downgrade" and not finding.fix.safe
    fixed = lab.apply(text, finding)
    assert "op.drop_column('post', 'slug')" in fixed and "subtitle" not in fixed
    assert am202(lab, fixed) == []


def test_am202_has_no_fix_when_upgrade_drops_something(lab, make_revision: Callable[..., str]) -> None:
    up = "    op.drop_column('post', 'legacy')"
    findings = am202(lab, make_revision("b2", None, upgrade=up, downgrade="    op.drop_column('post', 'x')"))
    assert len(findings) == 2 and all(f.fix is None for f in findings)


# -- quiet --------------------------------------------------------------------------------------

AUTOGEN_CREATE_UP = """\
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_email'), ['email'], unique=True)

    op.create_table('post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    # ### end Alembic commands ###"""
AUTOGEN_CREATE_DOWN = """\
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_table('post')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_email'))

    op.drop_table('user')
    # ### end Alembic commands ###"""


@pytest.mark.parametrize(
    ("upgrade", "downgrade"),
    [
        (AUTOGEN_CREATE_UP, AUTOGEN_CREATE_DOWN),
        (  # dropping the tables takes their indexes along
            AUTOGEN_CREATE_UP,
            "    op.drop_table('post')\n    op.drop_table('user')",
        ),
        (  # the demo's slug revision: a backfill nothing needs to undo
            ADD_SLUG + '\n    # MANUAL: fill slugs\n    op.execute("UPDATE post SET slug = lower(title)")',
            "    op.drop_column('post', 'slug')",
        ),
        (  # AM401's three steps: dropping the column undoes all of them
            ADD_SLUG
            + "\n    # MANUAL: fill slugs\n    op.execute(\"UPDATE post SET slug = '' WHERE slug IS NULL\")\n"
            "    op.alter_column('post', 'slug', existing_type=sa.String(), nullable=False)",
            "    op.drop_column('post', 'slug')",
        ),
        (  # AM402's rename
            "    op.alter_column('user', 'name', new_column_name='full_name')",
            "    op.alter_column('user', 'full_name', new_column_name='name')",
        ),
        (  # a dropped column re-created, autogenerate style
            "    op.drop_column('post', 'legacy')",
            "    op.add_column('post', sa.Column('legacy', sa.TEXT(), autoincrement=False, nullable=True))",
        ),
        (  # hand-written SQL that names the index undoes it
            INDEX_TITLE,
            "    # MANUAL: the index was built by hand on production\n"
            "    op.execute('DROP INDEX ix_post_title')",
        ),
        (  # a downgrade calling a helper may do anything: nothing is missing for sure
            INDEX_TITLE,
            "    _drop_everything()",
        ),
        (  # an upgrade calling a helper: nothing is extra for sure
            "    _create_everything()",
            "    op.drop_index('ix_post_title', table_name='post')",
        ),
        (  # a column-level foreign key's constraint, named by the database
            "    op.add_column('post', sa.Column('author_id', sa.Integer(), sa.ForeignKey('user.id')))",
            "    op.drop_constraint('post_author_id_fkey', 'post', type_='foreignkey')\n"
            "    op.drop_column('post', 'author_id')",
        ),
        (  # batch mode on both sides
            "    with op.batch_alter_table('post') as batch_op:\n"
            "        batch_op.add_column(sa.Column('slug', sa.String()))\n"
            "        batch_op.create_index(batch_op.f('ix_post_slug'), ['slug'])",
            "    with op.batch_alter_table('post') as batch_op:\n"
            "        batch_op.drop_index(batch_op.f('ix_post_slug'))\n"
            "        batch_op.drop_column('slug')",
        ),
        (  # a comment change restored to the old comment
            "    op.create_table_comment('post', 'Blog posts', existing_comment='Posts')",
            "    op.create_table_comment('post', 'Posts', existing_comment='Blog posts')",
        ),
        ("    op.add_column('post', sa.Column('slug', sa.String()))", "    pass"),  # AM201's case
    ],
    ids=[
        "autogenerate",
        "implied-by-drop-table",
        "data-migration",
        "nullable-first",
        "rename",
        "re-create-dropped",
        "sql-names-it",
        "opaque-downgrade",
        "opaque-upgrade",
        "implicit-fk",
        "batch",
        "table-comment",
        "empty-downgrade",
    ],
)
def test_am202_quiet(lab, make_revision: Callable[..., str], upgrade: str, downgrade: str) -> None:
    assert am202(lab, make_revision("b2", None, upgrade=upgrade, downgrade=downgrade)) == []


def test_am202_a_use_alter_key_inside_create_table_is_not_created(
    lab, make_revision: Callable[..., str]
) -> None:
    """mealie: `sa.ForeignKeyConstraint(['user_id'], ['users.id'], use_alter=True)` in create_table is
    left out of CREATE TABLE, so dropping `users` first is no problem (it was "PostgreSQL refuses")."""
    up = (
        "    op.create_table('users', sa.Column('id', sa.Integer(), primary_key=True))\n"
        "    op.create_table('recipes', sa.Column('id', sa.Integer(), primary_key=True),\n"
        "                    sa.Column('user_id', sa.Integer()),\n"
        "                    sa.ForeignKeyConstraint(['user_id'], ['users.id'], use_alter=True))"
    )
    down = "    op.drop_table('users')\n    op.drop_table('recipes')"
    assert am202(lab, make_revision("b2", None, upgrade=up, downgrade=down)) == []
    kept = up.replace(", use_alter=True", "")
    (finding,) = am202(lab, make_revision("b2", None, upgrade=kept, downgrade=down))
    assert "PostgreSQL refuses" in finding.message

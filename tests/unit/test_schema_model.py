"""The symbolic schema: ops applied to a state, and the state a revision's history implies."""

from __future__ import annotations

import time

from alembic_ls.analysis.graph import RevisionGraph
from alembic_ls.analysis.parser import parse_revision
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.analysis.schema_model import (
    UNKNOWN,
    Column,
    RevisionStates,
    SchemaState,
    apply_function,
    differences,
)


def _revision(
    upgrade: str, downgrade: str = "pass", rid: str = "a", parent: str | None = None
) -> RevisionFile:
    text = (
        "from alembic import op\nimport sqlalchemy as sa\n"
        f"revision = {rid!r}\ndown_revision = {parent!r}\n\n"
        f"def upgrade():\n{body(upgrade)}\n\ndef downgrade():\n{body(downgrade)}\n"
    )
    return parse_revision(f"{rid}.py", text)


def body(code: str) -> str:
    return "\n".join(f"    {line}" for line in code.strip().splitlines())


def _up(code: str, state: SchemaState | None = None, dialect: str | None = None) -> SchemaState:
    return apply_function(state or SchemaState(), _revision(code), "upgrade", dialect).state


def _column(state: SchemaState, table: str, name: str) -> Column:
    found = state.column(table, name)
    assert isinstance(found, Column), found
    return found


CREATE_POST = """
op.create_table(
    'post',
    sa.Column('id', sa.Integer(), primary_key=True),
    sa.Column('title', sa.String(50), nullable=False, server_default='x'),
    sa.Column('author_id', sa.Integer(), sa.ForeignKey('user.id')),
    sa.UniqueConstraint('title', name='uq_post_title'),
    sa.Index('ix_post_author', 'author_id'),
)
"""


def test_create_table_records_columns_indexes_and_constraints() -> None:
    state = _up(CREATE_POST)
    post = state.tables["post"]
    assert post.exact
    title = _column(state, "post", "title")
    assert title.nullable is False and title.server_default == "'x'"
    assert isinstance(title.type_, object) and getattr(title.type_, "source", None) == "sa.String(50)"
    assert _column(state, "post", "id").primary_key
    assert set(post.indexes) == {"ix_post_author"}
    assert {(c.name, c.type_) for c in post.constraints} == {
        ("uq_post_title", "unique"),
        (None, "primary"),
        (None, "foreignkey"),
    }
    assert state.column("post", "body") is None  # an exact table: known not to have it
    assert state.exists("user") is None  # never mentioned: unknown, not absent


def test_column_ops_add_alter_rename_and_drop() -> None:
    state = _up(
        CREATE_POST
        + """
op.add_column('post', sa.Column('slug', sa.Text(), nullable=True))
op.alter_column('post', 'slug', nullable=False, existing_type=sa.Text())
op.alter_column('post', 'title', new_column_name='headline', type_=sa.String(80))
op.drop_column('post', 'author_id')
"""
    )
    assert _column(state, "post", "slug").nullable is False
    headline = _column(state, "post", "headline")
    assert getattr(headline.type_, "source", None) == "sa.String(80)"
    assert headline.server_default == "'x'"  # what the alter did not say stays
    assert state.column("post", "title") is None
    post = state.tables["post"]
    assert "ix_post_author" not in post.indexes  # went with its column
    assert [c.columns for c in post.constraints if c.name == "uq_post_title"] == [("headline",)]


def test_batch_ops_act_on_the_batch_table() -> None:
    state = _up(
        CREATE_POST
        + """
with op.batch_alter_table('post') as batch_op:
    batch_op.add_column(sa.Column('views', sa.Integer()))
    batch_op.create_index('ix_post_views', ['views'])
    batch_op.drop_constraint('uq_post_title', type_='unique')
"""
    )
    post = state.tables["post"]
    assert "views" in post.columns and "ix_post_views" in post.indexes
    assert all(c.name != "uq_post_title" for c in post.constraints)


def test_tables_dropped_or_renamed_away_are_known_absent() -> None:
    state = _up(CREATE_POST + "op.rename_table('post', 'article')\nop.drop_table('legacy')")
    assert state.exists("post") is False and state.exists("legacy") is False
    assert state.tables["article"].exact and "title" in state.tables["article"].columns


def test_a_table_known_only_from_its_ops_is_inexact() -> None:
    state = _up("op.add_column('user', sa.Column('age', sa.Integer()))")
    assert state.exists("user") is True
    assert not state.tables["user"].exact
    assert state.column("user", "name") is UNKNOWN  # it may well have one
    assert _column(state, "user", "age").nullable is None


def test_unreadable_ops_blur_what_they_may_touch_instead_of_guessing() -> None:
    base = _up(CREATE_POST + "op.create_table('tag', sa.Column('id', sa.Integer()))\nop.drop_table('old')")
    by_sql = _up("op.execute('ALTER TABLE post ADD COLUMN x int')", base)
    assert not by_sql.tables["post"].exact and by_sql.tables["tag"].exact
    data_only = _up("op.execute('UPDATE post SET title = 1')", base)
    assert data_only.tables["post"].exact
    by_variable = _up("op.drop_column(name, 'x')", base)
    assert not by_variable.tables["post"].exact and not by_variable.tables["tag"].exact
    assert by_variable.exists("old") is None  # it may have been re-created
    custom = _up("op.create_view('post_view', 'select 1')", base)
    assert custom.tables["post"].exact and custom.exists("old") is None


def test_a_dialect_branch_applies_only_on_its_database() -> None:
    code = CREATE_POST + "if op.get_bind().dialect.name == 'postgresql':\n    op.drop_column('post', 'title')"
    assert "title" not in _up(code, dialect="postgresql").tables["post"].columns
    assert "title" in _up(code, dialect="sqlite").tables["post"].columns
    unknown = _up(code)
    assert not unknown.tables["post"].exact


def test_conflicts_name_ops_that_contradict_the_state() -> None:
    rev = _revision(
        CREATE_POST + "op.drop_column('post', 'nope')\nop.create_index('ix_post_author', 'post', ['id'])"
    )
    applied = apply_function(SchemaState(), rev, "upgrade")
    assert [c.message for c in applied.conflicts] == [
        "column `post.nope` does not exist here",
        "index `ix_post_author` already exists here",
    ]
    # on a table it does not know fully, dropping an unseen column is no contradiction
    assert not apply_function(SchemaState(), _revision("op.drop_column('user', 'x')"), "upgrade").conflicts


def test_applying_leaves_the_starting_state_unchanged() -> None:
    base = _up(CREATE_POST)
    columns = dict(base.tables["post"].columns)
    _up("op.drop_column('post', 'title')\nop.drop_table('post')", base)
    assert base.tables["post"].columns == columns and base.exists("post") is True


def test_round_trip_differences_say_what_remains_and_what_is_missing() -> None:
    before = _up(CREATE_POST)
    rev = _revision(
        "op.add_column('post', sa.Column('slug', sa.Text()))\n"
        "op.drop_index('ix_post_author', table_name='post')\n"
        "op.alter_column('post', 'title', type_=sa.String(80))",
        "op.create_index('ix_post_author', 'post', ['author_id'])\n"
        "op.alter_column('post', 'title', type_=sa.VARCHAR(length=50))",
    )
    after_up = apply_function(before, rev, "upgrade").state
    after_down = apply_function(after_up, rev, "downgrade").state
    # String(50) restored as VARCHAR(length=50) is the same type; the slug column stays behind
    assert list(differences(before, after_down)) == ["column `post.slug` remains"]


def test_history_state_before_a_revision_follows_the_graph() -> None:
    first = _revision(CREATE_POST, rid="a")
    second = _revision("op.add_column('post', sa.Column('slug', sa.Text()))", rid="b", parent="a")
    other = _revision("op.create_table('tag', sa.Column('id', sa.Integer()))", rid="c", parent="a")
    merge_text = (
        "from alembic import op\nrevision = 'd'\ndown_revision = ('b', 'c')\n\n"
        "def upgrade():\n    op.drop_column('post', 'slug')\n\ndef downgrade():\n    pass\n"
    )
    merge = parse_revision("d.py", merge_text)
    states = RevisionStates(RevisionGraph([first, second, other, merge]))
    before = states.before(merge)
    assert "slug" in before.tables["post"].columns and before.exists("tag") is True
    assert states.before(first).tables == {}  # a base: nothing known, not "empty database"
    assert "slug" not in states.after("d").tables["post"].columns


def test_a_long_history_is_computed_once_per_revision_and_without_recursion() -> None:
    revisions = [_revision("op.create_table('t0', sa.Column('id', sa.Integer()))", rid="r0")]
    for n in range(1, 2500):
        code = f"op.add_column('t0', sa.Column('c{n}', sa.Integer()))"
        revisions.append(_revision(code, rid=f"r{n}", parent=f"r{n - 1}"))
    states = RevisionStates(RevisionGraph(revisions))
    assert len(states.before(revisions[-1]).tables["t0"].columns) == 2499


def test_applying_many_ops_to_one_table_is_linear() -> None:
    def seconds(count: int) -> float:
        code = "\n".join(f"op.add_column('t', sa.Column('c{n}', sa.Integer()))" for n in range(count))
        rev = _revision("op.create_table('t', sa.Column('id', sa.Integer()))\n" + code)
        start = time.perf_counter()
        apply_function(SchemaState(), rev, "upgrade")
        return time.perf_counter() - start

    small, large = min(seconds(500) for _ in range(3)), min(seconds(4000) for _ in range(3))
    assert large < small * 8 * 3  # 8x the ops: well under quadratic's 64x


def test_tables_of_other_schemas_are_other_tables() -> None:
    state = _up(
        "op.create_table('log', sa.Column('id', sa.Integer()), schema='audit')\n"
        "op.create_table('log', sa.Column('id', sa.Integer()))\n"
        "op.drop_table('log', schema='audit')"
    )
    assert state.exists("log") is True and state.exists("audit.log") is False
    by_variable = _up("op.add_column('log', sa.Column('x', sa.Integer()), schema=name)", state)
    assert not by_variable.tables["log"].exact  # which schema's `log`: not known


def test_an_unsaid_nullable_is_sqlalchemys_default_when_comparing() -> None:
    before = _up(
        "op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('c', sa.Text()))"
    )
    rev = _revision(
        "op.alter_column('t', 'c', nullable=False)\nop.alter_column('t', 'id', nullable=True)",
        "op.alter_column('t', 'c', nullable=True)",
    )
    after = apply_function(apply_function(before, rev, "upgrade").state, rev, "downgrade").state
    assert list(differences(before, after)) == ["column `t.id` differs"]


def test_differences_on_a_table_known_in_part_say_only_what_is_known() -> None:
    before = _up("op.add_column('user', sa.Column('age', sa.Integer()))")  # `user` itself unknown
    rev = _revision(
        "op.alter_column('user', 'age', type_=sa.BigInteger())\n"
        "op.add_column('user', sa.Column('nick', sa.Text()))",
        "op.drop_column('user', 'nick')",
    )
    after = apply_function(apply_function(before, rev, "upgrade").state, rev, "downgrade").state
    # the type change stays behind; `nick` came and went
    assert list(differences(before, after)) == ["column `user.age` differs"]

"""The pieces the schema-safety rules share: column types, dialects, the upgrade timeline, SQL names,
and the demo project staying quiet under every one of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from alembic_ls.analysis.incremental import IncrementalParser
from alembic_ls.analysis.index import ProjectIndex
from alembic_ls.analysis.parser import parse_revision
from alembic_ls.analysis.revision_file import ArgValue
from alembic_ls.analysis.schema_history import UpgradeTimeline, dialect_name, targets_postgresql
from alembic_ls.analysis.sql_types import could_hold_same_data, is_in_place_change, read_type, same_type
from alembic_ls.fixes.op_edits import quote_identifier, with_kwarg
from alembic_ls.project import Project
from alembic_ls.rules.base import CheckContext
from alembic_ls.workspace_check import run_check

SAFETY_CODES = {
    "AM202",
    "AM401",
    "AM402",
    "AM403",
    "AM404",
    "AM405",
    "AM406",
    "AM407",
    "AM408",
    "AM409",
    "AM410",
    "AM411",
}


def type_arg(source: str) -> ArgValue:
    """The type argument as the parser records it, from `sa.Column('c', <source>)`."""
    rev = parse_revision(
        "x.py", f"from alembic import op\ndef upgrade():\n    op.add_column('t', sa.Column('c', {source}))\n"
    )
    column = rev.ops[0].args[1]
    return column.call_args[1]


@pytest.mark.parametrize(
    ("source", "name", "length", "scale"),
    [
        ("sa.String(50)", "STRING", 50, None),
        ("sa.VARCHAR(length=50)", "VARCHAR", 50, None),
        ("sa.Text", "TEXT", None, None),
        ("sa.Numeric(10, 2)", "NUMERIC", 10, 2),
        ("postgresql.JSONB(astext_type=sa.Text())", "JSONB", None, None),
        ("sqlmodel.sql.sqltypes.AutoString()", "AUTOSTRING", None, None),
        ("sa.Integer().with_variant(sa.BigInteger(), 'postgresql')", "INTEGER", None, None),
    ],
)
def test_read_type(source: str, name: str, length: int | None, scale: int | None) -> None:
    found = read_type(type_arg(source))
    assert found is not None and (found.name, found.length, found.scale) == (name, length, scale)


def test_read_type_of_a_literal_is_none() -> None:
    assert read_type(type_arg("'varchar'")) is None


@pytest.mark.parametrize(
    ("old", "new", "same_data"),
    [
        ("sa.VARCHAR()", "sa.String()", True),
        ("sa.Text()", "sqlmodel.sql.sqltypes.AutoString()", True),
        ("sa.INTEGER()", "sa.BigInteger()", True),
        ("sa.Integer()", "sa.String()", False),
        ("sa.Boolean()", "sa.Integer()", False),
        ("MyType()", "MyType()", True),
        ("MyType()", "OtherType()", False),
    ],
)
def test_could_hold_same_data(old: str, new: str, same_data: bool) -> None:
    first, second = read_type(type_arg(old)), read_type(type_arg(new))
    assert first is not None and second is not None
    assert could_hold_same_data(first, second) is same_data


@pytest.mark.parametrize(
    ("old", "new", "in_place"),
    [
        ("sa.String(100)", "sa.String(200)", True),
        ("sa.String(100)", "sa.Text()", True),
        ("sa.Text()", "sa.String()", True),
        ("sa.String(200)", "sa.String(100)", False),
        ("sa.Text()", "sa.String(100)", False),
        ("sa.CHAR(10)", "sa.String(10)", False),
        ("sa.String(10)", "sa.CHAR(10)", False),
        ("sa.Numeric(10, 2)", "sa.Numeric(12, 2)", True),
        ("sa.Numeric(10, 2)", "sa.Numeric(12, 3)", False),
        ("sa.Numeric(10, 2)", "sa.Numeric()", True),
        ("sa.Integer()", "sa.BigInteger()", False),
        ("sa.Integer()", "sa.INTEGER()", True),
        ("sa.Enum('a', name='e')", "sa.Enum('a', 'b', name='e')", False),
    ],
)
def test_is_in_place_change(old: str, new: str, in_place: bool) -> None:
    first, second = read_type(type_arg(old)), read_type(type_arg(new))
    assert first is not None and second is not None
    assert is_in_place_change(first, second) is in_place


def test_same_type_knows_the_spellings_of_one_type() -> None:
    assert same_type(type_arg("sa.VARCHAR(length=50)"), type_arg("sa.String(50)"))
    assert same_type(type_arg("sa.INTEGER()"), type_arg("sa.Integer()"))
    assert not same_type(type_arg("sa.String(50)"), type_arg("sa.String(100)"))
    assert not same_type(type_arg("sa.Integer()"), type_arg("sa.BigInteger()"))


@pytest.mark.parametrize(
    ("dialect", "name", "postgres"),
    [
        (None, None, True),
        ("postgresql", "postgresql", True),
        ("postgres", "postgresql", True),
        ("postgresql+psycopg", "postgresql", True),
        ("PostgreSQL", "postgresql", True),
        ("sqlite", "sqlite", False),
        ("mysql+pymysql", "mysql", False),
        ("mssql", "mssql", False),
    ],
)
def test_dialects(tmp_path: Path, dialect: str | None, name: str | None, postgres: bool) -> None:
    project = Project(tmp_path, None, tmp_path, (tmp_path,))
    ctx = CheckContext(ProjectIndex(project), dialect=dialect)
    rev = parse_revision(str(tmp_path / "a1_change.py"), "revision = 'a1'\n")
    assert dialect_name(ctx) == name
    assert targets_postgresql(ctx, rev) is postgres


def test_timeline_follows_creations_and_renames_in_order() -> None:
    source = (
        "from alembic import op\n"
        "def upgrade():\n"
        "    op.add_column('draft', sa.Column('early', sa.Integer()))\n"
        "    op.create_table('draft', sa.Column('id', sa.Integer()))\n"
        "    op.rename_table('draft', 'post_draft')\n"
        "    op.add_column('post_draft', sa.Column('body', sa.Text()))\n"
        "    op.alter_column('post_draft', 'body', new_column_name='text')\n"
        "    op.alter_column('user', 'name', new_column_name='full_name')\n"
    )
    timeline = UpgradeTimeline(parse_revision("x.py", source))
    early, create, rename, add, rename_column, existing = timeline.ops
    assert not timeline.table_is_new(early)  # `draft` is created only after this op
    assert not timeline.table_is_new(create)
    assert timeline.table_is_new(rename, "draft")
    assert timeline.table_is_new(add) and timeline.column_is_new(rename_column)
    assert not timeline.table_is_new(existing) and not timeline.column_is_new(existing)


_TIMELINE_SOURCE = (
    "from alembic import op\n"
    "def upgrade():\n"
    "    op.create_table('draft', sa.Column('id', sa.Integer()))\n"
    "    op.add_column('draft', sa.Column('body', sa.Text(), nullable=False))\n"
    "    op.alter_column('draft', 'body', new_column_name='text')\n"
    "    op.create_index('ix', 'draft', ['text'])\n"
    "    op.rename_table('draft', 'post')\n"
    "    op.add_column('post', sa.Column('late', sa.Integer()))\n"
    "    op.create_foreign_key('fk', 'post', 'user', ['late'], ['id'])\n"
)


def _answers(timeline: UpgradeTimeline) -> list[tuple[object, ...]]:
    return [
        (
            timeline.table_is_new(op),
            timeline.column_is_new(op),
            timeline.exclusive_lock_before(op),
            timeline.column_is_null(op, "late"),
            timeline.column_is_null(op, "body"),
        )
        for op in timeline.ops
    ]


@pytest.mark.parametrize(
    ("old", "new", "kept"),
    [
        ("sa.Text()", "sa.Texx()", True),  # a keystroke in a type: nothing the timeline records
        ("'id', sa.Integer", "'ix', sa.Integer", True),
        ("create_table('draft'", "create_table('drafx'", False),  # the table it creates
        ("Column('body'", "Column('bodx'", False),  # the column the rename then misses
        ("new_column_name='text'", "new_column_name='texx'", False),
        ("rename_table('draft', 'post')", "rename_table('draft', 'posx')", False),
        ("rename_table('draft'", "rename_table('drafx'", False),
    ],
)
def test_a_timeline_built_on_the_last_version_answers_as_a_fresh_one(old: str, new: str, kept: bool) -> None:
    """A keystroke inside one op keeps the timeline's tables and columns only when the op records
    the same names; either way every answer is the one a timeline built afresh gives."""
    parser = IncrementalParser()
    earlier = UpgradeTimeline(parse_revision("x.py", _TIMELINE_SOURCE, parser))
    assert _TIMELINE_SOURCE.count(old) == 1
    revision = parse_revision("x.py", _TIMELINE_SOURCE.replace(old, new), parser)
    assert parser.reused  # the unchanged ops are the very same objects
    timeline = UpgradeTimeline(revision, earlier)
    assert (timeline._tables is earlier._tables) is kept
    assert _answers(timeline) == _answers(UpgradeTimeline(revision))


@pytest.mark.parametrize(
    ("name", "dialect", "quoted"),
    [
        ("post", None, "post"),
        ("user", "postgresql", '"user"'),
        ("Order", None, '"Order"'),
        ('we"ird', None, '"we""ird"'),
        ("order", "mysql", "`order`"),
        ("total", "mysql", "total"),
    ],
)
def test_quote_identifier(name: str, dialect: str | None, quoted: str) -> None:
    assert quote_identifier(name, dialect) == quoted


@pytest.mark.parametrize(
    ("call", "result"),
    [
        ("f()", "f(x=True)"),
        ("f(a)", "f(a, x=True)"),
        ("f(a,)", "f(a, x=True)"),
        ("f(a, x=False)", "f(a, x=True)"),
        ("f(\n    a,\n)", "f(\n    a,\n    x=True,\n)"),
        ("f(\n    a,\n    b,\n)", "f(\n    a,\n    b,\n    x=True,\n)"),
        ("f(a,\n  b,\n)", "f(a,\n  b,\n  x=True,\n)"),
        ("f(\n    a\n)", "f(\n    a, x=True\n)"),
        ("f(a, x=flag(1, 2))", "f(a, x=True)"),  # the old value's own parentheses
        ("f(a, xy=1)", "f(a, xy=1, x=True)"),
        ("f(a, y=g(x=1))", "f(a, y=g(x=1), x=True)"),  # a nested call's `x=` is not this call's
        ("f(a,  # why\n  b)", "f(a,  # why\n  b, x=True)"),
    ],
)
def test_with_kwarg(call: str, result: str) -> None:
    assert with_kwarg(call, "x", "True") == result


def test_the_demo_is_quiet_under_every_safety_rule(demo_copy: Path) -> None:
    result = run_check([demo_copy], use_cache=False)
    found = sorted((Path(f.path).name[:12], f.code, f.span.line + 1) for f in result.findings)
    assert not SAFETY_CODES & {code for _, code, _ in found}
    assert found == [
        ("3c4d5e6f7081", "AM101", 23),
        ("4d5e6f708192", "AM104", 30),
        ("4d5e6f708192", "AM306", 4),
        ("5e6f708192a3", "AM201", 31),
        ("6f708192a3b4", "AM501", 25),
    ]


def test_the_dialect_setting_overrides_sqlalchemy_url(write_history) -> None:
    index = "    op.create_index('ix_post_title', 'post', ['title'])"
    history = write_history(("a1", None, {"upgrade": index, "downgrade": "    pass"}))
    assert not [f for f in run_check([history.root], use_cache=False).findings if f.code == "AM403"]
    (history.root / "pyproject.toml").write_text('[tool.alembic-ls]\ndialect = "postgresql"\n')
    assert [f.code for f in run_check([history.root], use_cache=False).findings if f.code == "AM403"] == [
        "AM403"
    ]

"""AM601: differences between models and database, placed on the model's own line.

On the demo (SQLModel) and on a plain SQLAlchemy 2 declarative project, each on SQLite and PostgreSQL.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from agent_support import DIALECTS, Blog, blog_fixture, make_blog, session_for  # noqa: F401  (fixtures)

from alembic_ls import operations
from alembic_ls.drift.locate import suggest_message
from alembic_ls.drift.models_file import map_models

DECLARATIVE_MODELS = """\
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "account"
    __table_args__ = (Index("ix_account_name_email", "display_name", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str | None] = mapped_column("display_name", String(100))
    orders: Mapped[list["Order"]] = relationship(back_populates="account")


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    account: Mapped[Account] = relationship(back_populates="orders")
"""

DECLARATIVE_ENV = """\
import sys
from pathlib import Path

from alembic import context
from sqlalchemy import engine_from_config, pool

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from shop.models import Base  # noqa: E402

config = context.config
connectable = engine_from_config(
    config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()
"""


def line_of(path: Path, needle: str) -> int:
    """1-based line holding `needle`."""
    return 1 + next(i for i, text in enumerate(path.read_text().splitlines()) if needle in text)


def found(report: operations.DriftReport) -> list[tuple[str, int, str]]:
    return sorted((Path(f.path).name, f.span.line + 1, f.message) for f in report.findings)


# -- the static model map -------------------------------------------------------------------------


def test_sqlmodel_classes_map_to_their_lines() -> None:
    demo = Path(__file__).resolve().parents[2] / "examples" / "blog" / "app" / "models.py"
    mapped = map_models(str(demo), demo.read_text())
    assert sorted(mapped.tables) == ["post", "tag", "user"]
    user = mapped.tables["user"]
    assert (user.class_name, user.span.line + 1) == ("User", line_of(demo, "class User("))
    assert user.columns["email"].span.line + 1 == line_of(demo, "email: str = Field(")
    assert sorted(user.columns["email"].flags) == ["index", "unique"]
    assert sorted(mapped.tables["post"].columns["author_id"].flags) == ["foreign_key", "index"]


def test_declarative_models_map_columns_constraints_and_renamed_columns(tmp_path: Path) -> None:
    path = tmp_path / "models.py"
    path.write_text(DECLARATIVE_MODELS)
    mapped = map_models(str(path), DECLARATIVE_MODELS)
    assert sorted(mapped.tables) == ["account", "orders"]
    account = mapped.tables["account"]
    assert sorted(account.columns) == ["display_name", "email", "id"]  # relationships are not columns
    assert account.columns["display_name"].span.line + 1 == line_of(path, "name: Mapped[str | None]")
    assert account.constraints["ix_account_name_email"].line + 1 == line_of(path, "__table_args__")
    assert "foreign_key" in mapped.tables["orders"].columns["account_id"].flags


def test_imperative_tables_are_mapped(tmp_path: Path) -> None:
    source = textwrap.dedent(
        """\
        import sqlalchemy as sa

        metadata = sa.MetaData()
        audit = sa.Table(
            "audit",
            metadata,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("actor", sa.String(50), index=True),
        )
        """
    )
    mapped = map_models("tables.py", source)
    assert mapped.tables["audit"].columns["actor"].span.line == 7
    assert "index" in mapped.tables["audit"].columns["actor"].flags


def test_suggested_messages() -> None:
    add = {"op": "add_column", "table": "post", "column": "score"}
    drop = {"op": "remove_column", "table": "post", "column": "legacy"}
    assert suggest_message([add]) == "add score to post"
    assert suggest_message([add, drop]) == "add score to post and drop legacy from post"
    assert suggest_message([{"op": "add_table", "table": "tag"}]) == "create tag table"


# -- through the agent, SQLModel demo ---------------------------------------------------------------


async def at_head(blog: Blog) -> None:
    blog.fix_undefined_names()
    async with session_for(blog) as session:
        assert (await operations.upgrade(session, "head")).ok


async def test_a_new_field_is_reported_on_its_line(blog: Blog) -> None:
    await at_head(blog)
    blog.add_model_field("score: float | None = Field(default=None)")
    async with session_for(blog) as session:
        report = await operations.drift(session)
    line = line_of(blog.models, "score: float | None")
    assert report.ok and report.suggestion == "add score to post"
    assert found(report) == [
        (
            "models.py",
            line,
            "Column `post.score` is in the models but no migration creates it. "
            'Generate a migration ("add score to post").',
        )
    ]
    fix = report.findings[0].fix
    assert fix is not None and fix.params["command"] == "alembic-ls.generateMigration"
    assert fix.params["arguments"] == [{"project": str(blog.root.resolve()), "message": "add score to post"}]


async def test_a_removed_field_says_what_the_next_migration_would_drop(blog: Blog) -> None:
    await at_head(blog)
    text = blog.models.read_text()
    blog.models.write_text(text.replace("    bio: str | None = Field(default=None)\n", ""))
    async with session_for(blog) as session:
        report = await operations.drift(session)
    [(name, line, message)] = found(report)
    assert (name, line) == ("models.py", line_of(blog.models, "class User("))
    assert message.startswith(
        "The database has column `user.bio` but no model defines it: the next migration"
    )
    assert "drop it, with its data" in message


async def test_an_index_flag_is_reported_on_the_keyword(blog: Blog) -> None:
    await at_head(blog)
    text = blog.models.read_text()
    blog.models.write_text(text.replace("    name: str\n", "    name: str = Field(index=True)\n", 1))
    async with session_for(blog) as session:
        report = await operations.drift(session)
    [finding] = report.findings
    row = line_of(blog.models, "name: str = Field(index=True)")
    assert (finding.span.line + 1, finding.path.endswith("models.py")) == (row, True)
    source_line = blog.models.read_text().splitlines()[row - 1]
    assert source_line[finding.span.col : finding.span.end_col] == "index=True"
    assert "ix_user_name" in finding.message


async def test_no_drift_and_database_behind_are_said_plainly(blog: Blog) -> None:
    blog.fix_undefined_names()
    async with session_for(blog) as session:
        behind = await operations.drift(session)
        assert behind.ok and not behind.up_to_date and behind.findings == []
        assert "upgrade it first" in behind.message
        assert (await operations.upgrade(session, "head")).ok
        clean = await operations.drift(session)
    assert clean.ok and clean.findings == [] and clean.message.startswith("Models and migrations agree")


# -- plain SQLAlchemy 2 declarative -----------------------------------------------------------------


@pytest.fixture(params=DIALECTS)
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Blog]:
    """A declarative project: alembic.ini, env.py importing shop.models, no revisions yet."""
    root = tmp_path / "shop"
    (root / "shop").mkdir(parents=True)
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "models.py").write_text(DECLARATIVE_MODELS)
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "migrations" / "env.py").write_text(DECLARATIVE_ENV)
    demo = Path(__file__).resolve().parents[2] / "examples" / "blog" / "migrations" / "script.py.mako"
    (root / "migrations" / "script.py.mako").write_text(demo.read_text())
    (root / "alembic.ini").write_text(
        "[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = sqlite:///%(here)s/shop.db\n"
    )
    yield from make_blog(root, request.param)


async def test_declarative_project_drift_lands_on_mapped_column_lines(shop: Blog) -> None:
    models = shop.root / "shop" / "models.py"
    async with session_for(shop) as session:
        created = await operations.generate(session, "create account and orders")
        assert created.ok and created.data["findings"] == [], created.message
        assert (await operations.upgrade(session, "head")).ok
        models.write_text(
            models.read_text().replace(
                "    email: Mapped[str] = mapped_column(String(200), unique=True)\n",
                "    email: Mapped[str] = mapped_column(String(200), unique=True)\n"
                "    score: Mapped[float | None] = mapped_column()\n",
            )
        )
        report = await operations.drift(session)
    assert [(Path(f.path).name, f.span.line + 1) for f in report.findings] == [
        ("models.py", line_of(models, "score: Mapped[float | None]"))
    ]
    assert "`account.score`" in report.findings[0].message

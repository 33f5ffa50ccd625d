"""Shared by the agent tests: the demo on SQLite or on a fresh PostgreSQL database, and an agent for it.

PostgreSQL tests create a uniquely named database on 127.0.0.1:5432 (user postgres, trust auth) and drop
it afterwards; they are skipped, with the reason, when that server is not reachable.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from alembic_ls.cli import main as cli_main
from alembic_ls.operations import ProjectSession
from alembic_ls.project import Project, discover_projects
from alembic_ls.runner.launch import Launch
from alembic_ls.runner.process import AgentProcess

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
DIALECTS = ("sqlite", "postgresql")


@dataclass
class Blog:
    root: Path
    dialect: str
    url: str
    database: str | None = None  # the PostgreSQL database made for the test

    @property
    def project(self) -> Project:
        projects, errors = discover_projects([self.root])
        assert not errors and len(projects) == 1, (projects, errors)
        return projects[0]

    @property
    def versions(self) -> Path:
        return self.root / "migrations" / "versions"

    @property
    def models(self) -> Path:
        return self.root / "app" / "models.py"

    def revision_files(self) -> set[str]:
        return {p.name for p in self.versions.glob("*.py")}

    def set_url(self, url: str) -> None:
        ini = self.root / "alembic.ini"
        text = ini.read_text(encoding="utf-8")
        ini.write_text(
            re.sub(r"(?m)^sqlalchemy\.url = .*$", f"sqlalchemy.url = {url}", text), encoding="utf-8"
        )

    def fix_undefined_names(self) -> None:
        """The demo's planted AM501 (`sqlmodel` not imported in 6f708192a3b4), fixed as a user would."""
        cli_main(["check", "--fix", "--select", "AM501", "--no-cache", str(self.root)])
        assert "import sqlmodel" in (self.versions / "6f708192a3b4_add_subtitle_to_post.py").read_text()

    def add_model_field(self, line: str, model: str = "Post") -> None:
        text = self.models.read_text(encoding="utf-8")
        anchor = f"class {model}(SQLModel, table=True):\n"
        assert anchor in text
        self.models.write_text(text.replace(anchor, anchor + f"    {line}\n"), encoding="utf-8")


def postgres_admin() -> object:
    """A psycopg connection to the server (autocommit), or skip the test saying why."""
    psycopg = pytest.importorskip("psycopg")
    try:
        return psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True, connect_timeout=3
        )
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable on 127.0.0.1:5432 as postgres: {exc}".strip())


def scratch_databases() -> set[str]:
    conn = postgres_admin()
    try:
        rows = conn.execute(  # type: ignore[attr-defined]
            "SELECT datname FROM pg_database WHERE datname LIKE 'alembic_ls_scratch_%'"
        ).fetchall()
    finally:
        conn.close()  # type: ignore[attr-defined]
    return {row[0] for row in rows}


def make_blog(demo_copy: Path, dialect: str) -> Iterator[Blog]:
    if dialect == "sqlite":
        yield Blog(demo_copy, "sqlite", f"sqlite:///{demo_copy / 'blog.db'}")
        return
    conn = postgres_admin()
    name = f"alembic_ls_test_{secrets.token_hex(5)}"
    conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[attr-defined]
    blog = Blog(demo_copy, "postgresql", f"{PG_SERVER}/{name}", name)
    blog.set_url(blog.url)
    try:
        yield blog
    finally:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[attr-defined]
        conn.close()  # type: ignore[attr-defined]


@contextlib.asynccontextmanager
async def agent_for(
    root: Path, timeout: float = 60.0, log: Callable[[str], None] | None = None
) -> AsyncIterator[AgentProcess]:
    """An agent on the tests' interpreter, which has what the demo needs (alembic, sqlmodel, psycopg)."""
    agent = AgentProcess(Launch((sys.executable,), root, "the tests' interpreter"), timeout=timeout, log=log)
    try:
        yield agent
    finally:
        await agent.stop()


@contextlib.asynccontextmanager
async def session_for(blog: Blog, timeout: float = 60.0) -> AsyncIterator[ProjectSession]:
    async with agent_for(blog.root, timeout) as agent:
        yield ProjectSession(blog.project, agent)


@pytest.fixture(params=DIALECTS, name="blog")
def blog_fixture(request: pytest.FixtureRequest, demo_copy: Path) -> Iterator[Blog]:
    """The demo on SQLite, then on a fresh PostgreSQL database."""
    yield from make_blog(demo_copy, request.param)


@pytest.fixture(name="sqlite_blog")
def sqlite_blog_fixture(demo_copy: Path) -> Iterator[Blog]:
    yield from make_blog(demo_copy, "sqlite")


@pytest.fixture(name="pg_blog")
def pg_blog_fixture(demo_copy: Path) -> Iterator[Blog]:
    yield from make_blog(demo_copy, "postgresql")

"""A database that goes away while a revision runs is said as such, not as "cannot reach the database"."""

from __future__ import annotations

from pathlib import Path

from alembic_ls.agent.payload.alembic_ls_agent import protocol
from alembic_ls.project import Project
from alembic_ls.runner.errors import AgentError
from alembic_ls.runner.messages import explain

URL = "postgresql+psycopg://app:s3cret@db.internal:5432/shop"


def project(tmp_path: Path) -> Project:
    versions = (tmp_path / "migrations" / "versions").resolve()
    versions.mkdir(parents=True)
    return Project(
        tmp_path.resolve(), tmp_path / "alembic.ini", versions.parent, (versions,), sqlalchemy_url=URL
    )


def unreachable(file: Path | None, line: int | None) -> AgentError:
    return AgentError(
        protocol.DATABASE_UNREACHABLE,
        "(psycopg.OperationalError) consuming input failed: server closed the connection unexpectedly\n"
        "This probably means the server terminated abnormally",
        file=str(file) if file else None,
        line=line,
    )


def test_lost_in_a_revision_names_the_line_and_how_to_find_where_the_database_stands(tmp_path: Path) -> None:
    owner = project(tmp_path)
    revision = owner.version_locations[0] / "7a8b9c0d1e2f_slow.py"
    message = explain(unreachable(revision, 30), owner, "upgrade head")
    assert message == (
        "Lost the connection to the database postgresql+psycopg://app:***@db.internal:5432/shop while "
        "running migrations/versions/7a8b9c0d1e2f_slow.py:30: consuming input failed: server closed the "
        "connection unexpectedly. Whatever the database had not committed was rolled back. When it is "
        "reachable again, run current (`alembic current`) to see which revision it is at, then run "
        "upgrade head again."
    )


def test_not_reached_at_all_still_says_start_it(tmp_path: Path) -> None:
    owner = project(tmp_path)
    message = explain(unreachable(tmp_path / "migrations" / "env.py", 40), owner, "upgrade head")
    assert message.startswith("Cannot reach the database postgresql+psycopg://app:***@db.internal:5432/shop")
    assert "Start the database server" in message

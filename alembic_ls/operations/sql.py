"""Show SQL: the offline (`--sql`) script of one revision, written to a file the client opens."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from alembic_ls.operations.result import OperationResult
from alembic_ls.operations.session import ProjectSession, short
from alembic_ls.runner.errors import AgentError


def sql_root() -> Path:
    """Where every Show SQL file goes (one folder per project below it); see server/sql_files.py."""
    return Path(tempfile.gettempdir()) / "alembic-ls-sql"


def sql_path(session: ProjectSession, revision: str) -> Path:
    """A stable place per project and revision, outside the project (it is not a source file)."""
    tag = hashlib.sha1(str(session.project.script_location).encode()).hexdigest()[:8]
    folder = sql_root() / tag
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{revision}.sql"


async def show_sql(session: ProjectSession, revision: str) -> OperationResult:
    revision = revision.strip()
    if not revision:
        return OperationResult(False, "Name the revision whose SQL to show.", {"error": "no-revision"})
    session.report(f"offline SQL for {revision}")
    try:
        answer = await session.show_sql(revision)
    except AgentError as error:
        return await session.failure(error, f"show SQL for {revision}")
    rid = answer["revision"]
    parents = answer["from"]
    path = sql_path(session, rid)
    start = ", ".join(short(p) for p in parents) or "an empty database"
    header = f"-- alembic-ls: offline SQL of revision {rid} (upgrade from {start}); nothing was run.\n"
    path.write_text(header + answer["sql"], encoding="utf-8")
    return OperationResult(
        True,
        f"Offline SQL for {short(rid)} (upgrade from {start}) is in {path.name}.",
        {"revision": rid, "path": str(path), "sql": answer["sql"]},
        show=[path],
    )

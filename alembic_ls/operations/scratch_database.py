"""A scratch database for one operation: created next to the project's database, always dropped after."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

from alembic_ls.operations.session import ProjectSession
from alembic_ls.runner.errors import AgentError


@dataclass
class ScratchDatabase:
    session: ProjectSession  # the project, run against the scratch database (and only it: see guard.py)
    display: str  # its URL, password masked
    dropped: bool = False


@contextlib.asynccontextmanager
async def scratch_database(
    session: ProjectSession, server_url: str | None = None
) -> AsyncIterator[ScratchDatabase]:
    """A temporary SQLite file, or CREATE DATABASE on the server of the project's URL (or `server_url`).

    Raises AgentError when it cannot be made. Dropped on the way out whatever happened inside (an error,
    a cancel); a failed drop is reported, not raised, so it never hides what happened inside."""
    made = await session.scratch_create(server_url)
    scratch = ScratchDatabase(replace(session, url=made["url"], scratch=True), made["display"])
    session.report(f"scratch database {scratch.display}")
    try:
        yield scratch
    finally:
        try:
            # Even when the command's time is up: a scratch database is never left behind on purpose.
            await session.without_deadline().scratch_drop(made["url"], made["name"])
            scratch.dropped = True
            session.report(f"dropped {scratch.display}")
        except AgentError as error:
            session.report(f"could not drop the scratch database {scratch.display}: {error.detail}")

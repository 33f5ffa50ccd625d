"""What the agent's operations read the revision files from, in the language server: its own index.

Operations (status, drift, generate, ...) look at the revision graph to describe where the database
is. In the server that is the index the editor's edits and the file events keep current, read on the
analysis thread like every other request; re-reading the project from disk on the event loop stalled
every editor request for seconds on a large history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from alembic_ls.analysis.index import ProjectIndex
from alembic_ls.project import Project
from alembic_ls.server.server import AlembicLanguageServer

T = TypeVar("T")


@dataclass(frozen=True)
class ServerRevisions:
    server: AlembicLanguageServer
    project: Project

    async def read(self, job: Callable[[ProjectIndex], T]) -> T:
        server = self.server
        await server.ready.wait()

        def run() -> T:
            location = self.project.script_location
            state = next((p for p in server.state.projects if p.project.script_location == location), None)
            if state is None:  # the project went away while the operation ran: read what is on disk
                return job(ProjectIndex.build(self.project, server.state.cache))
            return job(state.index)

        return await server.analyse(run)

"""The language server's side of the agent: one pool of agents, one lock per project, status pushes.

Only trusted workspaces (client setting `trusted`, default true) ever start an agent. Passive work
(the status shown to clients) reads alembic_version and nothing else.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from pathlib import Path
from typing import Any

from alembic_ls.operations import ProjectSession, status
from alembic_ls.runner.pool import AgentPool
from alembic_ls.server.paths import uri_to_path
from alembic_ls.server.server import AlembicLanguageServer
from alembic_ls.server.state import ProjectState
from alembic_ls.server.status import send_status

logger = logging.getLogger("alembic_ls.agent")

UNTRUSTED = (
    "This workspace is not trusted, so alembic-ls does not run the project's code (env.py, models) here; "
    "static checks still run. Trust the workspace (setting `trusted`) to use database commands."
)


def _log(message: str) -> None:
    logger.info(message)


def _ignore(_message: str) -> None:
    return None


class AgentHub:
    def __init__(self) -> None:
        self.pool = AgentPool(log=_log)
        self._locks: dict[Path, asyncio.Lock] = {}
        self._status_task: asyncio.Task[None] | None = None
        self._status_again = False

    def lock(self, state: ProjectState) -> asyncio.Lock:
        """One agent command at a time per project: two upgrades must never race."""
        return self._locks.setdefault(state.project.script_location, asyncio.Lock())

    def session(self, state: ProjectState, report: Any = _ignore) -> ProjectSession:
        folder = uri_to_path(state.folder) if state.folder else None
        interpreter = list(state.client.interpreter) if state.client.interpreter else None
        launch = self.pool.launch_for(state.project.root, Path(folder) if folder else None, interpreter)
        self.pool.set_timeout(state.client.agent_timeout)
        return ProjectSession(state.project, self.pool.get(launch), state.settings, report)

    # -- the alembic-ls/status notification ---------------------------------------------------

    def refresh_status(self, server: AlembicLanguageServer) -> None:
        """Recompute and push the status of every trusted project (coalesced: one run at a time)."""
        if self._status_task is not None and not self._status_task.done():
            self._status_again = True
            return
        self._status_task = server.spawn(self._status_loop(server), "sending alembic-ls/status")

    async def _status_loop(self, server: AlembicLanguageServer) -> None:
        await server.ready.wait()
        while True:
            self._status_again = False
            entries = []
            for state in list(server.state.projects):
                if not state.client.trusted:
                    continue
                async with self.lock(state):
                    entries.append(await status(self.session(state)))
            if entries:
                send_status(server, entries)
            if not self._status_again:
                return


_HUBS: weakref.WeakKeyDictionary[AlembicLanguageServer, AgentHub] = weakref.WeakKeyDictionary()


def hub_for(server: AlembicLanguageServer) -> AgentHub:
    hub = _HUBS.get(server)
    if hub is None:
        hub = _HUBS[server] = AgentHub()
    return hub


def register(server: AlembicLanguageServer) -> None:
    """Push the status when the projects are indexed (server start, re-index, graph edits)."""

    def projects_changed(changed_server: AlembicLanguageServer, _projects: list[ProjectState]) -> None:
        hub_for(changed_server).refresh_status(changed_server)

    server.projects_listeners.append(projects_changed)

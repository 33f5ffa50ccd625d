"""The language server's side of the agent: one pool of agents, one lock per project, status pushes.

Only trusted workspaces (client setting `trusted`, default true) ever start an agent. Passive work
(the status shown to clients) reads alembic_version and nothing else. Operations read the revision
files from the server's own index (`ServerRevisions`), never by re-indexing the project.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic_ls.operations import ProjectSession
from alembic_ls.operations.inspect import DatabasePosition, position
from alembic_ls.runner.pool import AgentPool
from alembic_ls.server.agent_drift import DriftWatcher, saved_path_matters
from alembic_ls.server.agent_revisions import ServerRevisions
from alembic_ls.server.database_position import learn_position
from alembic_ls.server.paths import uri_to_path
from alembic_ls.server.project_gate import ProjectGate
from alembic_ls.server.server import AlembicLanguageServer
from alembic_ls.server.status import send_status
from alembic_ls.wording import Wording
from alembic_ls.workspace.state import ProjectState

logger = logging.getLogger("alembic_ls.agent")


def untrusted_message(wording: Wording) -> str:
    """Why a database command refused, and how to trust the workspace, in the client's own terms."""
    return (
        f"{wording.restricted}, so alembic-ls does not run the project's code (env.py, models) here; "
        f"static checks still run. {wording.trust_workspace}"
    )


def _log(message: str) -> None:
    logger.info(message)


def _ignore(_message: str) -> None:
    return None


class AgentHub:
    def __init__(self, server: AlembicLanguageServer) -> None:
        self._server = weakref.ref(server)  # the server owns the hub (its session): no cycle
        self.pool = AgentPool(log=_log)
        self._gates: dict[Path, ProjectGate] = {}
        self._status_task: asyncio.Task[None] | None = None
        self._status_again = False
        self.drift = DriftWatcher(self)
        # The last status entry sent per project (script location): what the revision graph marks as applied.
        self.statuses: dict[Path, dict[str, Any]] = {}

    def gate(self, state: ProjectState) -> ProjectGate:
        """One agent command at a time per project: two upgrades must never race."""
        return self._gates.setdefault(state.project.script_location, ProjectGate())

    def lock(self, state: ProjectState) -> asyncio.Lock:
        return self.gate(state).lock

    def session(self, state: ProjectState, report: Callable[[str], None] = _ignore) -> ProjectSession:
        folder = uri_to_path(state.folder) if state.folder else None
        interpreter = list(state.client.interpreter) if state.client.interpreter else None
        launch = self.pool.launch_for(state.project.root, Path(folder) if folder else None, interpreter)
        self.pool.set_timeout(state.client.agent_timeout)
        server = self._server()
        revisions = ServerRevisions(server, state.project) if server is not None else None
        return ProjectSession(
            state.project,
            self.pool.get(launch),
            state.settings,
            report,
            revisions=revisions,
            wording=state.client.wording,
        )

    # -- what the rest of the server tells the hub ---------------------------------------------

    def projects_changed(self, projects: list[ProjectState]) -> None:
        """Projects (re)indexed, or a graph edited: push the status again and check drift."""
        server = self._server()
        if server is None:
            return
        self.refresh_status(server)
        for state in projects:
            self.drift.schedule(server, state)

    def document_saved(self, uri: str) -> None:
        """A saved model file (or any project module, before the model files are known) -> drift check."""
        server, path = self._server(), uri_to_path(uri)
        if server is None or path is None:
            return
        for state in list(server.state.projects):
            if saved_path_matters(self.drift, state, path):
                self.drift.schedule(server, state)

    def known_status(self, state: ProjectState) -> dict[str, Any] | None:
        """The project's last `alembic-ls/status` entry; None when none was computed (no agent, untrusted)."""
        return self.statuses.get(state.project.script_location)

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
            preempted = False
            for state in list(server.state.projects):
                if not state.client.trusted:
                    await learn_position(server, state, None)  # it may have been trusted before
                    # The static half only: the client still learns that there is a project, and its heads.
                    entries.append(await _static_entry(server, state))
                    continue
                done, found = await self.gate(state).read(functools.partial(position, self.session(state)))
                if not done or found is None:
                    self._status_again = preempted = True  # a command pre-empted it: read again after
                    continue
                key = state.project.script_location
                entry = found.status_entry(
                    str(key), self.drift.counts.get(key, 0), self.drift.not_compared.get(key)
                )
                self.statuses[key] = entry
                entries.append(entry)
                # No database yet (a SQLite file never created) has applied nothing: every revision is
                # flagged, as the status counts every revision pending.
                known = tuple(found.current) if found.current is not None else None
                await learn_position(server, state, known)
            # Sent with no entry too: a client hides its project commands when the workspace has no
            # project. Never a partial list: a project missing from it would read as gone.
            if not preempted:
                send_status(server, entries)
            if not self._status_again:
                return


async def _static_entry(server: AlembicLanguageServer, state: ProjectState) -> dict[str, Any]:
    """A status entry without the database (untrusted: the agent never runs): current unknown."""
    no_heads: list[str] = []
    heads = await server.query(lambda: list(state.index.graph.heads), no_heads, "reading the heads")
    return DatabasePosition(None, heads, 0).status_entry(str(state.project.script_location))

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

from lsprotocol import types

from alembic_ls.operations import ProjectSession, status
from alembic_ls.runner.pool import AgentPool
from alembic_ls.server.agent_drift import DriftWatcher, saved_path_matters
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
        self.drift = DriftWatcher(self)

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
                    entry = await status(self.session(state))
                entry["drift"] = self.drift.counts.get(state.project.script_location, 0)
                entries.append(entry)
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


def document_saved(server: AlembicLanguageServer, uri: str) -> None:
    """A saved model file (or any project module, before the model files are known) -> drift check."""
    path = uri_to_path(uri)
    if path is None:
        return
    watcher = hub_for(server).drift
    for state in list(server.state.projects):
        if saved_path_matters(watcher, state, path):
            watcher.schedule(server, state)


def register(server: AlembicLanguageServer) -> None:
    """Status and drift when the projects are indexed (start, re-index, graph edits) and on saves."""

    def projects_changed(changed_server: AlembicLanguageServer, projects: list[ProjectState]) -> None:
        hub = hub_for(changed_server)
        hub.refresh_status(changed_server)
        for state in projects:
            hub.drift.schedule(changed_server, state)

    server.projects_listeners.append(projects_changed)
    _listen_to_saves(server)


def _listen_to_saves(server: AlembicLanguageServer) -> None:
    """pygls takes one handler per notification and the diagnostics engine owns didSave: run it, then
    ours. (Registered normally when nobody else handles didSave.)"""
    features = server.protocol.fm.features
    original = features.get(types.TEXT_DOCUMENT_DID_SAVE)
    if original is None:

        @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
        def did_save(params: types.DidSaveTextDocumentParams) -> None:
            document_saved(server, params.text_document.uri)

        return

    def did_save_too(params: types.DidSaveTextDocumentParams) -> Any:
        try:
            return original(params)
        finally:
            document_saved(server, params.text_document.uri)

    features[types.TEXT_DOCUMENT_DID_SAVE] = did_save_too

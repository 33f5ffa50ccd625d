"""Watch the files the analysis depends on, when the client can watch files for us.

Revision files changed outside the editor (git checkout, `alembic revision`) are re-read; a
changed alembic.ini, pyproject.toml or env.py can move or create projects, so the workspace is
re-discovered. script.py.mako is read on demand (the AM501 template action), so watching it keeps
nothing stale but costs nothing either.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid

from lsprotocol import types

from alembic_ls.server.paths import uri_to_path
from alembic_ls.server.server import AlembicLanguageServer

logger = logging.getLogger("alembic_ls.server")

GLOBS = ("**/*.py", "**/alembic.ini", "**/pyproject.toml", "**/script.py.mako")
PROJECT_FILES = frozenset({"alembic.ini", "pyproject.toml", "env.py"})


async def register_watchers(server: AlembicLanguageServer) -> bool:
    workspace = server.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace else None
    if not (watched and watched.dynamic_registration):
        return False
    registration = types.Registration(
        id=str(uuid.uuid4()),
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in GLOBS]
        ),
    )
    try:
        await asyncio.wait_for(
            server.client_register_capability_async(types.RegistrationParams(registrations=[registration])),
            5.0,
        )
    except Exception as exc:
        logger.info("could not register file watchers: %s", exc)
        return False
    return True


def register(server: AlembicLanguageServer) -> None:
    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        engine = server.session.diagnostics
        reload = False
        for change in params.changes:
            path = uri_to_path(change.uri)
            if path is None:
                continue
            name = os.path.basename(path)
            if name in PROJECT_FILES:
                reload = True
            elif name.endswith(".py"):
                engine.file_changed_on_disk(path)
        if reload:
            engine.reload_workspace()

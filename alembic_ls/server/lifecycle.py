"""initialize / initialized / shutdown, and workspace folders coming and going."""

from __future__ import annotations

import asyncio
import logging
import threading

from lsprotocol import types

from alembic_ls.server import configuration, file_watching, sql_files
from alembic_ls.server.server import AlembicLanguageServer
from alembic_ls.server.text_sync import use_lsp_line_breaks
from alembic_ls.workspace.client_settings import unwrap

logger = logging.getLogger("alembic_ls.server")


def _save_caches_after_analysis(server: AlembicLanguageServer) -> None:
    """Once the analysis thread's last job has ended, as the analysis thread would."""
    server.analysis_pool.shutdown(wait=True)
    try:
        server.state.save_caches()
    except Exception:
        logger.exception("writing the caches at shutdown failed")


def register(server: AlembicLanguageServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        server.loop = asyncio.get_running_loop()
        server.initialization_options = unwrap(params.initialization_options)
        use_lsp_line_breaks(server.workspace)  # pygls created it just before this handler

    @server.feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        try:
            # Three independent round trips to the client, at once: the indexing waits for all of
            # them (settings, and watchers that see every change made after it reads a file).
            _pulled, _registered, watching = await asyncio.gather(
                configuration.pull(server),
                configuration.register_for_changes(server),
                file_watching.register_watchers(server),
            )
            if not watching:
                logger.info(
                    "the client does not watch files: changes made outside the editor are seen on open"
                )
        except Exception:
            logger.exception("setting up settings and file watching failed")
        await asyncio.to_thread(sql_files.remove_stale, server)
        await server.session.diagnostics.load_workspace(server.workspace_folders())

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def did_change_workspace_folders(params: types.DidChangeWorkspaceFoldersParams) -> None:
        try:
            await configuration.pull(server)  # the new folders' settings
        except Exception:
            logger.exception("reading the new folders' settings failed")
        server.session.diagnostics.reload_workspace()

    @server.feature(types.SHUTDOWN)
    def shutdown(params: None) -> None:
        server.analysis_pool.shutdown(wait=False, cancel_futures=True)
        if server.session.diagnostics.caches_due:
            # The first check ended, and the writing of its caches may have been waiting in the
            # analysis thread's queue, just cancelled: a shutdown soon after a start (a quick
            # look at a file) left every later start cold.
            # Not on the event loop (the analysis thread may still be in a job); `exit` waits
            # for this thread, as the interpreter waits for every thread that is not a daemon.
            threading.Thread(target=_save_caches_after_analysis, args=(server,), name="saving caches").start()
        sql_files.remove_written(server)
        server.parse_pool.shutdown(wait=False, cancel_futures=True)

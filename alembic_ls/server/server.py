"""The alembic-ls LanguageServer: shared state, the analysis thread, logging, its session.

Handlers live in one module per capability; each module's `register(server)` installs them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from alembic_ls import __version__
from alembic_ls.analysis.index import IndexCache, default_cache_dir
from alembic_ls.analysis.source_text import read_text
from alembic_ls.server.paths import path_to_uri, uri_to_path
from alembic_ls.server.positions import UTF16
from alembic_ls.server.protocol import AlembicProtocol
from alembic_ls.workspace.client_settings import ClientSettings
from alembic_ls.workspace.state import Folder, ProjectState, WorkspaceState

if TYPE_CHECKING:
    from pygls.server import ServerErrors

    from alembic_ls.server.session import Session

T = TypeVar("T")
logger = logging.getLogger("alembic_ls.server")


class AlembicLanguageServer(LanguageServer):
    def __init__(self, cache: IndexCache | None = None) -> None:
        super().__init__(
            name="alembic-ls",
            version=__version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=AlembicProtocol,  # answers requests pygls cannot decode
        )
        self.state = WorkspaceState(cache or IndexCache(default_cache_dir()))
        self.state.settings_for = self.client_settings_for
        # One analysis thread: the indexes are mutated and read in one place, in order.
        self.analysis_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="alembic-ls-analysis")
        # The analysis of a big document's text (pure: no index), off the analysis thread.
        self.parse_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="alembic-ls-parse")
        self.ready = asyncio.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.initialization_options: dict[str, Any] = {}
        # Settings objects the client sent per workspace folder URI (None: no folder / global).
        self.folder_settings: dict[str | None, dict[str, Any]] = {}
        self.open_uris: dict[str, str] = {}  # resolved path -> the URI the client opened it as
        self.session: Session  # built by create_server (server/main.py) before any capability
        self._tasks: set[asyncio.Task[Any]] = set()
        self._reported: set[str] = set()

    # -- settings -----------------------------------------------------------------------------

    def client_settings_for(self, folder: str | None) -> ClientSettings:
        from alembic_ls.workspace.client_settings import merge_client_objects, parse_client_settings

        problems: list[str] = []
        merged = merge_client_objects(self.initialization_options, self.folder_settings.get(folder, {}))
        settings = parse_client_settings(merged, problems)
        self.state.problems.extend(problems)
        return settings

    def workspace_folders(self) -> list[Folder]:
        """The client's workspace folders, else its root; none in single-file mode."""
        folders = []
        for folder in self.workspace.folders.values():
            path = uri_to_path(folder.uri)
            if path is not None:
                folders.append(Folder(folder.uri, Path(path)))
        if not folders and self.workspace.root_uri:
            path = uri_to_path(self.workspace.root_uri)
            if path is not None:
                folders.append(Folder(self.workspace.root_uri, Path(path)))
        return folders

    # -- positions and URIs -------------------------------------------------------------------

    @property
    def encoding(self) -> str:
        try:
            encoding = self.workspace.position_encoding
        except RuntimeError:  # not initialised yet
            return UTF16
        if encoding is None:
            return UTF16
        return str(getattr(encoding, "value", encoding))

    def uri_for(self, path: str) -> str:
        return self.open_uris.get(path) or path_to_uri(path)

    def open_document(self, uri: str) -> TextDocument | None:
        """The client's open document (pygls keys them by unquoted URI), or None."""
        document: TextDocument | None = self.workspace.text_documents.get(unquote(uri))
        return document

    def snapshot(self, uri: str) -> tuple[str, int | None, str] | None:
        """(path, version, text) of a document now: the editor's text, else the file on disk."""
        try:
            path = uri_to_path(uri)
        except Exception:  # a URI pygls cannot map to a path is not a file we know
            return None
        if path is None:
            return None
        document = self.open_document(uri)
        if document is not None:
            return path, document.version, document.source
        text = read_text(path)
        return (path, None, text) if text is not None else None

    # -- running work -------------------------------------------------------------------------

    async def analyse(self, job: Callable[[], T]) -> T:
        """Run `job` on the analysis thread (the only thread that touches the indexes)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.analysis_pool, job)

    async def query(self, job: Callable[[], T], default: T, what: str) -> T:
        """A request's work: after indexing, on the analysis thread; a failure logs and answers `default`."""
        try:
            await self.ready.wait()
            return await self.analyse(job)
        except Exception:
            logger.exception("%s failed", what)
            return default

    def spawn(self, coroutine: Coroutine[Any, Any, Any], what: str) -> asyncio.Task[Any]:
        """Start background work; it is kept alive until done and its failure is logged."""
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)

        def done(finished: asyncio.Task[Any]) -> None:
            self._tasks.discard(finished)
            if not finished.cancelled() and finished.exception() is not None:
                logger.error("%s failed", what, exc_info=finished.exception())

        task.add_done_callback(done)
        return task

    async def notify_projects_changed(self, projects: list[ProjectState]) -> None:
        """Projects were (re)indexed or a project's graph changed: the status and drift follow."""
        try:
            self.session.agents.projects_changed(projects)
        except Exception:
            logger.exception("refreshing the status after a project change failed")

    # -- talking to the user ------------------------------------------------------------------

    def log(self, message: str, level: types.MessageType = types.MessageType.Log) -> None:
        """window/logMessage, from any thread."""
        params = types.LogMessageParams(type=level, message=message)
        self._from_any_thread(lambda: self.window_log_message(params))

    def warn_user(self, message: str) -> None:
        """window/showMessage once per distinct message (configuration problems and the like)."""
        if message in self._reported:
            return
        self._reported.add(message)
        params = types.ShowMessageParams(type=types.MessageType.Warning, message=f"alembic-ls: {message}")
        self._from_any_thread(lambda: self.window_show_message(params))
        self.log(message, types.MessageType.Warning)

    def report_problems(self) -> None:
        problems, self.state.problems = self.state.problems, []
        for problem in problems:
            self.warn_user(problem)

    def _from_any_thread(self, send: Callable[[], None]) -> None:
        try:
            asyncio.get_running_loop()
            on_loop = True
        except RuntimeError:
            on_loop = False
        if on_loop or self.loop is None:
            self._safely(send)
        else:
            self.loop.call_soon_threadsafe(self._safely, send)

    @staticmethod
    def _safely(send: Callable[[], None]) -> None:
        with contextlib.suppress(Exception):  # the transport is gone (shutting down)
            send()

    def report_server_error(self, error: Exception, source: ServerErrors) -> None:
        """pygls's default shows "Error in server" pop-ups; a log line is enough."""
        logger.error("internal error (%s): %s", getattr(source, "__name__", source), error)


class ClientLogHandler(logging.Handler):
    """Forwards the package's log records to the client's log (window/logMessage)."""

    LEVELS = {
        logging.ERROR: types.MessageType.Error,
        logging.WARNING: types.MessageType.Warning,
        logging.INFO: types.MessageType.Info,
    }

    def __init__(self, server: AlembicLanguageServer) -> None:
        super().__init__(level=logging.INFO)
        self.server = server

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level = next(
                (kind for threshold, kind in self.LEVELS.items() if record.levelno >= threshold),
                types.MessageType.Log,
            )
            self.server.log(self.format(record), level)
        except Exception:
            self.handleError(record)

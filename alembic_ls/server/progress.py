"""Work-done progress: one helper for every long piece of work the server shows (indexing, agent
commands). Without client support the work just runs; a cancellable one is cancelled when the user
cancels its progress bar."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

from lsprotocol import types

from alembic_ls.server.server import AlembicLanguageServer

logger = logging.getLogger("alembic_ls.server")
CREATE_TIMEOUT_S = 5.0  # a client that never answers window/workDoneProgress/create gets no bar


class Progress:
    def __init__(self, server: AlembicLanguageServer, title: str, cancellable: bool, log: bool) -> None:
        self.server = server
        self.title = title
        self.token = f"alembic-ls/{uuid.uuid4()}"
        self.cancellable = cancellable
        self.log = log
        self.active = False
        self.cancelled = False

    def report(self, message: str) -> None:
        if self.log:
            logger.info("%s: %s", self.title, message)
        if self.active:
            self.server.work_done_progress.report(self.token, types.WorkDoneProgressReport(message=message))

    async def begin(self) -> None:
        window = self.server.client_capabilities.window
        if not (window and window.work_done_progress):
            return
        try:
            await asyncio.wait_for(self.server.work_done_progress.create_async(self.token), CREATE_TIMEOUT_S)
        except Exception:  # the client refused the token: run without a progress bar
            logger.info("the client did not accept a progress token for %s", self.title)
            return
        self.active = True
        self.server.work_done_progress.begin(
            self.token,
            types.WorkDoneProgressBegin(title=f"alembic-ls: {self.title}", cancellable=self.cancellable),
        )
        if self.cancellable:
            self._cancel_with_the_bar()

    def _cancel_with_the_bar(self) -> None:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        future = self.server.work_done_progress.tokens.get(self.token)
        if task is None or future is None:
            return

        def on_cancel(done: Any) -> None:
            if done.cancelled():
                self.cancelled = True
                loop.call_soon_threadsafe(task.cancel)

        future.add_done_callback(on_cancel)

    def end(self, message: str) -> None:
        if self.active:
            self.server.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message=message))
            self.server.work_done_progress.tokens.pop(self.token, None)


@contextlib.asynccontextmanager
async def progress_of(
    server: AlembicLanguageServer, title: str, *, cancellable: bool = False, log: bool | None = None
) -> AsyncIterator[Progress]:
    """A progress bar titled `alembic-ls: <title>` for the work inside; reports are logged too when
    `log` (by default: for cancellable work, which the user started)."""
    progress = Progress(server, title, cancellable, cancellable if log is None else log)
    await progress.begin()
    try:
        yield progress
    finally:
        progress.end("cancelled" if progress.cancelled else "done")

"""After an opened document's first diagnostics are out, the server collects and freezes what the
opening left, once: later keystrokes do not walk that document's tree again (issue 19)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from alembic_ls.analysis.index import IndexCache
from alembic_ls.server import diagnostics_scheduler
from alembic_ls.server.diagnostics_scheduler import DiagnosticsEngine
from alembic_ls.server.paths import path_to_uri
from alembic_ls.workspace.state import Folder, WorkspaceState


class _FakeServer:
    """What the diagnostics engine uses of the server: analysis runs inline, publications recorded."""

    def __init__(self, root: Path) -> None:
        self.state = WorkspaceState(IndexCache(None))
        self.state.load([Folder(None, root.resolve())])
        self.ready = asyncio.Event()
        self.ready.set()
        self.open_uris: dict[str, str] = {}
        self.documents: dict[str, SimpleNamespace] = {}
        self.published: list[Any] = []
        self.encoding = "utf-16"
        self.tasks: list[asyncio.Task[Any]] = []

    def open_document(self, uri: str) -> SimpleNamespace | None:
        return self.documents.get(uri)

    async def analyse(self, job: Callable[[], Any]) -> Any:
        return job()

    def spawn(self, coroutine: Any, what: str) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coroutine)
        self.tasks.append(task)
        return task

    def uri_for(self, path: str) -> str:
        return path_to_uri(path)

    def text_document_publish_diagnostics(self, params: Any) -> None:
        self.published.append(params)

    async def notify_projects_changed(self, projects: Any) -> None:
        return None


def test_an_opened_document_settles_once_after_its_first_diagnostics(write_history, monkeypatch) -> None:
    history = write_history(("a", None), ("b", "a"))
    path = history.files["b"].resolve()
    uri = path_to_uri(str(path))
    server = _FakeServer(history.root)
    engine = DiagnosticsEngine(server)  # type: ignore[arg-type]
    settled: list[int] = []
    monkeypatch.setattr(
        diagnostics_scheduler, "settle_after_opening", lambda: settled.append(len(server.published))
    )

    async def session() -> None:
        text = path.read_text(encoding="utf-8")
        server.documents[uri] = SimpleNamespace(version=1, source=text)
        engine.document_opened(uri, 1)
        await asyncio.gather(*server.tasks)
        assert settled == [1]  # after the opening's diagnostics went out, not before
        for version in (2, 3):
            text += "\n# a keystroke\n"
            server.documents[uri] = SimpleNamespace(version=version, source=text)
            engine.document_changed(uri)
            await asyncio.gather(*server.tasks)
        assert len(server.published) == 3
        assert settled == [1]  # keystrokes do not settle again
        engine.document_closed(uri)
        server.documents.pop(uri)
        await asyncio.gather(*server.tasks)
        server.documents[uri] = SimpleNamespace(version=1, source=text)
        engine.document_opened(uri, 1)  # opened again: its new tree settles too
        await asyncio.gather(*server.tasks)
        assert settled[1:] == [len(server.published)]

    asyncio.run(session())

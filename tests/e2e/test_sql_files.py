"""Show SQL's files do not pile up in the temp folder: removed at shutdown (unless still open in the
editor) and, for those a crashed server left, at the next start once they are a day old."""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_lsp
from agent_lsp_support import CONFIG, AgentClient, command
from agent_support import Blog, sqlite_blog_fixture  # noqa: F401  (fixture)
from e2e_support import start
from lsprotocol import types

from alembic_ls.server.paths import path_to_uri


@pytest_lsp.fixture(config=CONFIG, name="lsp")
async def lsp_fixture(lsp_client: AgentClient) -> AsyncIterator[AgentClient]:
    """The test shuts the server down itself (what it checks happens then); a failed one is shut here."""
    yield lsp_client
    if not getattr(lsp_client, "ended", False):
        await lsp_client.shutdown_session()


def planted(name: str, age_hours: float) -> Path:
    """A SQL file another (crashed) server left, `age_hours` old."""
    path = Path(tempfile.gettempdir()) / "alembic-ls-sql" / f"test-{secrets.token_hex(4)}" / name
    path.parent.mkdir(parents=True)
    path.write_text("-- left behind\n", encoding="utf-8")
    then = time.time() - age_hours * 3600
    os.utime(path, (then, then))
    return path


async def test_sql_files_are_removed_at_shutdown_except_one_still_open(
    lsp: AgentClient, sqlite_blog: Blog
) -> None:
    stale, recent = planted("old.sql", 30), planted("recent.sql", 1)
    await start(lsp, sqlite_blog.root, "neovim", {"interpreter": [sys.executable]})
    first = await command(lsp, "alembic-ls.showSql", revision="5e6f708192a3")
    second = await command(lsp, "alembic-ls.showSql", revision="4d5e6f708192")
    assert first["ok"] and second["ok"], (first, second)
    kept, removed = Path(first["path"]), Path(second["path"])
    assert kept.exists() and removed.exists()
    # The server has finished starting (it answered commands): the day-old file went, the recent one stays.
    assert not stale.exists() and recent.exists()
    lsp.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=path_to_uri(str(kept)),
                language_id="sql",
                version=1,
                text=kept.read_text(encoding="utf-8"),
            )
        )
    )
    await lsp.shutdown_session()
    lsp.ended = True  # type: ignore[attr-defined]
    assert not removed.exists()
    assert kept.exists()  # still open in the editor
    assert recent.exists()  # another server's, not yet a day old
    for path in (kept, recent):
        path.unlink()
        path.parent.rmdir()

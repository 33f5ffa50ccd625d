"""Faults while the server runs: files vanishing under open editors, a broken alembic.ini, the agent
killed or hanging mid-command (through the server; tests/integration/test_agent_process.py covers the
agent process on its own), and the database stopping in the middle of an upgrade.

Each: the user gets a message that says what happened, the server keeps answering, and no file the
user wrote is changed or removed. The database case runs a private PostgreSQL cluster (see
private_postgres.py) so stopping it disturbs nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from agent_lsp_support import AgentClient, command, lsp_fixture, next_status  # noqa: F401  (fixture)
from agent_support import Blog, sqlite_blog_fixture  # noqa: F401  (fixture)
from e2e_support import (
    RecordingClient,
    change_document,
    codes,
    initial_diagnostics,
    open_document,
    start,
    wait_for,
)
from lsp_checks import assert_no_server_errors
from lsprotocol import types
from private_postgres import private_cluster

from alembic_ls.cli import main as cli_main
from alembic_ls.server.paths import path_to_uri

VERSIONS = Path("migrations/versions")
TAG = VERSIONS / "3c4d5e6f7081_create_tag_table.py"
SLUG = VERSIONS / "4d5e6f708192_add_slug_to_post.py"
HEAD = VERSIONS / "6f708192a3b4_add_subtitle_to_post.py"
WORKER_ANNOUNCES = re.compile(r"ENV-STARTED (\d+)")
BLOCKING_ENV = """\
import os, sys, time
print(f"ENV-STARTED {os.getpid()}", file=sys.stderr, flush=True)
time.sleep(120)
"""


def uri_of(path: Path) -> str:
    return path_to_uri(str(path.resolve()))


def snapshot(root: Path) -> dict[str, str]:
    """Digest of every file the user wrote (databases and bytecode are not theirs)."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".db"
    }


def notify_watched(client: RecordingClient, *changes: tuple[Path, types.FileChangeType]) -> None:
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=uri_of(path), type=kind) for path, kind in changes]
        )
    )


async def wait_for_warning(client: RecordingClient, wanted: Callable[[str], bool], after: int) -> str:
    """The first window/showMessage warning from index `after` on that `wanted` accepts."""

    async def find() -> str:
        while True:
            for message in client.messages[after:]:
                if message.type == types.MessageType.Warning and wanted(message.message):
                    return message.message
            await client.wait_for_notification(types.WINDOW_SHOW_MESSAGE)

    return await asyncio.wait_for(find(), 60)


async def wait_for_log(client: RecordingClient, pattern: str, after: int) -> re.Match[str]:
    """The first window/logMessage from index `after` on that matches `pattern`."""

    async def find() -> re.Match[str]:
        seen = after
        while True:
            for message in client.log_messages[seen:]:
                match = re.search(pattern, message.message)
                if match:
                    return match
            seen = len(client.log_messages)
            await client.wait_for_notification(types.WINDOW_LOG_MESSAGE)

    return await asyncio.wait_for(find(), 60)


async def still_serving(client: RecordingClient, uri: str, text: str) -> None:
    """Symbols answer, and hover on the revision id describes it, for an open revision with `text`."""
    document = types.TextDocumentIdentifier(uri=uri)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=document)
    )
    assert symbols, "no outline for an open revision"
    lines = text.split("\n")
    line = next(i for i, row in enumerate(lines) if re.match(r"revision\b.*= '", row))
    rid = lines[line].split("'")[1]
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=document, position=types.Position(line=line, character=lines[line].index(rid))
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent), hover
    assert f"**{rid}**" in hover.contents.value, hover.contents.value


# -- files vanishing under an open editor --------------------------------------------------------


async def test_a_revision_deleted_on_disk_while_open(static_client: RecordingClient, demo_copy: Path) -> None:
    client = static_client
    await initial_diagnostics(client, demo_copy)
    before = snapshot(demo_copy)
    tag = demo_copy / TAG
    uri, text = open_document(client, tag)
    assert codes(await wait_for(client, uri, version=1)) == [("AM101", 23)]
    tag.unlink()
    notify_watched(client, (tag, types.FileChangeType.Deleted))
    # The editor still holds the text: it is what counts while open, and editing it goes on.
    edited = text.replace("create tag table", "create tags table")
    version = change_document(client, uri, edited)
    assert codes(await wait_for(client, uri, version=version)) == [("AM101", 23)]
    await still_serving(client, uri, edited)
    mark = len(client.publications)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert list(await wait_for(client, uri, after=mark)) == []
    # Closed, the file is gone for good: its child now names a missing revision.
    slug = await wait_for(
        client, uri_of(demo_copy / SLUG), after=mark, where=lambda d: "AM302" in [x.code for x in d]
    )
    assert ("AM302", 17) in codes(slug)
    assert not tag.exists(), "the server must not write a closed editor's text back"
    del before[str(TAG)]
    assert snapshot(demo_copy) == before
    assert_no_server_errors(client)


async def test_a_revision_renamed_on_disk_while_open(static_client: RecordingClient, demo_copy: Path) -> None:
    client = static_client
    await initial_diagnostics(client, demo_copy)
    old = demo_copy / SLUG
    new = old.with_name("4d5e6f708192_add_a_slug_to_post.py")
    content = old.read_bytes()
    uri, text = open_document(client, old)
    first = codes(await wait_for(client, uri, version=1))
    assert first == [("AM104", 30), ("AM306", 4)]
    mark = len(client.publications)
    old.rename(new)
    notify_watched(client, (old, types.FileChangeType.Deleted), (new, types.FileChangeType.Created))
    # The new name is read from disk at once; the editor still has the old name open, so for now the
    # workspace holds the id twice.
    renamed = await wait_for(client, uri_of(new), after=mark)
    assert "AM303" in [d.code for d in renamed]
    await still_serving(client, uri, text)
    # The editor follows the rename, as VS Code does: close the old name, open the new one.
    mark = len(client.publications)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert list(await wait_for(client, uri, after=mark)) == []
    new_uri, _ = open_document(client, new)
    assert codes(await wait_for(client, new_uri, version=1, after=mark)) == first
    assert new.read_bytes() == content and not old.exists()
    assert_no_server_errors(client)


# -- alembic.ini broken while the server runs ----------------------------------------------------

BROKEN_INI = [
    ("no section header", b"[alembic\nscript_location = %(here)s/migrations\n", "cannot read"),
    ("not UTF-8", b"[alembic]\nscript_location = %(here)s/migrations\n# caf\xe9\n", "cannot read"),
    (
        "unknown interpolation",
        b"[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = %(database)s\n",
        "Bad value substitution",
    ),
    (
        "unknown path_separator",
        b"[alembic]\nscript_location = %(here)s/migrations\npath_separator = pipe\nversion_locations = a|b\n",
        "unknown path_separator 'pipe'",
    ),
    ("script_location nowhere", b"[alembic]\nscript_location = %(here)s/migration\n", "is not a folder"),
]


async def test_a_broken_alembic_ini_is_said_and_everything_else_keeps_working(
    static_client: RecordingClient, demo_copy: Path
) -> None:
    client = static_client
    await initial_diagnostics(client, demo_copy)
    ini = demo_copy / "alembic.ini"
    good = ini.read_bytes()
    before = snapshot(demo_copy)
    uri, text = open_document(client, demo_copy / SLUG)
    expected = codes(await wait_for(client, uri, version=1))
    for name, broken, fragment in BROKEN_INI:
        shown = len(client.messages)
        ini.write_bytes(broken)
        notify_watched(client, (ini, types.FileChangeType.Changed))
        # The warning itself, not an "indexed in" line: the first index's own line can arrive late.
        await wait_for_warning(client, lambda w, fragment=fragment: str(ini) in w and fragment in w, shown)
        # The revisions are still found (env.py + versions/ is a project of its own), and answered for.
        edited = text + f"\n# {name}\n"
        version = change_document(client, uri, edited)
        assert codes(await wait_for(client, uri, version=version)) == expected, name
        await still_serving(client, uri, edited)
        logged = len(client.log_messages)
        ini.write_bytes(good)
        notify_watched(client, (ini, types.FileChangeType.Changed))
        await wait_for_log(client, r"indexed in", logged)
    version = change_document(client, uri, text)
    assert codes(await wait_for(client, uri, version=version)) == expected
    assert snapshot(demo_copy) == before
    assert_no_server_errors(client)


# -- the agent killed or hanging mid-command, through the server ---------------------------------


@contextlib.contextmanager
def blocking_env(blog: Blog) -> Iterator[list[int]]:
    """env.py replaced by one that announces its pid and hangs; the original is back afterwards.
    Yields the list the test adds worker pids to; any still alive are killed on the way out."""
    env = blog.root / "migrations" / "env.py"
    original = env.read_bytes()
    workers: list[int] = []
    env.write_text(BLOCKING_ENV, encoding="utf-8")
    try:
        yield workers
    finally:
        env.write_bytes(original)
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def agent_of(worker: int) -> int:
    """The agent process that forked `worker` (checked, so nothing else is ever signalled)."""
    with open(f"/proc/{worker}/stat", encoding="ascii") as handle:
        parent = int(handle.read().rsplit(")", 1)[1].split()[1])
    with open(f"/proc/{parent}/cmdline", "rb") as handle:
        assert b"alembic_ls_agent" in handle.read(), f"{worker}'s parent {parent} is not the agent"
    return parent


async def start_trusted(lsp: AgentClient, blog: Blog, **settings: object) -> tuple[str, str]:
    """Start on the blog with the agent (drift off: only commands and the status use it); returns the
    URI and text of an open revision once the first status has been read through the agent."""
    options = {"interpreter": [sys.executable], "driftOnSave": False, **settings}
    await start(lsp, blog.root, "visual_studio_code", options)
    await next_status(lsp)
    uri, text = open_document(lsp, blog.root / SLUG)
    await wait_for(lsp, uri, version=1)
    return uri, text


async def test_an_agent_hanging_past_its_timeout_is_stopped_and_said(
    lsp: AgentClient, sqlite_blog: Blog
) -> None:
    sqlite_blog.fix_undefined_names()
    uri, text = await start_trusted(lsp, sqlite_blog, agentTimeout=2)
    before = snapshot(sqlite_blog.root)
    logged = len(lsp.log_messages)
    with blocking_env(sqlite_blog) as workers:
        upgrade = asyncio.ensure_future(command(lsp, "alembic-ls.upgrade"))
        workers.append(int((await wait_for_log(lsp, WORKER_ANNOUNCES.pattern, logged)).group(1)))
        await still_serving(lsp, uri, text)  # while the agent hangs
        result = await upgrade
    assert not result["ok"]
    assert "upgrade head did not finish within 2" in result["message"] and "agentTimeout" in result["message"]
    # It starts again by itself; nothing was applied and no file changed.
    current = await command(lsp, "alembic-ls.current")
    assert current["ok"] and current["current"] == [], current
    assert (await command(lsp, "alembic-ls.upgrade"))["ok"]
    assert snapshot(sqlite_blog.root) == before
    await still_serving(lsp, uri, text)


async def test_a_command_answers_at_agent_timeout_while_the_status_read_hangs(
    lsp: AgentClient, sqlite_blog: Blog
) -> None:
    """The database hangs from the start: the status read at start holds the project's agent when the
    user runs a command. The command's answer comes at the stated bound, not after the status read too."""
    timeout = 2.0
    logged = len(lsp.log_messages)
    with blocking_env(sqlite_blog) as workers:
        options = {"interpreter": [sys.executable], "driftOnSave": False, "agentTimeout": timeout}
        await start(lsp, sqlite_blog.root, "visual_studio_code", options)
        workers.append(int((await wait_for_log(lsp, WORKER_ANNOUNCES.pattern, logged)).group(1)))
        began = time.monotonic()
        result = await command(lsp, "alembic-ls.current")
        elapsed = time.monotonic() - began
        assert lsp.statuses == []  # the status read was pre-empted, not finished first
        # It is read again after the command (and says why it could not be read).
        status = await next_status(lsp)
    assert not result["ok"]
    assert "current did not finish within 2 s" in result["message"], result["message"]
    assert elapsed < timeout + 1.0, f"answered after {elapsed:.1f} s"
    assert "reading the current revision did not finish within 2 s" in status["databaseError"]


async def test_a_command_queued_behind_a_hung_one_answers_at_its_own_agent_timeout(
    lsp: AgentClient, sqlite_blog: Blog
) -> None:
    """agentTimeout bounds the whole command from the user's request: waiting for the project included."""
    timeout = 2.0
    await start_trusted(lsp, sqlite_blog, agentTimeout=timeout)
    logged = len(lsp.log_messages)
    with blocking_env(sqlite_blog) as workers:
        upgrade = asyncio.ensure_future(command(lsp, "alembic-ls.upgrade"))
        workers.append(int((await wait_for_log(lsp, WORKER_ANNOUNCES.pattern, logged)).group(1)))
        began = time.monotonic()
        result = await command(lsp, "alembic-ls.current")  # waits for the hung upgrade, then hangs too
        elapsed = time.monotonic() - began
        assert not (await upgrade)["ok"]
    assert not result["ok"]
    assert "current did not finish within 2 s" in result["message"], result["message"]
    assert elapsed < timeout + 1.0, f"answered after {elapsed:.1f} s"


async def test_an_agent_killed_mid_command_is_said_and_restarts(lsp: AgentClient, sqlite_blog: Blog) -> None:
    sqlite_blog.fix_undefined_names()
    uri, text = await start_trusted(lsp, sqlite_blog)
    before = snapshot(sqlite_blog.root)
    logged = len(lsp.log_messages)
    with blocking_env(sqlite_blog) as workers:
        upgrade = asyncio.ensure_future(command(lsp, "alembic-ls.upgrade"))
        worker = int((await wait_for_log(lsp, WORKER_ANNOUNCES.pattern, logged)).group(1))
        workers.append(worker)
        os.kill(agent_of(worker), signal.SIGKILL)  # the agent process itself, not its worker
        result = await upgrade
    assert not result["ok"]
    assert "The agent stopped while running upgrade head" in result["message"], result["message"]
    assert "starts again by itself" in result["message"]
    await still_serving(lsp, uri, text)
    upgraded = await command(lsp, "alembic-ls.upgrade")
    assert upgraded["ok"] and upgraded["applied"][-1] == "6f708192a3b4", upgraded
    assert snapshot(sqlite_blog.root) == before


# -- the database stopping in the middle of an upgrade -------------------------------------------

SLOW_REVISION = '''\
"""add views to post, slowly

Revision ID: 7a8b9c0d1e2f
Revises: 6f708192a3b4
Create Date: 2026-11-24 15:00:00.000000

"""
from typing import Sequence, Union

import sys

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '7a8b9c0d1e2f'
down_revision: Union[str, Sequence[str], None] = '6f708192a3b4'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # ### commands auto generated by Alembic - please adjust! ###
    op.add_column('post', sa.Column('views', sa.Integer(), nullable=True))
    # ### end Alembic commands ###
    # MANUAL: stands for a long data migration; the test stops the database while it runs
    print("SLOW-REVISION sleeping", file=sys.stderr, flush=True)
    op.execute("SELECT pg_sleep(60)")


def downgrade() -> None:
    """Downgrade schema."""
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_column('post', 'views')
    # ### end Alembic commands ###
'''


async def test_the_database_stopping_mid_upgrade(lsp: AgentClient, demo_copy: Path, tmp_path: Path) -> None:
    with private_cluster(tmp_path) as cluster:
        cluster.execute("CREATE DATABASE blog")
        cli_main(["check", "--fix", "--no-cache", str(demo_copy)])  # as the user would, so it upgrades
        blog = Blog(demo_copy, "postgresql", cluster.url("blog"))
        assert "import sqlmodel" in (blog.versions / HEAD.name).read_text(encoding="utf-8")
        blog.set_url(blog.url)
        slow = blog.versions / "7a8b9c0d1e2f_add_views_to_post_slowly.py"
        slow.write_text(SLOW_REVISION, encoding="utf-8")
        uri, text = await start_trusted(lsp, blog)
        applied = await command(lsp, "alembic-ls.upgrade", target="6f708192a3b4")
        assert applied["ok"], applied["message"]
        before = snapshot(demo_copy)

        logged = len(lsp.log_messages)
        upgrade = asyncio.ensure_future(command(lsp, "alembic-ls.upgrade"))
        await wait_for_log(lsp, r"Running upgrade 6f708192a3b4 -> 7a8b9c0d1e2f", logged)
        await wait_for_log(lsp, r"SLOW-REVISION sleeping", logged)
        cluster.stop("immediate")  # a crash: every backend goes at once
        result = await upgrade

        assert not result["ok"] and result["error"] == "database-unreachable", result
        message = result["message"]
        assert message.startswith(f"Lost the connection to the database {blog.url} while running ")
        assert f"{slow.relative_to(demo_copy)}:30" in message and "`alembic current`" in message, message
        await still_serving(lsp, uri, text)
        version = change_document(lsp, uri, text + "\n")
        assert ("AM104", 30) in codes(await wait_for(lsp, uri, version=version))
        assert snapshot(demo_copy) == before

        cluster.start()
        current = subprocess.run(
            [sys.executable, "-m", "alembic", "current"],
            cwd=demo_copy,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert current.stdout.split() == ["6f708192a3b4"], current
        columns = cluster.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'post'", "blog"
        )
        assert ("views",) not in columns  # the failed revision's DDL went with its transaction
        said = await command(lsp, "alembic-ls.current")
        assert said["ok"] and said["current"] == ["6f708192a3b4"] and said["pending"] == ["7a8b9c0d1e2f"]
        assert snapshot(demo_copy) == before

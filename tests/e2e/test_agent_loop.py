"""The rule book's loop through a real alembic-ls process and an LSP client, on SQLite and PostgreSQL.

Add a field to a model → generate the migration (the file opens, lints clean) → upgrade head → current
shows it → the test cycle passes → a second head appears → AM301 → merge heads → one head. Plus: the
database down (AM603, the server keeps serving) and an untrusted workspace (no agent at all).
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from agent_lsp_support import AgentClient, command, lsp_fixture, next_status  # noqa: F401  (fixture)
from agent_support import Blog, blog_fixture, sqlite_blog_fixture  # noqa: F401  (fixtures)
from e2e_support import codes, open_document, start, wait_for
from lsprotocol import types

from alembic_ls.server.paths import path_to_uri


async def test_the_rule_books_loop(lsp: AgentClient, blog: Blog) -> None:
    blog.fix_undefined_names()
    await start(lsp, blog.root, "visual_studio_code", {"interpreter": [sys.executable]})
    first = await next_status(lsp)
    assert first["current"] == [] and first["pending"] == 6 and first["databaseError"] is None

    upgraded = await command(lsp, "alembic-ls.upgrade")
    assert upgraded["ok"], upgraded["message"]
    assert (await next_status(lsp, lambda e: e["pending"] == 0))["current"] == ["6f708192a3b4"]

    # 1. Modify model
    blog.add_model_field("score: float | None = Field(default=None)")
    # 3. Auto-generate migration: the new file is opened and lints clean as written.
    generated = await command(lsp, "alembic-ls.generateMigration", message="add score to post")
    assert generated["ok"], generated["message"]
    new_file = Path(generated["path"])
    new_uri = path_to_uri(str(new_file.resolve()))
    assert generated["documents"] == [new_file.resolve().as_uri()] and generated["shown"] is True
    assert [d.uri for d in lsp.shown_documents] == [new_uri]
    assert "new column `post.score`" in generated["message"] and "It lints clean." in generated["message"]
    open_document(lsp, new_file)
    # Clean, apart from saying it is not applied yet (AM602: the database is at the previous head).
    opened = await wait_for(lsp, new_uri, version=1)
    assert [d.code for d in opened] == ["AM602"]
    assert opened[0].message.startswith("Not applied: the database is at 6f708192a3b4.")

    # 5. Apply migration, verify current version.
    upgraded = await command(lsp, "alembic-ls.upgrade", target="head")
    assert upgraded["ok"] and upgraded["applied"] == [generated["revision"]]
    current = await command(lsp, "alembic-ls.current")
    assert current["ok"] and current["current"] == [generated["revision"]]
    assert list(await wait_for(lsp, new_uri, where=lambda ds: not ds)) == []  # applied: AM602 went
    assert f'{generated["revision"]} (head) "add score to post"' in current["message"]

    # Test up/down cycle: on a scratch database; the user's stays where it was.
    cycle = await command(lsp, "alembic-ls.testCycle")
    assert cycle["ok"], cycle["message"]
    assert cycle["message"].startswith("Test cycle passed on a scratch database")
    assert cycle["steps"][-2].startswith(f"downgrade 6f708192a3b4: reverted {generated['revision']}")
    assert (await command(lsp, "alembic-ls.current"))["current"] == [generated["revision"]]

    # A teammate's revision on the same parent: a second head → AM301 on both files.
    teammate = blog.versions / "0a1b2c3d4e5f_add_rating_to_post.py"
    teammate.write_text(
        new_file.read_text(encoding="utf-8")
        .replace(generated["revision"], "0a1b2c3d4e5f")
        .replace("score", "rating")
        .replace("sa.Float()", "sa.Integer()"),
        encoding="utf-8",
    )
    teammate_uri = open_document(lsp, teammate)[0]
    heads_diagnostics = await wait_for(lsp, teammate_uri, where=lambda ds: any(d.code == "AM301" for d in ds))
    assert "AM301" in [code for code, _line in codes(heads_diagnostics)]
    stuck = await command(lsp, "alembic-ls.upgrade")
    assert not stuck["ok"] and stuck["error"] == "multiple-heads" and "Merge heads" in stuck["message"]

    merged = await command(lsp, "alembic-ls.mergeHeads", message="merge score and rating")
    assert merged["ok"], merged["message"]
    assert len(merged["heads"]) == 1 and "now has 1 head" in merged["message"]
    await wait_for(lsp, teammate_uri, where=lambda ds: not any(d.code == "AM301" for d in ds))
    heads = await command(lsp, "alembic-ls.heads")
    assert heads["ok"] and [h["revision"] for h in heads["heads"]] == [merged["revision"]]
    final = await command(lsp, "alembic-ls.upgrade")
    assert final["ok"] and final["applied"][-1] == merged["revision"]
    assert (await next_status(lsp, lambda e: e["current"] == [merged["revision"]]))["pending"] == 0


async def test_progress_is_reported_for_commands(lsp: AgentClient, sqlite_blog: Blog) -> None:
    sqlite_blog.fix_undefined_names()
    await start(lsp, sqlite_blog.root, "visual_studio_code", {"interpreter": [sys.executable]})
    result = await command(lsp, "alembic-ls.upgrade")
    assert result["ok"]
    kinds = [[getattr(v, "kind", None) for v in values] for values in lsp.progress_reports.values()]
    assert ["begin", "report", "end"] in [k[:1] + k[1:2] + k[-1:] for k in kinds if k]


async def test_show_sql_opens_the_script(lsp: AgentClient, sqlite_blog: Blog) -> None:
    await start(lsp, sqlite_blog.root, "neovim", {"interpreter": [sys.executable]})
    result = await command(lsp, "alembic-ls.showSql", revision="5e6f708192a3")
    assert result["ok"], result["message"]
    assert "ADD COLUMN bio" in result["sql"]
    assert result["documents"][0].endswith("/5e6f708192a3.sql")


async def test_downgrade_needs_confirmation_through_the_server(lsp: AgentClient, sqlite_blog: Blog) -> None:
    sqlite_blog.fix_undefined_names()
    await start(lsp, sqlite_blog.root, "neovim", {"interpreter": [sys.executable]})
    assert (await command(lsp, "alembic-ls.upgrade"))["ok"]
    refused = await command(lsp, "alembic-ls.downgrade")
    assert not refused["ok"] and refused["error"] == "not-confirmed"
    done = await command(lsp, "alembic-ls.downgrade", target="-1", confirmed=True)
    assert done["ok"] and done["reverted"] == ["6f708192a3b4"]


async def test_test_cycle_through_the_server_leaves_the_users_database_alone(
    lsp: AgentClient, sqlite_blog: Blog
) -> None:
    sqlite_blog.fix_undefined_names()
    await start(lsp, sqlite_blog.root, "visual_studio_code", {"interpreter": [sys.executable]})
    assert (await command(lsp, "alembic-ls.upgrade"))["ok"]
    database = sqlite_blog.root / "blog.db"
    with sqlite3.connect(database) as conn:
        conn.execute("INSERT INTO user (id, email, name) VALUES (1, 'a@b.c', 'Ann')")
        conn.execute(
            "INSERT INTO post (id, title, body, published, author_id, subtitle, created_at) "
            "VALUES (1, 'Hello', '...', 1, 1, 'written by the user', '2026-01-01 00:00:00')"
        )
    before = database.read_bytes()
    cycle = await command(lsp, "alembic-ls.testCycle")
    assert cycle["ok"], cycle["message"]
    assert cycle["message"].startswith("Test cycle passed on a scratch database sqlite:///")
    assert "upgraded 6f708192a3b4, downgraded 6f708192a3b4, upgraded 6f708192a3b4" in cycle["message"]
    assert cycle["message"].endswith("; scratch database dropped.")
    assert database.read_bytes() == before
    refused = await command(lsp, "alembic-ls.testCycle", database="configured")
    assert not refused["ok"] and refused["error"] == "not-confirmed"
    assert database.read_bytes() == before
    confirmed = await command(lsp, "alembic-ls.testCycle", database="configured", confirmed=True)
    assert (
        confirmed["ok"]
        and confirmed["steps"][0] == 'downgrade -1: reverted 6f708192a3b4 "add subtitle to post"'
    )


async def test_database_down_is_am603_and_the_server_keeps_serving(lsp: AgentClient, blog: Blog) -> None:
    blog.set_url("postgresql+psycopg://postgres:s3cret@127.0.0.1:1/blog")
    (blog.root / "compose.yaml").write_text("services:\n  db:\n    image: postgres:16\n", encoding="utf-8")
    await start(lsp, blog.root, "visual_studio_code", {"interpreter": [sys.executable]})
    status = await next_status(lsp)
    assert status["current"] is None and "Cannot reach the database" in status["databaseError"]
    result = await command(lsp, "alembic-ls.current")
    assert not result["ok"] and result["code"] == "AM603" and result["error"] == "database-unreachable"
    message = result["message"]
    assert "postgresql+psycopg://postgres:***@127.0.0.1:1/blog" in message and "s3cret" not in message
    assert "`docker compose up -d`" in message and "compose.yaml" in message
    # Still serving: static diagnostics and symbols answer.
    path = blog.versions / "4d5e6f708192_add_slug_to_post.py"
    uri, _text = open_document(lsp, path)
    diagnostics = await wait_for(lsp, uri, version=1)
    assert ("AM104", 30) in codes(diagnostics)
    symbols = await lsp.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert symbols


async def test_untrusted_workspace_runs_no_agent(lsp: AgentClient, sqlite_blog: Blog) -> None:
    await start(lsp, sqlite_blog.root, "visual_studio_code", {"trusted": False})
    result = await command(lsp, "alembic-ls.current")
    assert not result["ok"] and result["error"] == "untrusted" and "not trusted" in result["message"]
    # Static analysis goes on; the status carries only the static half (no database position).
    uri, _text = open_document(lsp, sqlite_blog.versions / "5e6f708192a3_add_bio_to_user.py")
    assert ("AM201", 31) in codes(await wait_for(lsp, uri, version=1))
    assert all(entry["current"] is None for params in lsp.statuses for entry in params["projects"])
    assert not any("starting agent" in m.message for m in lsp.log_messages)

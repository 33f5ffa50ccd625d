"""AM601 through a real server: save a model → the finding on that line → its fix → upgrade → gone.

On SQLite and PostgreSQL. The check runs in the background after the save (debounced, one at a time).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence

from agent_lsp_support import AgentClient, command, lsp_fixture, next_status  # noqa: F401  (fixture)
from agent_support import Blog, blog_fixture  # noqa: F401  (fixtures)
from e2e_support import open_document, start, wait_for
from lsprotocol import types


def drift(diagnostics: Sequence[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in diagnostics if d.code == "AM601"]


def save(client: AgentClient, uri: str) -> None:
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )


def line_of(blog: Blog, needle: str) -> int:
    return next(i for i, text in enumerate(blog.models.read_text().splitlines()) if needle in text)


async def test_saving_a_model_shows_drift_on_its_line_until_migrated(lsp: AgentClient, blog: Blog) -> None:
    blog.fix_undefined_names()
    await start(lsp, blog.root, "visual_studio_code", {"interpreter": [sys.executable]})
    assert (await command(lsp, "alembic-ls.upgrade"))["ok"]

    # 1. Modify model, save.
    blog.add_model_field("score: float | None = Field(default=None)")
    uri, _text = open_document(lsp, blog.models)
    mark = len(lsp.publications)
    saved_at = time.perf_counter()
    save(lsp, uri)
    found = drift(await wait_for(lsp, uri, where=lambda ds: bool(drift(ds)), after=mark))
    latency = time.perf_counter() - saved_at
    print(f"AM601 published {latency:.2f} s after didSave")
    [finding] = found
    assert finding.range.start.line == line_of(blog, "score: float | None")
    assert finding.message.startswith("Column `post.score` is in the models but no migration creates it.")
    assert (await next_status(lsp, lambda e: e["drift"] == 1))["pending"] == 0

    # The finding's fix: "Generate migration…" with the suggested message.
    assert isinstance(finding.data, dict)
    fix = finding.data["fix"]
    assert fix["kind"] == "command" and fix["title"] == 'Generate migration "add score to post"…'
    generated = await command(lsp, fix["params"]["command"], **fix["params"]["arguments"][0])
    assert generated["ok"] and generated["path"].endswith("_add_score_to_post.py"), generated["message"]

    # Upgrade head: the finding goes.
    mark = len(lsp.publications)
    assert (await command(lsp, "alembic-ls.upgrade"))["ok"]
    await wait_for(lsp, uri, where=lambda ds: not drift(ds), after=mark)
    assert (await next_status(lsp, lambda e: e["drift"] == 0 and e["pending"] == 0))["databaseError"] is None

    # Remove a field: the finding says what the next migration would drop.
    blog.models.write_text(blog.models.read_text().replace("    bio: str | None = Field(default=None)\n", ""))
    mark = len(lsp.publications)
    save(lsp, uri)
    [removed] = drift(await wait_for(lsp, uri, where=lambda ds: bool(drift(ds)), after=mark))
    assert removed.range.start.line == line_of(blog, "class User(")
    assert "The database has column `user.bio` but no model defines it: the next migration would drop it" in (
        removed.message
    )


async def test_check_drift_command_reports_differences(lsp: AgentClient, blog: Blog) -> None:
    blog.fix_undefined_names()
    await start(lsp, blog.root, "neovim", {"interpreter": [sys.executable]})
    behind = await command(lsp, "alembic-ls.checkDrift")
    assert behind["ok"] and behind["upToDate"] is False and "upgrade it first" in behind["message"]
    assert (await command(lsp, "alembic-ls.upgrade"))["ok"]
    blog.add_model_field("rating: int | None = Field(default=None)", model="Tag")
    result = await command(lsp, "alembic-ls.checkDrift")
    assert result["ok"] and result["suggestedMessage"] == "add rating to tag"
    assert [(f["code"], f["line"]) for f in result["findings"]] == [
        ("AM601", 1 + line_of(blog, "rating: int"))
    ]


async def test_a_model_change_without_its_migration_in_git_is_am604(lsp: AgentClient, blog: Blog) -> None:
    blog.fix_undefined_names()
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "demo"]):
        subprocess.run(
            ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=blog.root, check=True
        )
    await start(lsp, blog.root, "visual_studio_code", {"interpreter": [sys.executable]})
    assert (await command(lsp, "alembic-ls.upgrade"))["ok"]
    blog.add_model_field("score: float | None = Field(default=None)")
    uri, _text = open_document(lsp, blog.models)
    mark = len(lsp.publications)
    save(lsp, uri)
    diagnostics = await wait_for(lsp, uri, where=lambda ds: any(d.code == "AM604" for d in ds), after=mark)
    assert sorted(str(d.code) for d in diagnostics) == ["AM601", "AM604"]
    [note] = [d for d in diagnostics if d.code == "AM604"]
    assert note.range.start.line == 0 and note.severity == types.DiagnosticSeverity.Information
    assert "no new revision file goes with them" in note.message

"""The database's position in the editor, through a real server and agent on the demo (SQLite).

AM602 and the "Not applied · Upgrade to here" lens follow the database as upgrades move it; the agent
reads the revision files from the server's own index (unsaved editor text included), not from disk.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from agent_lsp_support import AgentClient, command, lsp_fixture, next_status, until  # noqa: F401  (fixture)
from agent_support import Blog, sqlite_blog_fixture  # noqa: F401  (fixture)
from e2e_support import change_document, start
from lsprotocol import types

from alembic_ls.server.paths import path_to_uri

NOT_APPLIED = "Not applied · Upgrade to here"
REVISIONS = {
    "1a2b3c4d5e6f": "1a2b3c4d5e6f_create_user_and_post.py",
    "2b3c4d5e6f70": "2b3c4d5e6f70_add_published_to_post.py",
    "3c4d5e6f7081": "3c4d5e6f7081_create_tag_table.py",
    "4d5e6f708192": "4d5e6f708192_add_slug_to_post.py",
    "5e6f708192a3": "5e6f708192a3_add_bio_to_user.py",
    "6f708192a3b4": "6f708192a3b4_add_subtitle_to_post.py",
}


def uri_of(blog: Blog, rid: str) -> str:
    return path_to_uri(str((blog.versions / REVISIONS[rid]).resolve()))


def behind(lsp: AgentClient, uri: str) -> list[types.Diagnostic]:
    """The AM602 diagnostics the client shows for `uri` now."""
    return [d for d in lsp.diagnostics.get(uri, []) if d.code == "AM602"]


def revision_line(blog: Blog, rid: str) -> int:
    lines = (blog.versions / REVISIONS[rid]).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines) if line.startswith("revision"))


def flagged(lsp: AgentClient, blog: Blog) -> list[str]:
    return [rid for rid in REVISIONS if behind(lsp, uri_of(blog, rid))]


async def lenses(lsp: AgentClient, uri: str) -> Sequence[types.CodeLens]:
    found = await lsp.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert found is not None
    return found


async def upgrade_lens(lsp: AgentClient, uri: str) -> types.Command | None:
    commands = [lens.command for lens in await lenses(lsp, uri) if lens.command]
    return next((c for c in commands if c.title == NOT_APPLIED), None)


async def test_unapplied_revisions_show_am602_and_an_upgrade_lens_until_upgraded(
    lsp: AgentClient, sqlite_blog: Blog
) -> None:
    blog = sqlite_blog
    blog.fix_undefined_names()
    await start(lsp, blog.root, "visual_studio_code", {"interpreter": [sys.executable]})
    missing = await next_status(lsp)
    # No SQLite file yet: nothing is applied. Every revision is flagged, as the status counts all six pending.
    assert missing["current"] == [] and missing["pending"] == 6
    await until(lsp, lambda: flagged(lsp, blog) == list(REVISIONS))
    [first] = behind(lsp, uri_of(blog, "1a2b3c4d5e6f"))
    assert first.message.startswith("Not applied: the database is at base (no revision applied).")
    first_lens = await upgrade_lens(lsp, uri_of(blog, "1a2b3c4d5e6f"))
    assert first_lens is not None and first_lens.arguments
    assert first_lens.arguments[0]["target"] == "1a2b3c4d5e6f"
    # The drift check could not compare, and the status says why instead of a bare "0 differences".
    not_compared = await next_status(lsp, lambda e: e["driftNotCompared"] is not None)
    assert "does not exist yet" in not_compared["driftNotCompared"] and not_compared["drift"] == 0

    assert (await command(lsp, "alembic-ls.upgrade", target="3c4d5e6f7081"))["ok"]
    # Each file's diagnostics are published on their own: wait until every flagged one carries the
    # new position, not only until the applied ones went quiet.
    await until(
        lsp,
        lambda: (
            flagged(lsp, blog) == ["4d5e6f708192", "5e6f708192a3", "6f708192a3b4"]
            and all(
                d.message.startswith("Not applied: the database is at 3c4d5e6f7081.")
                for rid in ("4d5e6f708192", "5e6f708192a3", "6f708192a3b4")
                for d in behind(lsp, uri_of(blog, rid))
            )
        ),
    )
    [slug] = behind(lsp, uri_of(blog, "4d5e6f708192"))
    assert slug.severity == types.DiagnosticSeverity.Information
    assert slug.range.start.line == revision_line(blog, "4d5e6f708192")
    assert slug.message.startswith("Not applied: the database is at 3c4d5e6f7081.")
    behind_status = await next_status(
        lsp, lambda e: "behind the head" in (e["driftNotCompared"] or "") and e["pending"] == 3
    )
    assert behind_status["current"] == ["3c4d5e6f7081"]

    # The quick fix on the diagnostic runs the upgrade to that revision.
    actions = await lsp.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri_of(blog, "4d5e6f708192")),
            range=slug.range,
            context=types.CodeActionContext(diagnostics=[slug]),
        )
    )
    assert actions is not None
    [upgrade_action] = [a for a in actions if isinstance(a, types.CodeAction) and a.command is not None]
    assert upgrade_action.title == "Upgrade the database to here"
    assert upgrade_action.kind == types.CodeActionKind.QuickFix
    assert upgrade_action.command is not None and upgrade_action.command.command == "alembic-ls.upgrade"
    assert list(upgrade_action.command.arguments or ()) == [
        {"project": str(blog.root.resolve()), "target": "4d5e6f708192"}
    ]

    # The lens sits on the same line; the applied revisions have none.
    bio_uri = uri_of(blog, "5e6f708192a3")
    lens = await upgrade_lens(lsp, bio_uri)
    assert lens is not None and lens.command == "alembic-ls.upgrade"
    assert list(lens.arguments or ()) == [{"project": bio_uri, "target": "5e6f708192a3"}]
    assert (await lenses(lsp, bio_uri))[0].range.start.line == revision_line(blog, "5e6f708192a3")
    assert await upgrade_lens(lsp, uri_of(blog, "3c4d5e6f7081")) is None

    # "Upgrade to here": that revision and the one before it are applied; the head still is not.
    refreshes = lsp.lens_refreshes
    upgraded = await command(lsp, lens.command, **lens.arguments[0])
    assert upgraded["ok"] and upgraded["applied"] == ["4d5e6f708192", "5e6f708192a3"], upgraded["message"]
    await until(lsp, lambda: flagged(lsp, blog) == ["6f708192a3b4"] and lsp.lens_refreshes > refreshes)
    assert await upgrade_lens(lsp, bio_uri) is None
    assert await upgrade_lens(lsp, uri_of(blog, "6f708192a3b4")) is not None

    # Upgrade head: nothing is behind any more, and the models could be compared.
    assert (await command(lsp, "alembic-ls.upgrade"))["ok"]
    await until(lsp, lambda: flagged(lsp, blog) == [])
    await next_status(lsp, lambda e: e["pending"] == 0 and e["driftNotCompared"] is None)
    for rid in REVISIONS:
        assert await upgrade_lens(lsp, uri_of(blog, rid)) is None


async def test_status_counts_revisions_the_editor_holds_but_disk_does_not(
    lsp: AgentClient, sqlite_blog: Blog
) -> None:
    """The agent reads the server's index: an unsaved revision is pending and flagged at once."""
    blog = sqlite_blog
    blog.fix_undefined_names()
    await start(lsp, blog.root, "visual_studio_code", {"interpreter": [sys.executable]})
    assert (await command(lsp, "alembic-ls.upgrade"))["ok"]
    await next_status(lsp, lambda e: e["current"] == ["6f708192a3b4"] and e["pending"] == 0)

    head = (blog.versions / REVISIONS["6f708192a3b4"]).read_text(encoding="utf-8")
    draft = Path(blog.versions / "7a8b9c0d1e2f_add_score_to_post.py")
    draft_uri = path_to_uri(str(draft.resolve()))
    lsp.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=draft_uri, language_id="python", version=1, text="")
        )
    )
    change_document(
        lsp,
        draft_uri,
        head.replace("'6f708192a3b4'", "'7a8b9c0d1e2f'").replace("'5e6f708192a3'", "'6f708192a3b4'"),
    )
    # The new head changes the graph: the server asks for the status again, and it counts the draft.
    status = await next_status(lsp, lambda e: e["heads"] == ["7a8b9c0d1e2f"])
    assert status["pending"] == 1 and status["current"] == ["6f708192a3b4"]
    assert not draft.exists()
    await until(lsp, lambda: bool(behind(lsp, draft_uri)))
    current = await command(lsp, "alembic-ls.current")
    assert current["pending"] == ["7a8b9c0d1e2f"] and current["heads"] == ["7a8b9c0d1e2f"]


async def test_ignoring_am602_turns_off_the_diagnostic_and_the_lens(
    lsp: AgentClient, sqlite_blog: Blog
) -> None:
    blog = sqlite_blog
    blog.fix_undefined_names()
    await start(lsp, blog.root, "neovim", {"interpreter": [sys.executable], "ignore": ["AM602"]})
    assert (await command(lsp, "alembic-ls.upgrade", target="3c4d5e6f7081"))["ok"]
    await next_status(lsp, lambda e: e["current"] == ["3c4d5e6f7081"] and e["pending"] == 3)
    # The lens request is answered on the analysis thread after the re-check the status queued, so any
    # AM602 publication would have arrived before its answer.
    assert await upgrade_lens(lsp, uri_of(blog, "6f708192a3b4")) is None
    assert flagged(lsp, blog) == []

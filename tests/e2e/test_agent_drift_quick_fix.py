"""The issue's "done when", as an editor user does it, on SQLite and PostgreSQL.

Add `score` to Post and save → AM601 on that line → its quick fix on the model file runs "Generate
migration" → the new revision is not applied (AM602 and the "Upgrade to here" lens) → upgrade from the
lens → the drift check runs again by itself (no second save) and AM601, AM602 and the lens are gone.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from agent_lsp_support import (  # noqa: F401  (fixture)
    AgentClient,
    command,
    logged_since,
    lsp_fixture,
    next_status,
    until,
)
from agent_support import Blog, blog_fixture  # noqa: F401  (fixture)
from e2e_support import open_document, start, wait_for
from lsprotocol import types

from alembic_ls.server.paths import path_to_uri

NOT_APPLIED = "Not applied · Upgrade to here"
AGREE = "Models and migrations agree"


def coded(diagnostics: Sequence[types.Diagnostic] | None, code: str) -> list[types.Diagnostic]:
    return [d for d in diagnostics or () if d.code == code]


def save(client: AgentClient, uri: str) -> None:
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )


async def upgrade_lens(lsp: AgentClient, uri: str) -> types.Command | None:
    lenses = await lsp.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert lenses is not None
    return next((lens.command for lens in lenses if lens.command and lens.command.title == NOT_APPLIED), None)


async def test_quick_fix_generates_then_upgrade_clears_drift_without_another_save(
    lsp: AgentClient, blog: Blog
) -> None:
    blog.fix_undefined_names()
    await start(lsp, blog.root, "visual_studio_code", {"interpreter": [sys.executable]})
    assert (await command(lsp, "alembic-ls.upgrade"))["ok"]
    await next_status(lsp, lambda e: e["current"] == ["6f708192a3b4"] and e["pending"] == 0)

    blog.add_model_field("score: float | None = Field(default=None)")
    uri, _text = open_document(lsp, blog.models)
    mark = len(lsp.publications)
    save(lsp, uri)
    [finding] = coded(
        await wait_for(lsp, uri, where=lambda ds: bool(coded(ds, "AM601")), after=mark), "AM601"
    )
    score_line = next(n for n, line in enumerate(blog.models.read_text().splitlines()) if "score:" in line)
    assert finding.range.start.line == score_line

    # The editor asks for code actions on the model file (outside every revision index): one quick fix.
    actions = await lsp.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=finding.range,
            context=types.CodeActionContext(diagnostics=[finding]),
        )
    )
    assert actions is not None and len(actions) == 1
    [action] = actions
    assert isinstance(action, types.CodeAction) and action.command is not None
    assert action.title == 'Generate migration "add score to post"…'
    assert action.kind == types.CodeActionKind.QuickFix and action.edit is None
    assert action.command.command == "alembic-ls.generateMigration"
    assert list(action.command.arguments or ()) == [
        {"project": str(blog.root.resolve()), "message": "add score to post"}
    ]
    only_refactor = await lsp.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=finding.range,
            context=types.CodeActionContext(diagnostics=[finding], only=[types.CodeActionKind.Refactor]),
        )
    )
    assert not only_refactor

    generated = await command(lsp, action.command.command, **action.command.arguments[0])
    assert generated["ok"] and generated["path"].endswith("_add_score_to_post.py"), generated["message"]
    new_uri = path_to_uri(str(Path(generated["path"]).resolve()))

    # Not applied yet: AM602 on the new revision, and the lens to apply it.
    await until(lsp, lambda: bool(coded(lsp.diagnostics.get(new_uri), "AM602")))
    lens = await upgrade_lens(lsp, new_uri)
    assert lens is not None and lens.command == "alembic-ls.upgrade" and lens.arguments is not None
    assert lens.arguments[0]["target"] == generated["revision"]

    logs = len(lsp.log_messages)
    upgraded = await command(lsp, lens.command, **lens.arguments[0])
    assert upgraded["ok"] and upgraded["applied"] == [generated["revision"]], upgraded["message"]
    # The upgrade schedules the drift check itself: it compares again and finds nothing.
    await until(lsp, lambda: logged_since(lsp, logs, AGREE))
    await until(
        lsp,
        lambda: (
            not coded(lsp.diagnostics.get(uri), "AM601") and not coded(lsp.diagnostics.get(new_uri), "AM602")
        ),
    )
    assert await upgrade_lens(lsp, new_uri) is None
    final = await next_status(lsp, lambda e: e["current"] == [generated["revision"]] and e["drift"] == 0)
    assert final["pending"] == 0 and final["heads"] == [generated["revision"]]

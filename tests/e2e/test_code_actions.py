"""Every quick fix, applied as the client would apply it, then re-checked by the server."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from pathlib import Path

import pytest
from e2e_support import (
    RecordingClient,
    apply_lsp_edits,
    change_document,
    codes,
    edits_by_uri,
    open_document,
    start,
    wait_for,
)
from lsprotocol import types

from alembic_ls.server.paths import path_to_uri

VERSIONS = Path("migrations/versions")
SLUG = VERSIONS / "4d5e6f708192_add_slug_to_post.py"
TAG = VERSIONS / "3c4d5e6f7081_create_tag_table.py"
BIO = VERSIONS / "5e6f708192a3_add_bio_to_user.py"
SUBTITLE = VERSIONS / "6f708192a3b4_add_subtitle_to_post.py"


async def actions_for(
    client: RecordingClient, uri: str, diagnostic: types.Diagnostic, only: Sequence[str] | None = None
) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic], only=list(only) if only else None),
        )
    )
    assert result is not None
    return [a for a in result if isinstance(a, types.CodeAction)]


async def edit_of(client: RecordingClient, action: types.CodeAction) -> types.WorkspaceEdit:
    if action.edit is None:  # a client with resolveSupport for "edit" gets it lazily
        action = await client.code_action_resolve_async(action)
    assert action.edit is not None, action.title
    return action.edit


async def apply_action(
    client: RecordingClient, uri: str, text: str, action: types.CodeAction
) -> tuple[str, Sequence[types.Diagnostic]]:
    """Apply the action's edit to the open document, send it, and wait for its diagnostics."""
    edits = edits_by_uri(await edit_of(client, action))
    assert list(edits) == [uri]
    new_text = apply_lsp_edits(text, edits[uri], client.encoding)
    ast.parse(new_text)
    version = change_document(client, uri, new_text)
    return new_text, await wait_for(client, uri, version=version)


async def opened(
    client: RecordingClient, root: Path, relative: Path
) -> tuple[str, str, Sequence[types.Diagnostic]]:
    uri, text = open_document(client, root / relative)
    return uri, text, await wait_for(client, uri, version=1)


def only_code(diagnostics: Sequence[types.Diagnostic], code: str) -> types.Diagnostic:
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, codes(diagnostics)
    return found[0]


@pytest.mark.parametrize(
    ("relative", "code", "expected"),
    [
        (SLUG, "AM306", "Revises: 3c4d5e6f7081"),
        (BIO, "AM201", "batch_op.drop_column('bio')"),
        (SUBTITLE, "AM501", "import sqlmodel"),
    ],
)
async def test_safe_quick_fix_removes_the_finding(
    client: RecordingClient, demo_copy: Path, relative: Path, code: str, expected: str
) -> None:
    uri, text, diagnostics = await opened(client, demo_copy, relative)
    actions = await actions_for(client, uri, only_code(diagnostics, code))
    preferred = [a for a in actions if a.is_preferred]
    assert len(preferred) == 1 and preferred[0].kind == types.CodeActionKind.QuickFix
    new_text, after = await apply_action(client, uri, text, preferred[0])
    assert expected in new_text
    assert code not in [d.code for d in after]
    assert len(after) == len(diagnostics) - 1


async def test_manual_comment_fix_needs_a_person_to_say_why(client: RecordingClient, demo_copy: Path) -> None:
    uri, text, diagnostics = await opened(client, demo_copy, SLUG)
    actions = await actions_for(client, uri, only_code(diagnostics, "AM104"))
    comment = next(a for a in actions if "MANUAL" in a.title)
    assert not comment.is_preferred  # never applied without a person
    new_text, after = await apply_action(client, uri, text, comment)
    assert "    # MANUAL: <why>\n    op.execute(" in new_text
    assert "AM104" in [d.code for d in after]  # the placeholder explains nothing yet
    explained = new_text.replace("<why>", "backfill slugs for the existing posts")
    version = change_document(client, uri, explained)
    final = await wait_for(client, uri, version=version)
    assert codes(final) == [("AM306", 4)]


@pytest.mark.parametrize(
    ("title", "expected"),
    [("line", "  # alembic-ls: ignore[AM101]"), ("file", "# alembic-ls: ignore-file[AM101]\n")],
)
async def test_disable_actions_silence_the_rule(
    client: RecordingClient, demo_copy: Path, title: str, expected: str
) -> None:
    uri, text, diagnostics = await opened(client, demo_copy, TAG)
    actions = await actions_for(client, uri, only_code(diagnostics, "AM101"))
    disable = next(a for a in actions if a.title == f"Disable AM101 for this {title}")
    new_text, after = await apply_action(client, uri, text, disable)
    assert expected in new_text
    assert list(after) == []
    if title == "line":  # on the finding's own line, after the code
        assert "    op.create_table(  # alembic-ls: ignore[AM101]" in new_text


async def test_fix_all_applies_every_safe_fix_in_one_edit(client: RecordingClient, demo_copy: Path) -> None:
    path = demo_copy / SUBTITLE
    path.write_text(path.read_text().replace("Revises: 5e6f708192a3", "Revises: 4d5e6f708192"))
    uri, text, diagnostics = await opened(client, demo_copy, SUBTITLE)
    assert codes(diagnostics) == [("AM306", 4), ("AM501", 25)]
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)
            ),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
        )
    )
    assert result is not None and len(result) == 1
    fix_all = result[0]
    assert isinstance(fix_all, types.CodeAction) and fix_all.kind == "source.fixAll.alembic-ls"
    edits = edits_by_uri(await edit_of(client, fix_all))
    assert len(edits[uri]) == 1
    new_text, after = await apply_action(client, uri, text, fix_all)
    assert "Revises: 5e6f708192a3" in new_text and "import sqlmodel" in new_text
    assert list(after) == []


async def test_fix_all_command_sends_the_edit_to_the_client(client: RecordingClient, demo_copy: Path) -> None:
    uri, text, _diagnostics = await opened(client, demo_copy, BIO)
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="alembic-ls.fixAll", arguments=[{"uri": uri}])
    )
    assert result["ok"] is True and result["applied"] is True
    (edit,) = client.applied_edits
    fixed = apply_lsp_edits(text, edits_by_uri(edit)[uri], client.encoding)
    assert 'def downgrade() -> None:\n    """Downgrade schema."""\n    # Derived by alembic-ls' in fixed


async def test_template_action_adds_sqlmodel_to_script_mako(client: RecordingClient, demo_copy: Path) -> None:
    uri, _text, diagnostics = await opened(client, demo_copy, SUBTITLE)
    actions = await actions_for(client, uri, only_code(diagnostics, "AM501"))
    template_action = next(a for a in actions if "script.py.mako" in a.title)
    edits = edits_by_uri(await edit_of(client, template_action))
    template = demo_copy / "migrations" / "script.py.mako"
    template_uri = path_to_uri(str(template.resolve()))
    assert list(edits) == [template_uri]
    updated = apply_lsp_edits(template.read_text(), edits[template_uri], client.encoding)
    assert "import sqlalchemy as sa\nimport sqlmodel\n${imports" in updated
    template.write_text(updated)
    again = await actions_for(client, uri, only_code(diagnostics, "AM501"))
    assert not any("script.py.mako" in a.title for a in again)


async def test_clients_without_lazy_edits_get_them_at_once(
    bare_client: RecordingClient, demo_copy: Path
) -> None:
    """Emacs (eglot/lsp-mode capabilities): no codeAction/resolve, UTF-32 positions."""
    client = bare_client
    result = await start(client, demo_copy, "emacs")
    assert client.encoding == "utf-32" and result.capabilities.position_encoding == "utf-32"
    uri, text, diagnostics = await opened(client, demo_copy, BIO)
    actions = await actions_for(client, uri, only_code(diagnostics, "AM201"))
    assert all(a.edit is not None for a in actions)
    new_text, after = await apply_action(client, uri, text, next(a for a in actions if a.is_preferred))
    assert "batch_op.drop_column('bio')" in new_text and list(after) == []


async def test_snippet_capable_clients_get_the_placeholder_selected(
    bare_client: RecordingClient, demo_copy: Path
) -> None:
    fresh_client = bare_client
    from pytest_lsp import client_capabilities

    capabilities = client_capabilities("visual_studio_code")
    assert capabilities.workspace is not None and capabilities.workspace.workspace_edit is not None
    capabilities.workspace.workspace_edit.snippet_edit_support = True
    await start(fresh_client, demo_copy, capabilities)
    uri, _text, diagnostics = await opened(fresh_client, demo_copy, SLUG)
    actions = await actions_for(fresh_client, uri, only_code(diagnostics, "AM104"))
    edit = await edit_of(fresh_client, next(a for a in actions if "MANUAL" in a.title))
    assert edit.document_changes is not None
    (change,) = edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    (snippet,) = change.edits
    assert isinstance(snippet, types.SnippetTextEdit)
    assert snippet.snippet.value == "    # MANUAL: ${1:why}\n"

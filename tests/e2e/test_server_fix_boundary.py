"""The server's fixes never edit a file outside the project: not a revision file that is a symlink to a
file elsewhere, not a script.py.mako that is a symlink to a shared template."""

from __future__ import annotations

import shutil
from pathlib import Path

from e2e_support import RecordingClient, edits_by_uri, open_document, start, wait_for
from lsprotocol import types

from alembic_ls.server.paths import path_to_uri

SUBTITLE = Path("migrations/versions/6f708192a3b4_add_subtitle_to_post.py")


async def all_actions(
    client: RecordingClient, uri: str, diagnostics: list[types.Diagnostic]
) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostics[0].range,
            context=types.CodeActionContext(diagnostics=diagnostics),
        )
    )
    actions = [a for a in result or [] if isinstance(a, types.CodeAction)]
    resolved = []
    for action in actions:  # clients with resolveSupport get the edit lazily
        if action.edit is None and action.data is not None:
            action = await client.code_action_resolve_async(action)
        resolved.append(action)
    return resolved


async def test_no_quick_fix_edits_a_shared_template_outside_the_project(
    client: RecordingClient, demo_copy: Path, tmp_path: Path
) -> None:
    template = demo_copy / "migrations" / "script.py.mako"
    shared = tmp_path / "shared" / "script.py.mako"
    shared.parent.mkdir()
    shutil.move(template, shared)
    template.symlink_to(shared)
    uri, _text = open_document(client, demo_copy / SUBTITLE)
    diagnostics = await wait_for(client, uri, version=1, where=lambda d: any(x.code == "AM501" for x in d))
    am501 = [d for d in diagnostics if d.code == "AM501"]
    actions = await all_actions(client, uri, am501)
    assert any(a.is_preferred for a in actions)  # the file's own fix (add the import) is still offered
    touched = {target for a in actions if a.edit is not None for target in edits_by_uri(a.edit)}
    assert touched == {uri}, touched  # never the shared template
    assert "import sqlmodel" not in shared.read_text(encoding="utf-8")


async def test_no_fix_edits_a_revision_file_linked_from_outside(
    fresh_client: RecordingClient, write_history, make_revision, tmp_path: Path
) -> None:
    client = fresh_client
    history = write_history(("a1", None))
    elsewhere = tmp_path / "shared" / "b2_change.py"
    elsewhere.parent.mkdir()
    elsewhere.write_text(make_revision("b2", "a1", revises="zz"), encoding="utf-8")  # AM306: a safe fix
    link = history.versions / "b2_change.py"
    link.symlink_to(elsewhere)
    await start(client, history.root, client.spec, initialization_options={"trusted": False})
    uri = path_to_uri(str(link))
    diagnostics = list(await wait_for(client, uri, where=lambda d: len(d) > 0))
    assert [d.code for d in diagnostics] == ["AM306"]  # reported
    for action in await all_actions(client, uri, diagnostics):
        assert action.edit is None or not edits_by_uri(action.edit), action.title
    fixed = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="alembic-ls.fixAll", arguments=[{"uri": uri}])
    )
    assert isinstance(fixed, dict) and fixed.get("applied") is not True
    assert client.applied_edits == []

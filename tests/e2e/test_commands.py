"""The server's own commands: rule docs, restart, and guarded failures."""

from __future__ import annotations

from pathlib import Path

from e2e_support import RecordingClient, wait_for
from lsprotocol import types

from alembic_ls.docs import doc_uri
from alembic_ls.server.paths import path_to_uri

SLUG = Path("migrations/versions/4d5e6f708192_add_slug_to_post.py")


async def run(client: RecordingClient, command: str, argument: object) -> dict[str, object]:
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=[argument])
    )
    assert isinstance(result, dict)
    return result


async def test_show_rule_doc_opens_the_page(client: RecordingClient, demo_copy: Path) -> None:
    result = await run(client, "alembic-ls.showRuleDoc", {"code": "uncommented-manual-sql"})
    assert result["ok"] is True and result["uri"] == doc_uri("AM104")
    assert "AM104" in str(result["markdown"])
    assert [d.uri for d in client.shown_documents] == [doc_uri("AM104")]
    unknown = await run(client, "alembic-ls.showRuleDoc", {"code": "AM999"})
    assert unknown["ok"] is False


async def test_restart_reindexes_and_republishes(client: RecordingClient, demo_copy: Path) -> None:
    slug = path_to_uri(str((demo_copy / SLUG).resolve()))
    await wait_for(client, slug, where=lambda d: len(d) == 2)
    (demo_copy / SLUG).write_text(
        (demo_copy / SLUG).read_text().replace("Revises: 2b3c4d5e6f70", "Revises: 3c4d5e6f7081")
    )
    mark = len(client.publications)
    result = await run(client, "alembic-ls.restart", {})
    assert result["ok"] is True and result["projects"] == [str((demo_copy / "migrations").resolve())]
    after = await wait_for(client, slug, after=mark)
    assert [d.code for d in after] == ["AM104"]  # the header was fixed on disk behind the server's back


async def test_commands_answer_bad_arguments_with_ok_false(client: RecordingClient, demo_copy: Path) -> None:
    for command in ("alembic-ls.fixAll", "alembic-ls.openRevision"):
        result = await client.workspace_execute_command_async(types.ExecuteCommandParams(command=command))
        assert isinstance(result, dict) and result["ok"] is False, command

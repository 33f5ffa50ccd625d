"""Clients that cannot open documents still see what commands and code lenses do (issue 13 item 6).

The client declares Neovim 0.7's own capabilities (pytest-lsp's record of them): no
`window/showDocument`. Every code lens then carries a command the server handles, and running it
tells the user (`window/showMessage`) where the revision is or what it is; the database commands
that write files say what they made and where."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from agent_lsp_support import AgentClient, command, lsp_fixture  # noqa: F401  (fixture)
from agent_support import Blog, sqlite_blog_fixture  # noqa: F401  (fixture)
from e2e_support import RecordingClient, initial_diagnostics, open_document, start, wait_for
from lsprotocol import types

from alembic_ls.analysis.source_text import split_lines
from alembic_ls.server.paths import path_to_uri

NEOVIM_0_7 = "neovim@v0.7.0"
VERSIONS = Path("migrations/versions")
SLUG = VERSIONS / "4d5e6f708192_add_slug_to_post.py"


def revision_line(path: Path) -> int:
    """The 1-based line of `revision = ...`, where navigation lands."""
    lines = split_lines(path.read_text(encoding="utf-8"))
    return next(i for i, line in enumerate(lines) if line.startswith("revision")) + 1


def new_messages(client: RecordingClient, mark: int) -> list[str]:
    return [m.message for m in client.messages[mark:]]


async def lenses_of(client: RecordingClient, path: Path) -> Sequence[types.CodeLens]:
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=path_to_uri(str(path.resolve()))))
    )
    assert lenses, path
    return lenses


async def run_lens(client: RecordingClient, lens: types.CodeLens) -> object:
    assert lens.command is not None
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=lens.command.command, arguments=lens.command.arguments)
    )


async def test_every_lens_runs_a_command_that_tells_the_user(
    bare_client: RecordingClient, demo_copy: Path
) -> None:
    started = await start(bare_client, demo_copy, NEOVIM_0_7, initialization_options={"trusted": False})
    provider = started.capabilities.execute_command_provider
    assert provider is not None
    handled = set(provider.commands)
    await initial_diagnostics(bare_client, demo_copy)
    versions = demo_copy / VERSIONS
    files = {path.stem.split("_")[0]: path for path in sorted(versions.glob("*.py"))}
    told_roles: set[str] = set()
    for path in files.values():
        for lens in await lenses_of(bare_client, path):
            assert lens.command is not None and lens.command.command in handled, lens
            mark = len(bare_client.messages)
            result = await run_lens(bare_client, lens)
            assert isinstance(result, dict) and result["ok"], result
            (told,) = new_messages(bare_client, mark)
            title = lens.command.title
            if title.startswith(("↑", "↓")):  # navigation: where the parent or child is
                target = files[title.split()[1]]
                assert told.endswith(f"{target.resolve()}:{revision_line(target)}"), told
            else:  # a label: what the revision is
                rid = path.stem.split("_")[0]
                assert told.startswith(f"alembic-ls: {rid} — ") and "Parents:" in told, told
                told_roles.add(title)
    assert {"base: no parent", "head"} <= told_roles


async def test_a_client_that_opens_documents_is_not_also_told(
    fresh_client: RecordingClient, demo_copy: Path
) -> None:
    await start(fresh_client, demo_copy, fresh_client.spec, initialization_options={"trusted": False})
    await initial_diagnostics(fresh_client, demo_copy)
    uri, _text = open_document(fresh_client, demo_copy / SLUG)
    await wait_for(fresh_client, uri, version=1)
    parent = next(
        lens
        for lens in await lenses_of(fresh_client, demo_copy / SLUG)
        if lens.command and "↑" in lens.command.title
    )
    mark = len(fresh_client.messages)
    result = await run_lens(fresh_client, parent)
    assert isinstance(result, dict) and result["shown"] is True, result
    assert new_messages(fresh_client, mark) == []


async def test_database_commands_say_what_they_made_and_where(lsp: AgentClient, sqlite_blog: Blog) -> None:
    sqlite_blog.fix_undefined_names()
    await start(lsp, sqlite_blog.root, NEOVIM_0_7, {"interpreter": [sys.executable]})
    assert (await command(lsp, "alembic-ls.upgrade"))["ok"]

    mark = len(lsp.messages)
    sql = await command(lsp, "alembic-ls.showSql", revision="5e6f708192a3")
    assert sql["ok"] and sql["shown"] is False and sql["told"] is True, sql
    (told,) = new_messages(lsp, mark)
    sql_file = Path(sql["path"]).resolve()
    assert told.startswith(f"alembic-ls: {sql['message']}") and told.endswith(str(sql_file)), told
    assert sql_file.is_file()

    sqlite_blog.add_model_field("score: float | None = Field(default=None)")
    mark = len(lsp.messages)
    generated = await command(lsp, "alembic-ls.generateMigration", message="add score to post")
    assert generated["ok"], generated["message"]
    (told,) = new_messages(lsp, mark)
    assert told.startswith(f"alembic-ls: {generated['message']}"), told
    assert told.endswith(str(Path(generated["path"]).resolve())), told

    # A teammate's revision on the same parent: two heads to merge.
    new_file = Path(generated["path"])
    teammate = sqlite_blog.versions / "0a1b2c3d4e5f_add_rating_to_post.py"
    teammate.write_text(
        new_file.read_text(encoding="utf-8")
        .replace(generated["revision"], "0a1b2c3d4e5f")
        .replace("score", "rating"),
        encoding="utf-8",
    )
    teammate_uri = open_document(lsp, teammate)[0]
    await wait_for(lsp, teammate_uri, where=lambda ds: any(d.code == "AM301" for d in ds))
    mark = len(lsp.messages)
    merged = await command(lsp, "alembic-ls.mergeHeads", message="merge score and rating")
    assert merged["ok"], merged["message"]
    told_now = new_messages(lsp, mark)
    assert told_now[-1].startswith(f"alembic-ls: {merged['message']}"), told_now
    assert told_now[-1].endswith(str(Path(merged["path"]).resolve())), told_now

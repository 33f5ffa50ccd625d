"""Messages in the client's own terms, through a real server: a client that says `editorActions: "vscode"`
is told about VS Code's actions (Manage Workspace Trust, "Alembic: Upgrade Head"); every other client
keeps the command-line wording. And a folder with no Alembic project says so, with what was looked for.
"""

from __future__ import annotations

import sys
from pathlib import Path

from agent_lsp_support import AgentClient, command, lsp_fixture, next_status, until  # noqa: F401  (fixture)
from agent_support import Blog, sqlite_blog_fixture  # noqa: F401  (fixture)
from e2e_support import start, wait_for

from alembic_ls.server.paths import path_to_uri

VSCODE = {"editorActions": "vscode"}


async def test_restricted_mode_in_vscode_points_at_manage_workspace_trust(
    lsp: AgentClient, sqlite_blog: Blog
) -> None:
    await start(lsp, sqlite_blog.root, "visual_studio_code", {"trusted": False, **VSCODE})
    result = await command(lsp, "alembic-ls.history")
    assert not result["ok"] and result["error"] == "untrusted"
    assert "Manage Workspace Trust" in result["message"] and "Restricted Mode" in result["message"]
    assert "setting `trusted`" not in result["message"]
    # The client still learns there is a project (its heads), without the database half.
    status = await next_status(lsp)
    assert status["current"] is None and status["heads"] == ["6f708192a3b4"]
    assert not any("starting agent" in m.message for m in lsp.log_messages)


async def test_other_clients_keep_the_trusted_setting_wording(lsp: AgentClient, sqlite_blog: Blog) -> None:
    await start(lsp, sqlite_blog.root, "neovim", {"trusted": False})
    result = await command(lsp, "alembic-ls.current")
    assert not result["ok"] and "setting `trusted`" in result["message"]
    assert "Manage Workspace Trust" not in result["message"]


async def test_database_behind_head_names_the_upgrade_head_command_in_vscode(
    lsp: AgentClient, sqlite_blog: Blog
) -> None:
    sqlite_blog.fix_undefined_names()
    await start(lsp, sqlite_blog.root, "visual_studio_code", {"interpreter": [sys.executable], **VSCODE})
    assert (await command(lsp, "alembic-ls.upgrade", target="3c4d5e6f7081"))["ok"]
    result = await command(lsp, "alembic-ls.generateMigration", message="add views")
    assert not result["ok"] and result["error"] == "not-up-to-date", result
    assert '"Alembic: Upgrade Head"' in result["message"]
    assert "`alembic upgrade head`" not in result["message"]
    # AM602 on a revision not applied names the quick fix and the lens, not `alembic upgrade <rev>`.
    head_uri = path_to_uri(str((sqlite_blog.versions / "6f708192a3b4_add_subtitle_to_post.py").resolve()))
    await until(lsp, lambda: any(d.code == "AM602" for d in lsp.diagnostics.get(head_uri, [])))
    [am602] = [d for d in lsp.diagnostics[head_uri] if d.code == "AM602"]
    assert "quick fix" in am602.message and '"Upgrade to here"' in am602.message, am602.message
    assert "`alembic upgrade" not in am602.message


async def test_a_folder_without_an_alembic_project_says_so(lsp: AgentClient, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\n', encoding="utf-8")
    (tmp_path / "app.py").write_text("print('hello')\n", encoding="utf-8")
    await start(lsp, tmp_path, "visual_studio_code", {"interpreter": [sys.executable], **VSCODE})
    commands = (
        "alembic-ls.upgrade",
        "alembic-ls.history",
        "alembic-ls.checkDrift",
        "alembic-ls.revisionGraph",
    )
    active_file = path_to_uri(str((tmp_path / "app.py").resolve()))  # what VS Code sends as `project`
    for name, args in [(name, args) for name in commands for args in ({}, {"project": active_file})]:
        result = await command(lsp, name, **args)
        assert not result["ok"] and result["error"] == "noProject", (name, result)
        message = result["message"]
        assert message.startswith(f"There is no Alembic project in {tmp_path.resolve()}"), message
        assert "alembic.ini" in message and "[tool.alembic]" in message and "env.py" in message
        assert "several projects" not in message
    # The status says "no project" too, so a client can hide its project commands.
    assert lsp.statuses and lsp.statuses[-1]["projects"] == []


async def test_static_findings_name_the_editors_commands_in_vscode(
    lsp: AgentClient, sqlite_blog: Blog
) -> None:
    """AM101's next step, published for a file that is not even open: the palette commands, not the CLI."""
    await start(lsp, sqlite_blog.root, "visual_studio_code", {"trusted": False, **VSCODE})
    uri = path_to_uri(str((sqlite_blog.versions / "3c4d5e6f7081_create_tag_table.py").resolve()))
    found = await wait_for(lsp, uri, where=lambda ds: any(d.code == "AM101" for d in ds))
    [am101] = [d for d in found if d.code == "AM101"]
    # The demo's hand-written revision has a child: the advice is to generate the next one.
    assert 'should come from "Alembic: Generate Migration…" with the message' in am101.message
    assert "`alembic" not in am101.message


async def test_static_findings_keep_the_cli_wording_elsewhere(lsp: AgentClient, sqlite_blog: Blog) -> None:
    await start(lsp, sqlite_blog.root, "neovim", {"trusted": False})
    uri = path_to_uri(str((sqlite_blog.versions / "3c4d5e6f7081_create_tag_table.py").resolve()))
    found = await wait_for(lsp, uri, where=lambda ds: any(d.code == "AM101" for d in ds))
    [am101] = [d for d in found if d.code == "AM101"]
    assert "should come from `alembic revision --autogenerate -m" in am101.message

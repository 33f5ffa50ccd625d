"""AM412's two quick fixes through the real server: SET LOCAL in the revision, or once in env.py (an
edit of env.py, found by its syntax tree), after which no revision of the project is reported."""

from __future__ import annotations

import ast
from pathlib import Path

from e2e_support import RecordingClient, apply_lsp_edits, edits_by_uri, open_document, start, wait_for
from test_code_actions import actions_for, edit_of

from alembic_ls.analysis.index import IndexCache, ProjectIndex
from alembic_ls.checker import Checker
from alembic_ls.project import discover_projects
from alembic_ls.server.paths import path_to_uri
from alembic_ls.settings import Settings

HEAD = Path("migrations") / "versions" / "6f708192a3b4_add_subtitle_to_post.py"
PG = {"trusted": False, "dialect": "postgresql", "select": ["AM412"]}


async def test_lock_timeout_once_in_env_py(bare_client: RecordingClient, demo_copy: Path) -> None:
    client = bare_client
    await start(client, demo_copy, "visual_studio_code", initialization_options=PG)
    uri, _text = open_document(client, demo_copy / HEAD)
    [am412] = [d for d in await wait_for(client, uri, version=1) if d.code == "AM412"]
    actions = await actions_for(client, uri, am412)
    titles = [a.title for a in actions]
    assert "Set lock_timeout in this revision (SET LOCAL, before the first lock)" in titles
    [env_action] = [a for a in actions if a.title == "Set lock_timeout once in env.py (every migration)"]
    env = demo_copy / "migrations" / "env.py"
    edits = edits_by_uri(await edit_of(client, env_action))
    env_uri = path_to_uri(str(env.resolve()))
    assert list(edits) == [env_uri]
    before = env.read_text()
    after = apply_lsp_edits(before, edits[env_uri], client.encoding)
    ast.parse(after)
    added = [line.strip() for line in after.splitlines() if line not in before.splitlines()]
    assert added == [
        "context.execute(\"SET lock_timeout = '5s'\")  # alembic-ls (AM412): fail fast, then retry"
    ] * (before.count("context.run_migrations()"))
    env.write_text(after)
    projects, _ = discover_projects([demo_copy])
    index = ProjectIndex.build(projects[0], IndexCache(None))
    found = Checker(index, Settings(dialect="postgresql", select=("AM412",))).check_all()
    assert not [f for per_file in found.values() for f in per_file]

"""AM105 in the editor, through the real server: a revision the default branch already has,
edited in the editor (unsaved), is reported on the changed line; undoing the edit clears it; a new
revision is the author's own to edit; an untrusted workspace runs no git at all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from e2e_support import RecordingClient, change_document, open_document, start, wait_for

GIT = ("git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main")


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        [*GIT, *args],
        cwd=cwd,
        capture_output=True,
        check=True,
    )


def committed(demo_copy: Path) -> Path:
    git("init", "-q", cwd=demo_copy)
    git("add", "-A", cwd=demo_copy)
    git("commit", "-qm", "demo", cwd=demo_copy)
    git("checkout", "-qb", "feature", cwd=demo_copy)
    return demo_copy / "migrations" / "versions" / "2b3c4d5e6f70_add_published_to_post.py"


def edited(text: str) -> tuple[str, int]:
    lines = text.splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if line.startswith("def upgrade"))
    lines.insert(at + 1, "    # a change after the merge\n")
    return "".join(lines), at + 1


async def test_an_edit_of_a_shared_revision_is_reported_until_undone(
    bare_client: RecordingClient, demo_copy: Path
) -> None:
    client = bare_client
    path = committed(demo_copy)
    await start(
        client, demo_copy, "visual_studio_code", initialization_options={"interpreter": [sys.executable]}
    )
    uri, text = open_document(client, path)
    assert not [d for d in await wait_for(client, uri, version=1) if d.code == "AM105"]
    new_text, line = edited(text)
    version = change_document(client, uri, new_text)
    [am105] = [d for d in await wait_for(client, uri, version=version) if d.code == "AM105"]
    assert am105.range.start.line == line
    assert "already exists at main" in am105.message
    version = change_document(client, uri, text)
    assert not [d for d in await wait_for(client, uri, version=version) if d.code == "AM105"]


async def test_an_untrusted_workspace_runs_no_git(bare_client: RecordingClient, demo_copy: Path) -> None:
    path = committed(demo_copy)
    await start(bare_client, demo_copy, "visual_studio_code", initialization_options={"trusted": False})
    uri, text = open_document(bare_client, path)
    await wait_for(bare_client, uri, version=1)
    new_text, _line = edited(text)
    version = change_document(bare_client, uri, new_text)
    assert not [d for d in await wait_for(bare_client, uri, version=version) if d.code == "AM105"]

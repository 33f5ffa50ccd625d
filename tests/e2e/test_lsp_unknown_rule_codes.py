"""Over LSP a mistyped rule code is shown to the user (window/showMessage) and that setting is
ignored, rather than silently disabling checks; the server keeps running."""

from __future__ import annotations

from pathlib import Path

from e2e_support import RecordingClient, codes, start, wait_for
from lsprotocol import types

from alembic_ls.server.paths import path_to_uri

SLUG = Path("migrations/versions/4d5e6f708192_add_slug_to_post.py")


def warnings_of(client: RecordingClient) -> list[str]:
    return [m.message for m in client.messages if m.type == types.MessageType.Warning]


async def test_a_mistyped_client_code_is_shown_and_checks_stay_on(
    fresh_client: RecordingClient, demo_copy: Path
) -> None:
    client = fresh_client
    await start(
        client, demo_copy, client.spec, initialization_options={"select": ["AM2O1"], "trusted": False}
    )
    slug = await wait_for(client, path_to_uri(str((demo_copy / SLUG).resolve())), where=lambda d: len(d) > 0)
    assert codes(slug) == [("AM104", 30), ("AM306", 4)]  # every rule, as without the bad setting
    assert any(
        "unknown rule code `AM2O1` in `select`; did you mean `AM201`?" in m for m in warnings_of(client)
    ), warnings_of(client)


async def test_a_mistyped_code_in_pyproject_is_shown(fresh_client: RecordingClient, demo_copy: Path) -> None:
    client = fresh_client
    (demo_copy / "pyproject.toml").write_text('[tool.alembic-ls]\nignore = ["AM1O4"]\n')
    await start(client, demo_copy, client.spec, initialization_options={"trusted": False})
    slug = await wait_for(client, path_to_uri(str((demo_copy / SLUG).resolve())), where=lambda d: len(d) > 0)
    assert codes(slug) == [("AM104", 30), ("AM306", 4)]
    expected = (
        "pyproject.toml [tool.alembic-ls]: unknown rule code `AM1O4` in `ignore`; did you mean `AM104`?"
    )
    assert any(expected in m for m in warnings_of(client)), warnings_of(client)

"""A second start on an unchanged workspace takes every closed file's findings from the cache the
first start wrote (workspace/first_check.py), and shows exactly what the first start showed."""

from __future__ import annotations

from pathlib import Path

from e2e_support import SERVER_COMMAND, RecordingClient, make_client, start, wait_for_log
from lsprotocol import types

Shown = dict[str, list[tuple[object, ...]]]


async def _first_check(client: RecordingClient, root: Path, spec: str) -> str:
    """Start a server on `root` and wait for its first check: the line it logs at the end."""
    await start(client, root, spec, initialization_options={"trusted": False})
    line = await wait_for_log(client, "checked in")
    # Queued on the analysis thread after the first check's cache is written: once answered, a
    # second start finds it.
    await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="post"))
    return line


def _shown(client: RecordingClient) -> Shown:
    return {
        uri: sorted((str(d.code), d.range.start.line, d.range.start.character, d.message) for d in found)
        for uri, found in client.diagnostics.items()
    }


async def test_a_second_start_shows_what_the_first_did_without_checking_again(
    fresh_client: RecordingClient, demo_copy: Path
) -> None:
    first_line = await _first_check(fresh_client, demo_copy, fresh_client.spec)
    assert "unchanged since the last start" not in first_line
    first = _shown(fresh_client)
    assert any(first.values())  # the demo's planted findings
    revisions = len(list((demo_copy / "migrations" / "versions").glob("*.py")))

    second = make_client()
    await second.start_io(*SERVER_COMMAND)
    try:
        line = await _first_check(second, demo_copy, fresh_client.spec)
        assert f"({revisions} unchanged since the last start)" in line
        assert _shown(second) == first
    finally:
        await second.shutdown_session()

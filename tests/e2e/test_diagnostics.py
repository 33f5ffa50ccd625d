"""Diagnostics for every planted finding of the demo, as each client receives them."""

from __future__ import annotations

from pathlib import Path

from e2e_support import RecordingClient, codes, open_document, wait_for
from lsprotocol import types

from alembic_ls.docs import doc_uri
from alembic_ls.server.paths import path_to_uri

VERSIONS = "migrations/versions"
PLANTED = {
    "3c4d5e6f7081_create_tag_table.py": [("AM101", 23)],
    "4d5e6f708192_add_slug_to_post.py": [("AM104", 30), ("AM306", 4)],
    "5e6f708192a3_add_bio_to_user.py": [("AM201", 31)],
    "6f708192a3b4_add_subtitle_to_post.py": [("AM501", 25)],
}
CLEAN = ("1a2b3c4d5e6f_create_user_and_post.py", "2b3c4d5e6f70_add_published_to_post.py")


def uri_of(root: Path, name: str) -> str:
    return path_to_uri(str((root / VERSIONS / name).resolve()))


async def test_closed_files_get_every_planted_finding(client: RecordingClient, demo_copy: Path) -> None:
    for name, expected in PLANTED.items():
        diagnostics = await wait_for(client, uri_of(demo_copy, name), where=lambda d: len(d) > 0)
        assert codes(diagnostics) == expected, name
    for name in CLEAN:
        assert not client.diagnostics.get(uri_of(demo_copy, name)), name


async def test_each_diagnostic_carries_code_link_source_and_fix(
    client: RecordingClient, demo_copy: Path
) -> None:
    diagnostics = await wait_for(
        client, uri_of(demo_copy, "4d5e6f708192_add_slug_to_post.py"), where=lambda d: len(d) == 2
    )
    by_code = {d.code: d for d in diagnostics}
    for code, diagnostic in by_code.items():
        assert diagnostic.source == "alembic-ls"
        assert diagnostic.code_description is not None
        assert diagnostic.code_description.href == doc_uri(str(code))
        assert isinstance(diagnostic.data, dict) and "fix" in diagnostic.data
    header = by_code["AM306"]
    assert header.severity == types.DiagnosticSeverity.Warning
    assert header.data["fix"] == {
        "kind": "sync-header",
        "params": {},
        "title": header.data["fix"]["title"],
        "safe": True,
    }
    manual = by_code["AM104"]
    assert manual.data["fix"]["kind"] == "explain-comment" and manual.data["fix"]["safe"] is False
    # The header finding underlines exactly the id after `Revises: ` on line 4.
    assert (header.range.start.line, header.range.start.character, header.range.end.character) == (3, 9, 21)


async def test_open_document_gets_versioned_diagnostics(client: RecordingClient, demo_copy: Path) -> None:
    uri, _text = open_document(client, demo_copy / VERSIONS / "5e6f708192a3_add_bio_to_user.py")
    diagnostics = await wait_for(client, uri, version=1)
    assert codes(diagnostics) == [("AM201", 31)]
    error = diagnostics[0]
    assert error.severity == types.DiagnosticSeverity.Error


async def test_related_information_points_at_the_other_head(client: RecordingClient, demo_copy: Path) -> None:
    uri, text = open_document(client, demo_copy / VERSIONS / "6f708192a3b4_add_subtitle_to_post.py")
    await wait_for(client, uri, version=1)
    from e2e_support import change_document

    version = change_document(
        client,
        uri,
        text.replace(
            "down_revision: Union[str, Sequence[str], None] = '5e6f708192a3'",
            "down_revision: Union[str, Sequence[str], None] = '4d5e6f708192'",
        ),
    )
    diagnostics = await wait_for(client, uri, version=version)
    heads = [d for d in diagnostics if d.code == "AM301"]
    assert len(heads) == 1
    related = heads[0].related_information or []
    assert [r.location.uri for r in related] == [uri_of(demo_copy, "5e6f708192a3_add_bio_to_user.py")]
    assert related[0].location.range.start.line == 15  # `revision: str = '5e6f708192a3'`


async def test_file_watchers_are_registered_when_the_client_can_watch(
    client: RecordingClient, demo_copy: Path
) -> None:
    await wait_for(client, uri_of(demo_copy, "5e6f708192a3_add_bio_to_user.py"), where=lambda d: len(d) > 0)
    watched = [r for r in client.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    assert client.capabilities is not None and client.capabilities.workspace is not None
    dynamic = client.capabilities.workspace.did_change_watched_files
    if dynamic is not None and dynamic.dynamic_registration:  # VS Code
        (registration,) = watched
        options = registration.register_options
        globs = [w["globPattern"] if isinstance(w, dict) else w.glob_pattern for w in _watchers(options)]
        assert globs == ["**/*.py", "**/alembic.ini", "**/pyproject.toml", "**/script.py.mako"]
    else:  # Neovim cannot watch files for a server: nothing is asked of it
        assert watched == []


def _watchers(options: object) -> list[object]:
    if isinstance(options, dict):
        return list(options["watchers"])
    return list(options.watchers)  # type: ignore[attr-defined]

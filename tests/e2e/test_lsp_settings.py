"""Client settings (initializationOptions, workspace/configuration, changes) and pyproject.toml."""

from __future__ import annotations

from pathlib import Path

from e2e_support import RecordingClient, codes, open_document, start, wait_for
from lsprotocol import types

from alembic_ls.server.paths import path_to_uri

VERSIONS = Path("migrations/versions")
TAG = VERSIONS / "3c4d5e6f7081_create_tag_table.py"
SLUG = VERSIONS / "4d5e6f708192_add_slug_to_post.py"
BIO = VERSIONS / "5e6f708192a3_add_bio_to_user.py"


def uri_of(root: Path, relative: Path) -> str:
    return path_to_uri(str((root / relative).resolve()))


async def test_initialization_options_select_and_grade_rules(
    fresh_client: RecordingClient, demo_copy: Path
) -> None:
    client = fresh_client
    options = {"alembicLs": {"ignore": ["AM104"], "severity": {"AM101": "error"}}}
    await start(client, demo_copy, client.spec, initialization_options=options)
    assert codes(await wait_for(client, uri_of(demo_copy, SLUG), where=lambda d: len(d) > 0)) == [
        ("AM306", 4)
    ]
    (hand_written,) = await wait_for(client, uri_of(demo_copy, TAG), where=lambda d: len(d) > 0)
    assert hand_written.severity == types.DiagnosticSeverity.Error


async def test_committed_pyproject_keys_win_over_the_client(
    fresh_client: RecordingClient, demo_copy: Path
) -> None:
    client = fresh_client
    (demo_copy / "pyproject.toml").write_text('[tool.alembic-ls]\nignore = ["AM101"]\n')
    await start(
        client, demo_copy, client.spec, initialization_options={"ignore": ["AM104"], "dialect": "sqlite"}
    )
    slug = await wait_for(client, uri_of(demo_copy, SLUG), where=lambda d: len(d) > 0)
    assert codes(slug) == [("AM104", 30), ("AM306", 4)]  # the team's `ignore` replaces the client's
    open_document(client, demo_copy / TAG)
    assert list(await wait_for(client, uri_of(demo_copy, TAG), version=1)) == []


async def test_configuration_is_pulled_per_folder_and_refreshed_on_change(
    fresh_client: RecordingClient, demo_copy: Path
) -> None:
    client = fresh_client
    client.set_configuration({"ignore": ["AM306"]}, section="alembicLs")
    await start(client, demo_copy, client.spec)
    slug = uri_of(demo_copy, SLUG)
    assert codes(await wait_for(client, slug, where=lambda d: len(d) > 0)) == [("AM104", 30)]
    mark = len(client.publications)
    client.set_configuration({"ignore": []}, section="alembicLs")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    assert codes(await wait_for(client, slug, after=mark)) == [("AM104", 30), ("AM306", 4)]


async def test_closed_files_stay_quiet_when_asked(fresh_client: RecordingClient, demo_copy: Path) -> None:
    client = fresh_client
    await start(client, demo_copy, client.spec, initialization_options={"diagnoseClosedFiles": False})
    uri, _text = open_document(client, demo_copy / BIO)
    assert codes(await wait_for(client, uri, version=1)) == [("AM201", 31)]
    assert [p.uri for p in client.publications] == [uri]  # nothing for the closed files
    mark = len(client.publications)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert list(await wait_for(client, uri, after=mark)) == []


async def test_bad_settings_are_reported_and_ignored(fresh_client: RecordingClient, demo_copy: Path) -> None:
    client = fresh_client
    await start(client, demo_copy, client.spec, initialization_options={"select": 42, "agentTimeout": -1})
    slug = await wait_for(client, uri_of(demo_copy, SLUG), where=lambda d: len(d) > 0)
    assert codes(slug) == [("AM104", 30), ("AM306", 4)]
    warnings = [m.message for m in client.messages if m.type == types.MessageType.Warning]
    assert any("`select` must be a list of rule codes" in m for m in warnings), warnings
    assert any("agentTimeout" in m for m in warnings), warnings


async def test_a_changed_pyproject_is_picked_up_from_the_file_watcher(
    client: RecordingClient, demo_copy: Path
) -> None:
    slug = uri_of(demo_copy, SLUG)
    assert codes(await wait_for(client, slug, where=lambda d: len(d) == 2)) == [("AM104", 30), ("AM306", 4)]
    tag = uri_of(demo_copy, TAG)
    assert codes(await wait_for(client, tag, where=lambda d: len(d) > 0)) == [("AM101", 23)]
    pyproject = demo_copy / "pyproject.toml"
    pyproject.write_text('[tool.alembic-ls]\nignore = ["AM104", "AM101"]\n')
    mark = len(client.publications)
    created = types.FileEvent(uri=path_to_uri(str(pyproject.resolve())), type=types.FileChangeType.Created)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[created]))
    assert codes(await wait_for(client, slug, after=mark)) == [("AM306", 4)]
    assert list(await wait_for(client, tag, after=mark)) == []  # a finding that went away is cleared

"""Half-typed code, undecodable bytes, deleted files and nonsense requests: answers, never tracebacks."""

from __future__ import annotations

from pathlib import Path

from e2e_support import RecordingClient, change_document, codes, initial_diagnostics, open_document, wait_for
from lsprotocol import types

from alembic_ls.server.paths import path_to_uri

VERSIONS = Path("migrations/versions")
TAG = VERSIONS / "3c4d5e6f7081_create_tag_table.py"
SLUG = VERSIONS / "4d5e6f708192_add_slug_to_post.py"
BIO = VERSIONS / "5e6f708192a3_add_bio_to_user.py"
HEAD = VERSIONS / "6f708192a3b4_add_subtitle_to_post.py"


def uri_of(root: Path, relative: Path) -> str:
    return path_to_uri(str((root / relative).resolve()))


def no_error_popups(client: RecordingClient) -> None:
    assert [m.message for m in client.messages if m.type == types.MessageType.Error] == []
    assert not any("Traceback" in m.message for m in client.messages)


async def test_half_typed_code_reports_a_syntax_error_and_keeps_the_graph(
    client: RecordingClient, demo_copy: Path
) -> None:
    await initial_diagnostics(client, demo_copy)
    uri, text = open_document(client, demo_copy / BIO)
    await wait_for(client, uri, version=1)
    mark = len(client.publications)
    half_typed = text.replace("def downgrade() -> None:", "def downgrade(:")
    version = change_document(client, uri, half_typed)
    diagnostics = await wait_for(client, uri, version=version)
    assert codes(diagnostics) == [("AM000", 31)]
    # The ids still parse line by line, so the rest of the history is not disturbed.
    assert [p for p in client.publications[mark:] if p.uri != uri] == []
    for garbage in ("\x00\x01\x02", "revision = ", "'''", "(" * 500, "def upgrade():\n\top.add_column(\n"):
        version = change_document(client, uri, garbage)
        await wait_for(client, uri, version=version)
    no_error_popups(client)


async def test_undecodable_and_deleted_files_on_disk(client: RecordingClient, demo_copy: Path) -> None:
    await initial_diagnostics(client, demo_copy)
    latin = demo_copy / VERSIONS / "7a8b9c0d1e2f_latin1.py"
    latin.write_bytes(
        b'"""caf\xe9"""\nrevision = \'7a8b9c0d1e2f\'\ndown_revision = \'6f708192a3b4\'\n'
        b"branch_labels = None\ndepends_on = None\n"
    )
    tag = demo_copy / TAG
    tag.unlink()
    mark = len(client.publications)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(
                    uri=uri_of(demo_copy, latin.relative_to(demo_copy)), type=types.FileChangeType.Created
                ),
                types.FileEvent(uri=uri_of(demo_copy, TAG), type=types.FileChangeType.Deleted),
            ]
        )
    )
    latin_uri = path_to_uri(str(latin.resolve()))
    latin_diagnostics = await wait_for(client, latin_uri, after=mark)
    assert [(d.code, "not valid UTF-8" in d.message) for d in latin_diagnostics] == [("AM000", True)]
    assert list(await wait_for(client, uri_of(demo_copy, TAG), after=mark)) == []
    # Its child now names a revision that is gone.
    slug = await wait_for(
        client, uri_of(demo_copy, SLUG), after=mark, where=lambda d: "AM302" in [x.code for x in d]
    )
    assert ("AM302", 17) in codes(slug)
    no_error_popups(client)


async def test_file_deleted_while_open(client: RecordingClient, demo_copy: Path) -> None:
    uri, _text = open_document(client, demo_copy / HEAD)
    await wait_for(client, uri, version=1)
    (demo_copy / HEAD).unlink()
    mark = len(client.publications)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert list(await wait_for(client, uri, after=mark)) == []
    no_error_popups(client)


async def test_nonsense_requests_get_empty_answers(client: RecordingClient, demo_copy: Path) -> None:
    uri, _text = open_document(client, demo_copy / SLUG)
    await wait_for(client, uri, version=1)
    far = types.Position(line=9999, character=9999)
    document = types.TextDocumentIdentifier(uri=uri)
    assert (
        await client.text_document_hover_async(types.HoverParams(text_document=document, position=far))
        is None
    )
    assert (
        await client.text_document_definition_async(
            types.DefinitionParams(text_document=document, position=far)
        )
        is None
    )
    outside = types.TextDocumentIdentifier(uri=uri_of(demo_copy, Path("app/models.py")))
    assert (
        await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=outside))
        is None
    )
    assert (
        await client.text_document_completion_async(
            types.CompletionParams(text_document=outside, position=types.Position(line=3, character=5))
        )
        is None
    )
    untitled = types.TextDocumentIdentifier(uri="untitled:Untitled-1")
    assert await client.text_document_code_lens_async(types.CodeLensParams(text_document=untitled)) is None
    missing = types.TextDocumentIdentifier(uri=uri_of(demo_copy, VERSIONS / "nope.py"))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=missing,
            range=types.Range(start=far, end=far),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert not actions
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="alembic-ls.openRevision", arguments=[{"revision": 42}])
    )
    assert result["ok"] is False
    # Still serving.
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=document, position=types.Position(line=16, character=55))
    )
    assert hover is not None
    no_error_popups(client)

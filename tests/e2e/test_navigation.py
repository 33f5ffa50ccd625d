"""Definition, references, hover, symbols and code lens on the demo history."""

from __future__ import annotations

from pathlib import Path

from e2e_support import RecordingClient, open_document, wait_for
from lsprotocol import types

from alembic_ls.server.paths import path_to_uri

VERSIONS = Path("migrations/versions")
USERS = VERSIONS / "1a2b3c4d5e6f_create_user_and_post.py"
PUBLISHED = VERSIONS / "2b3c4d5e6f70_add_published_to_post.py"
TAG = VERSIONS / "3c4d5e6f7081_create_tag_table.py"
SLUG = VERSIONS / "4d5e6f708192_add_slug_to_post.py"
BIO = VERSIONS / "5e6f708192a3_add_bio_to_user.py"


def uri_of(root: Path, relative: Path) -> str:
    return path_to_uri(str((root / relative).resolve()))


def at(line: int, character: int) -> types.Position:
    """1-based line (as an editor shows it), 0-based character."""
    return types.Position(line=line - 1, character=character)


def target_of(result: object) -> tuple[str, int]:
    assert isinstance(result, list) and len(result) == 1, result
    (found,) = result
    if isinstance(found, types.LocationLink):
        return found.target_uri, found.target_selection_range.start.line + 1
    assert isinstance(found, types.Location)
    return found.uri, found.range.start.line + 1


async def test_definition_of_down_revision_and_revises_header(
    client: RecordingClient, demo_copy: Path
) -> None:
    uri, _text = open_document(client, demo_copy / SLUG)
    await wait_for(client, uri, version=1)
    # down_revision: Union[str, Sequence[str], None] = '3c4d5e6f7081'   (line 17)
    in_code = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at(17, 55))
    )
    assert target_of(in_code) == (uri_of(demo_copy, TAG), 15)
    # Revises: 2b3c4d5e6f70   (line 4) — the header names another parent than the code does
    in_header = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at(4, 12))
    )
    assert target_of(in_header) == (uri_of(demo_copy, PUBLISHED), 16)
    nowhere = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at(30, 8))
    )
    assert nowhere is None


async def test_references_are_the_children(client: RecordingClient, demo_copy: Path) -> None:
    uri, _text = open_document(client, demo_copy / PUBLISHED)
    await wait_for(client, uri, version=1)
    found = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=at(16, 20),  # revision: str = '2b3c4d5e6f70'
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    assert found is not None
    places = sorted((loc.uri, loc.range.start.line + 1) for loc in found)
    assert places == sorted(
        [
            (uri_of(demo_copy, TAG), 4),  # Revises: header
            (uri_of(demo_copy, TAG), 16),  # down_revision
            (uri_of(demo_copy, SLUG), 4),  # its (wrong) Revises: header still names it
        ]
    )


async def test_hover_describes_the_revision(client: RecordingClient, demo_copy: Path) -> None:
    uri, _text = open_document(client, demo_copy / BIO)
    await wait_for(client, uri, version=1)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at(17, 52))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    text = hover.contents.value
    assert text.startswith("**4d5e6f708192** — add slug to post")
    assert "Created 2026-11-24 13:12:20.162290" in text
    assert "migrations/versions/4d5e6f708192_add_slug_to_post.py" in text
    assert "Parents: `3c4d5e6f7081`" in text and "Children: `5e6f708192a3`" in text
    assert hover.range is not None and hover.range.start.line == 16


async def test_document_symbols_outline_the_revision(client: RecordingClient, demo_copy: Path) -> None:
    uri, _text = open_document(client, demo_copy / USERS)
    await wait_for(client, uri, version=1)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert symbols is not None
    assert all(isinstance(s, types.DocumentSymbol) for s in symbols)  # both clients take the tree
    names = [s.name for s in symbols if isinstance(s, types.DocumentSymbol)]
    assert names == [
        "revision = 1a2b3c4d5e6f",
        "down_revision = None",
        "branch_labels = None",
        "depends_on = None",
        "upgrade",
        "downgrade",
    ]
    upgrade = next(s for s in symbols if isinstance(s, types.DocumentSymbol) and s.name == "upgrade")
    ops = [(c.name, c.detail) for c in upgrade.children or []]
    assert ops == [
        ("op.create_table", "user"),
        ("op.batch_alter_table", "user"),
        ("batch_op.create_index", "user"),
        ("op.create_table", "post"),
        ("op.batch_alter_table", "post"),
        ("batch_op.create_index", "post"),
    ]


async def test_workspace_symbols_find_revisions_by_message_or_id(
    client: RecordingClient, demo_copy: Path
) -> None:
    await wait_for(client, uri_of(demo_copy, SLUG), where=lambda d: len(d) > 0)
    by_message = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="slug"))
    assert by_message is not None
    assert [(s.name, s.location.uri) for s in by_message if isinstance(s, types.SymbolInformation)] == [
        ("4d5e6f708192 add slug to post", uri_of(demo_copy, SLUG))
    ]
    by_id = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="5E6F"))
    assert by_id is not None and [s.name for s in by_id] == ["5e6f708192a3 add bio to user"]
    everything = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=""))
    assert everything is not None and len(everything) == 6


async def test_code_lens_shows_parents_children_and_role(client: RecordingClient, demo_copy: Path) -> None:
    head = VERSIONS / "6f708192a3b4_add_subtitle_to_post.py"
    for relative, expected in [
        (SLUG, ["↑ 3c4d5e6f7081 create tag table", "↓ 5e6f708192a3 add bio to user"]),
        (USERS, ["base: no parent", "↓ 2b3c4d5e6f70 add published to post"]),
        (head, ["↑ 5e6f708192a3 add bio to user", "head"]),
    ]:
        uri, _text = open_document(client, demo_copy / relative)
        lenses = await client.text_document_code_lens_async(
            types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        assert lenses is not None
        assert [lens.command.title for lens in lenses if lens.command] == expected
        assert {lens.range.start.line for lens in lenses} == {15 if relative in (USERS, SLUG) else 14}


async def test_code_lens_command_opens_the_parent(client: RecordingClient, demo_copy: Path) -> None:
    uri, _text = open_document(client, demo_copy / SLUG)
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert lenses is not None and lenses[0].command is not None
    command = lenses[0].command
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command.command, arguments=command.arguments)
    )
    assert result["ok"] is True and result["uri"] == uri_of(demo_copy, TAG)
    assert [shown.uri for shown in client.shown_documents] == [uri_of(demo_copy, TAG)]

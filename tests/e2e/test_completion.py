"""Completion of revision ids and of table/column names, from the history and the model files."""

from __future__ import annotations

from pathlib import Path

from e2e_support import RecordingClient, change_document, open_document, wait_for
from lsprotocol import types

HEAD = Path("migrations/versions/6f708192a3b4_add_subtitle_to_post.py")
DOWN_LINE = "down_revision: Union[str, Sequence[str], None] = '5e6f708192a3'"
BATCH_LINE = (
    "        batch_op.add_column(sa.Column('subtitle', sqlmodel.sql.sqltypes.AutoString(), nullable=True))"
)
OTHER_IDS = {"1a2b3c4d5e6f", "2b3c4d5e6f70", "3c4d5e6f7081", "4d5e6f708192", "5e6f708192a3"}
POST_COLUMNS = ["id", "title", "body", "author_id", "created_at", "published", "slug", "subtitle"]


async def complete_after(
    client: RecordingClient, root: Path, old: str, new: str, marker: str
) -> tuple[list[types.CompletionItem], types.Position]:
    """Replace `old` by `new` in the head revision, then complete where `marker` ends in `new`."""
    uri, text = open_document(client, root / HEAD)
    assert old in text
    edited = text.replace(old, new, 1)
    version = change_document(client, uri, edited)
    await wait_for(client, uri, version=version)
    offset = edited.index(new) + new.index(marker) + len(marker)
    line = edited.count("\n", 0, offset)
    position = types.Position(line=line, character=offset - (edited.rfind("\n", 0, offset) + 1))
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
    )
    if result is None:
        return [], position
    items = result.items if isinstance(result, types.CompletionList) else result
    return list(items), position


def ordered(items: list[types.CompletionItem]) -> list[str]:
    return [i.label for i in sorted(items, key=lambda i: i.sort_text or i.label)]


async def test_revision_ids_inside_down_revision_string(client: RecordingClient, demo_copy: Path) -> None:
    new = "down_revision: Union[str, Sequence[str], None] = '5e6f'"
    items, position = await complete_after(client, demo_copy, DOWN_LINE, new, "'5e6f")
    assert {i.label for i in items} == OTHER_IDS  # never itself: that would be a cycle
    assert ordered(items)[0] == "5e6f708192a3"  # newest first
    item = next(i for i in items if i.label == "5e6f708192a3")
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.new_text == "5e6f708192a3"
    assert item.text_edit.range.start.character == position.character - 4  # replaces the typed `5e6f`
    assert item.detail == "head · add bio to user"  # `5e6f` names nothing: 5e6f708192a3 is a head now


async def test_revision_ids_without_quotes_get_quoted(client: RecordingClient, demo_copy: Path) -> None:
    new = "down_revision: Union[str, Sequence[str], None] = "
    items, _position = await complete_after(client, demo_copy, DOWN_LINE, new, new)
    edits = {i.label: i.text_edit for i in items}
    assert set(edits) == OTHER_IDS
    edit = edits["2b3c4d5e6f70"]
    assert isinstance(edit, types.TextEdit) and edit.new_text == "'2b3c4d5e6f70'"


async def test_table_names_in_op_calls(client: RecordingClient, demo_copy: Path) -> None:
    new = BATCH_LINE + "\n\n    op.drop_table('')"
    items, _position = await complete_after(client, demo_copy, BATCH_LINE, new, "op.drop_table('")
    assert sorted(i.label for i in items) == ["post", "tag", "user"]


async def test_column_names_of_the_named_table(client: RecordingClient, demo_copy: Path) -> None:
    new = BATCH_LINE + "\n\n    op.alter_column('post', '')"
    items, _position = await complete_after(client, demo_copy, BATCH_LINE, new, "op.alter_column('post', '")
    assert ordered(items) == POST_COLUMNS  # history order, this revision's own column included


async def test_column_names_in_a_batch_block(client: RecordingClient, demo_copy: Path) -> None:
    new = BATCH_LINE + "\n        batch_op.drop_column('ti')"
    items, _position = await complete_after(client, demo_copy, BATCH_LINE, new, "batch_op.drop_column('ti")
    assert ordered(items) == POST_COLUMNS
    index_items, _ = await complete_after(
        client, demo_copy, BATCH_LINE, BATCH_LINE + "\n        batch_op.create_index('ix', [''])", "['"
    )
    assert ordered(index_items) == POST_COLUMNS


async def test_new_names_from_the_model_files(client: RecordingClient, demo_copy: Path) -> None:
    models = demo_copy / "app" / "models.py"
    source = models.read_text().replace(
        "    published: bool = False\n", "    published: bool = False\n    views: int = 0\n"
    )
    comment_model = (
        "\n\nclass Comment(SQLModel, table=True):\n"
        "    id: int | None = Field(default=None, primary_key=True)\n"
        "    body: str\n"
    )
    models.write_text(source + comment_model)
    new = BATCH_LINE + "\n        batch_op.add_column(sa.Column(''))"
    columns, _ = await complete_after(client, demo_copy, BATCH_LINE, new, "sa.Column('")
    assert [i.label for i in columns] == ["views"]  # the post column no revision adds yet
    tables, _ = await complete_after(
        client, demo_copy, BATCH_LINE, BATCH_LINE + "\n\n    op.create_table('')", "op.create_table('"
    )
    assert [i.label for i in tables] == ["comment"]


async def test_nothing_to_complete_elsewhere(client: RecordingClient, demo_copy: Path) -> None:
    new = BATCH_LINE + "  # see ' "
    items, _position = await complete_after(client, demo_copy, BATCH_LINE, new, "see '")
    assert items == []

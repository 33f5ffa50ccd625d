"""Reading the cursor's context from half-typed text."""

from __future__ import annotations

from alembic_ls.server.completion_context import cursor_context


def context_at_end(text: str):
    lines = text.split("\n")
    return cursor_context(lines, len(lines) - 1, len(lines[-1]))


def test_inside_a_down_revision_string() -> None:
    found = context_at_end("revision = 'b'\ndown_revision: Union[str, None] = ('a1', 'b2")
    assert found.assignment == "down_revision"
    assert found.in_string and found.prefix == "b2"
    assert found.string_start == (1, len("down_revision: Union[str, None] = ('a1', '"))


def test_arguments_of_an_op_call_spanning_lines() -> None:
    found = context_at_end(
        "def upgrade():\n    op.create_index(\n        'ix', 'post',\n        ['title', 'sl"
    )
    assert found.assignment is None
    call = found.calls[-1]
    assert (call.callee, call.index, call.in_list) == ("op.create_index", 2, True)
    assert call.argument(1, "table_name") == "post"
    assert found.prefix == "sl"


def test_keyword_arguments_and_comments() -> None:
    found = context_at_end("    op.alter_column(table_name='user', column_name='na")
    call = found.calls[-1]
    assert call.keyword == "column_name"
    assert call.argument(0, "table_name") == "user"
    commented = context_at_end("    x = 1  # op.drop_table('")
    assert not commented.in_string and commented.calls == []


def test_a_closed_call_is_not_a_context() -> None:
    found = context_at_end("    op.drop_table('post')\n    '")
    assert found.calls == [] and found.in_string and found.assignment is None

"""The single edit fix-all sends turns the old text into the new one, whatever changed."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from alembic_ls.fixes.edits import apply_edits, replacement_edit

lines = st.lists(st.sampled_from(["a", "b", "", "import x", "    op.x()"]), min_size=1, max_size=8)


@given(lines, lines, st.booleans())
def test_replacement_edit_reproduces_the_new_text(old: list[str], new: list[str], crlf: bool) -> None:
    assume(len(old) > 1 or not crlf)  # a one-line text has no line-break style to keep
    newline = "\r\n" if crlf else "\n"
    before, after = newline.join(old), newline.join(new)
    edit = replacement_edit(before, after)
    if before == after:
        assert edit is None
        return
    assert edit is not None
    assert apply_edits(before, [edit]) == after


def test_the_edit_covers_only_the_changed_lines() -> None:
    edit = replacement_edit("a\nb\nc\nd\n", "a\nB\nc\nd\n")
    assert edit is not None
    assert (edit.span.line, edit.span.end_line, edit.new_text) == (1, 2, "B\n")

"""AM306's fix: make the docstring's `Revision ID:` / `Revises:` lines say what the code says.

The docstring is found with libcst and only its header lines are rewritten, in the form Alembic's
script.py.mako writes them: `Revises: <id>[, <id>...]`, and `Revises: ` (label, space, nothing) for a
base revision. Hand-edited headers lose their odd spacing (`Revises:679e...`) on the lines the fix
touches; every other line of the docstring stays as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from alembic_ls.analysis.revision_file import RevisionFile, Span
from alembic_ls.fixes.edits import FixRefused, TextEdit
from alembic_ls.fixes.recipe import Recipe, recipe

if TYPE_CHECKING:  # libcst is imported when a fix is built, so `check` never pays for it
    import libcst as cst
    from libcst.metadata import CodeRange

# A header field's line inside the docstring: its indentation, its label and its value.
_FIELD = re.compile(r"^(\s*)(Revision ID|Revises)\s*:")
_UNSAFE_IN_LITERAL = re.compile(r"[\\\"'\r\n]")


def sync_header_fix(rev: RevisionFile, lines: list[str]) -> list[TextEdit]:
    """Rewrite `Revises:` / `Revision ID:` from down_revision / revision."""
    wanted: dict[str, str] = {}
    if rev.down_revision is not None and rev.down_revision.values is not None:
        wanted["Revises"] = ", ".join(rev.down_revision.values)
    if rev.revision_id:
        wanted["Revision ID"] = rev.revision_id
    if not wanted:
        raise FixRefused("down_revision and revision are not literals")
    return header_field_edits(lines, wanted)


def header_field_edits(lines: list[str], wanted: dict[str, str]) -> list[TextEdit]:
    """Edits making the header's fields (`Revises`, `Revision ID`) say `wanted`; none where they do."""
    if any(_UNSAFE_IN_LITERAL.search(value) for value in wanted.values()):
        raise FixRefused("a revision id holds a quote or backslash; fix the header by hand")
    docstring, where = _header_docstring("\n".join(lines))
    return _field_edits(docstring, where, wanted)


def _header_docstring(source: str) -> tuple[cst.SimpleString, CodeRange]:
    """The module-level string holding the header, as the analysis picks it (DESIGN §2)."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    try:
        wrapper = MetadataWrapper(cst.parse_module(source))
    except cst.ParserSyntaxError as exc:
        raise FixRefused(f"the file does not parse: {exc.message}") from None
    strings = [
        statement.body[0].value
        for statement in wrapper.module.body
        if isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, cst.SimpleString)
    ]
    if not strings:
        raise FixRefused("the file has no docstring header")
    chosen = next((s for s in strings if "Revision ID" in s.value or "Revises" in s.value), strings[0])
    assert isinstance(chosen, cst.SimpleString)
    positions = wrapper.resolve(PositionProvider)
    return chosen, positions[chosen]


def _field_edits(docstring: cst.SimpleString, where: CodeRange, wanted: dict[str, str]) -> list[TextEdit]:
    opening = len(docstring.prefix) + len(docstring.quote)
    body = docstring.value[opening : len(docstring.value) - len(docstring.quote)]
    edits: list[TextEdit] = []
    done: set[str] = set()
    for index, line in enumerate(body.split("\n")):
        match = _FIELD.match(line)
        if match is None or match.group(2) in done or match.group(2) not in wanted:
            continue
        label = match.group(2)
        done.add(label)
        if _ids(line[match.end() :]) == _ids(wanted[label]):
            continue  # already says it (the order of a merge's parents is free)
        rewritten = f"{match.group(1)}{label}: {wanted[label]}"
        line_no = where.start.line - 1 + index
        col = where.start.column + opening if index == 0 else 0
        edits.append(TextEdit(Span(line_no, col, line_no, col + len(line)), rewritten))
    return edits


def _ids(value: str) -> set[str]:
    return {part for part in re.split(r"[\s,]+", value) if part}


@recipe
@dataclass(frozen=True)
class SyncHeader(Recipe):
    """The docstring's `Revision ID:` / `Revises:` lines made to say what the code says."""

    kind: ClassVar[str] = "sync-header"

    def edits(self, rev: RevisionFile, lines: list[str]) -> list[TextEdit]:
        return sync_header_fix(rev, lines)

"""AM403's fix: build (and, in downgrade(), drop) an index CONCURRENTLY, outside the transaction.

    with op.get_context().autocommit_block():
        op.create_index('ix_t_c', 't', ['c'], postgresql_concurrently=True)

PostgreSQL refuses CREATE/DROP INDEX CONCURRENTLY inside a transaction block, and Alembic runs a
migration in one, hence the autocommit block. A batch op (`batch_op.create_index(...)`) becomes a
plain one: the batch's table and schema move into the call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from alembic_ls.analysis.op_args import arg, kwarg_is_true, name_text
from alembic_ls.analysis.revision_file import OpCall, RevisionFile, Span
from alembic_ls.fixes.edits import FixRefused, TextEdit, apply_edits
from alembic_ls.fixes.op_edits import (
    batch_call,
    batch_siblings,
    ensure_parses,
    find_op,
    indent_of,
    insert_after,
    insert_before,
    inside_autocommit_block,
    outer_receiver,
    removal,
    source_of,
    with_kwarg,
)
from alembic_ls.fixes.recipe import Recipe, recipe

CONCURRENTLY = "postgresql_concurrently"


def concurrent_index_fix(rev: RevisionFile, lines: list[str], fix: ConcurrentIndex) -> list[TextEdit]:
    index = fix.index
    create = find_op(rev, "upgrade", ("create_index",), fix.line)
    if name_text(arg(create, "index_name")) != index:
        raise FixRefused(f"line {create.span.line + 1} no longer creates index `{index}`")
    targets = [create] + [
        op
        for op in rev.ops_in("downgrade")
        if op.name == "drop_index"
        and name_text(arg(op, "index_name")) == index
        and not kwarg_is_true(op, CONCURRENTLY)
    ]
    edits: list[TextEdit] = []
    for op in targets:
        edits.extend(_concurrently(rev, lines, op))
    return ensure_parses(lines, edits, "the concurrent-index rewrite")


def _concurrently(rev: RevisionFile, lines: list[str], op: OpCall) -> list[TextEdit]:
    if op.batch_span is not None:
        return _out_of_batch(rev, lines, op)
    statement = op.stmt_span
    relative = Span(
        op.span.line - statement.line, op.span.col, op.span.end_line - statement.line, op.span.end_col
    )
    own_lines = lines[statement.line : statement.end_line + 1]
    call = with_kwarg(source_of(own_lines, relative), CONCURRENTLY, "True")
    rewritten = apply_edits("\n".join(own_lines), [TextEdit(relative, call)])
    if inside_autocommit_block(lines, statement.line):
        return [
            TextEdit(Span(statement.line, 0, statement.end_line, len(lines[statement.end_line])), rewritten)
        ]
    indent = indent_of(lines, statement.line)
    block = [f"{indent}with {op.receiver}.get_context().autocommit_block():"]
    block += ["    " + line if line.strip() else line for line in rewritten.split("\n")]
    return [
        TextEdit(
            Span(statement.line, 0, statement.end_line, len(lines[statement.end_line])), "\n".join(block)
        )
    ]


def _out_of_batch(rev: RevisionFile, lines: list[str], op: OpCall) -> list[TextEdit]:
    """`batch_op.create_index(...)` -> `op.create_index(..., table, ...)` in an autocommit block."""
    assert op.batch_span is not None
    if op.batch_table is None:
        raise FixRefused("the batch's table name is not a literal")
    receiver = outer_receiver(rev, lines, op)
    name = arg(op, "index_name")
    if name is None:
        raise FixRefused("the index name is not given")
    name_source = name.source
    if name_source.startswith(op.receiver + "."):
        name_source = receiver + name_source[len(op.receiver) :]
    batch = batch_call(rev, op)
    schema = batch.kwarg("schema") if batch is not None else None
    schema_kw = f", schema={schema.source}" if schema is not None and schema.value is not None else ""
    extra = "".join(
        f", {key}={value.source}" for key, value in op.kwargs if key not in (CONCURRENTLY, "schema")
    )
    if op.name == "create_index":
        columns = arg(op, "columns")
        if columns is None:
            raise FixRefused("the index's columns are not given")
        call = (
            f"{receiver}.create_index({name_source}, {op.batch_table!r}, {columns.source}"
            f"{schema_kw}{extra}, {CONCURRENTLY}=True)"
        )
    else:
        call = (
            f"{receiver}.drop_index({name_source}, table_name={op.batch_table!r}"
            f"{schema_kw}{extra}, {CONCURRENTLY}=True)"
        )
    indent = indent_of(lines, op.batch_span.line)
    if inside_autocommit_block(lines, op.batch_span.line):
        block = [indent + call]
    else:
        block = [f"{indent}with {receiver}.get_context().autocommit_block():", f"{indent}    {call}"]
    if len(batch_siblings(rev, op)) == 1:
        whole = op.batch_span
        return [TextEdit(Span(whole.line, 0, whole.end_line, len(lines[whole.end_line])), "\n".join(block))]
    if op.name == "drop_index":  # before the batch: its other ops may drop the indexed columns
        return [removal(rev, lines, op), insert_before(op.batch_span.line, block)]
    # after the batch: its other ops may add the columns the index covers
    return [removal(rev, lines, op), insert_after(lines, op.batch_span.end_line, block)]


@recipe
@dataclass(frozen=True)
class ConcurrentIndex(Recipe):
    """Create index `index` (its create_index on line `line`) and drop it CONCURRENTLY."""

    kind: ClassVar[str] = "concurrent-index"
    line: int
    index: str

    def edits(self, rev: RevisionFile, lines: list[str]) -> list[TextEdit]:
        return concurrent_index_fix(rev, lines, self)

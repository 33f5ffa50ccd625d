"""AM404's fix: add the constraint NOT VALID, then validate it outside the migration's transaction.

    op.create_foreign_key('fk_a_b', 'a', 'b', ['b_id'], ['id'], postgresql_not_valid=True)
    # MANUAL: validate fk_a_b after the commit, so checking existing rows does not block writes
    with op.get_context().autocommit_block():
        op.execute("ALTER TABLE a VALIDATE CONSTRAINT fk_a_b")

The autocommit block first commits the transaction (releasing the ADD CONSTRAINT's lock); VALIDATE
CONSTRAINT then takes only a SHARE UPDATE EXCLUSIVE lock, under which reads and writes go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from alembic_ls.analysis.op_args import arg, name_text, table_of
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.fixes.edits import FixRefused, TextEdit
from alembic_ls.fixes.op_edits import (
    batch_call,
    block_end,
    block_start,
    ensure_parses,
    find_op,
    indent_of,
    insert_after,
    inside_autocommit_block,
    outer_receiver,
    python_string,
    qualified,
    quote_identifier,
    source_of,
    with_kwarg,
)
from alembic_ls.fixes.recipe import Recipe, recipe

NOT_VALID = "postgresql_not_valid"


def not_valid_constraint_fix(rev: RevisionFile, lines: list[str], fix: NotValidConstraint) -> list[TextEdit]:
    constraint = fix.constraint
    op = find_op(rev, "upgrade", ("create_foreign_key", "create_check_constraint"), fix.line)
    if name_text(arg(op, "constraint_name")) != constraint:
        raise FixRefused(f"line {op.span.line + 1} no longer creates constraint `{constraint}`")
    table = table_of(op)
    if table is None:
        raise FixRefused("the table name is not a literal")
    holder = batch_call(rev, op) if op.batch_span is not None else op
    schema_arg = holder.kwarg("schema") if holder is not None else None
    schema = schema_arg.text if schema_arg is not None else None
    sql = (
        f"ALTER TABLE {qualified(table, schema, 'postgresql')} "
        f"VALIDATE CONSTRAINT {quote_identifier(constraint, 'postgresql')}"
    )
    receiver = outer_receiver(rev, lines, op)
    indent = indent_of(lines, block_start(op))
    validate = f"{receiver}.execute({python_string(sql)})"
    comment = (
        f"{indent}# MANUAL: validate {constraint} after the commit, so checking existing rows "
        "does not block writes"
    )
    if inside_autocommit_block(lines, block_start(op)):
        steps = [comment, indent + validate]
    else:
        steps = [
            comment,
            f"{indent}with {receiver}.get_context().autocommit_block():",
            f"{indent}    {validate}",
        ]
    call = with_kwarg(source_of(lines, op.span), NOT_VALID, "True")
    edits = [TextEdit(op.span, call), insert_after(lines, block_end(op), steps)]
    return ensure_parses(lines, edits, "the NOT VALID rewrite")


@recipe
@dataclass(frozen=True)
class NotValidConstraint(Recipe):
    """Add constraint `constraint` (created on line `line`) NOT VALID, then validate it."""

    kind: ClassVar[str] = "not-valid-constraint"
    line: int
    constraint: str

    def edits(self, rev: RevisionFile, lines: list[str]) -> list[TextEdit]:
        return not_valid_constraint_fix(rev, lines, self)

"""AM411's fix: build a unique constraint's index CONCURRENTLY, then make it the constraint.

    op.create_unique_constraint('uq_user_email', 'user', ['email'])

becomes

    # MANUAL: build the index without blocking writes, then make it the constraint
    with op.get_context().autocommit_block():
        op.create_index('uq_user_email', 'user', ['email'], unique=True, postgresql_concurrently=True)
    op.execute('ALTER TABLE "user" ADD CONSTRAINT uq_user_email UNIQUE USING INDEX uq_user_email')

downgrade() needs no change: dropping the constraint drops the index it took over. Only for a
named unique constraint written as one plain (not batch) call: a primary key made USING INDEX sets
its columns NOT NULL, which scans the table under the very lock this avoids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from alembic_ls.analysis.op_args import arg
from alembic_ls.analysis.revision_file import RevisionFile, Span
from alembic_ls.fixes.edits import FixRefused, TextEdit
from alembic_ls.fixes.op_edits import ensure_parses, indent_of, python_string, qualified, quote_identifier
from alembic_ls.fixes.recipe import Recipe, recipe


@recipe
@dataclass(frozen=True)
class UniqueIndexFirst(Recipe):
    """The create_unique_constraint on `line` (0-based) rewritten as index first, then constraint."""

    kind: ClassVar[str] = "unique-index-first"
    line: int

    def edits(self, rev: RevisionFile, lines: list[str]) -> list[TextEdit]:
        op = next(
            (
                o
                for o in rev.ops_in("upgrade")
                if o.span.line == self.line and o.name == "create_unique_constraint"
            ),
            None,
        )
        if op is None:
            raise FixRefused(f"the unique constraint is no longer on line {self.line + 1}; re-run the check")
        if op.batch_span is not None:
            raise FixRefused("inside batch_alter_table; write the index and the constraint by hand")
        name, table, columns = arg(op, "constraint_name"), arg(op, "table_name"), arg(op, "columns")
        if name is None or name.text is None or table is None or table.text is None or columns is None:
            raise FixRefused("the constraint's name and table must be literals")
        schema = op.kwarg("schema")
        schema_kw = f", schema={schema.source}" if schema is not None and schema.text else ""
        target = qualified(table.text, schema.text if schema is not None else None, "postgresql")
        quoted = quote_identifier(name.text, "postgresql")
        attach = f"ALTER TABLE {target} ADD CONSTRAINT {quoted} UNIQUE USING INDEX {quoted}"
        stmt = op.stmt_span
        indent = indent_of(lines, stmt.line)
        recv = op.receiver
        new = [
            f"{indent}# MANUAL: build the index without blocking writes, then make it the constraint",
            f"{indent}with {recv}.get_context().autocommit_block():",
            f"{indent}    {recv}.create_index({name.source}, {table.source}, {columns.source}, unique=True, "
            f"postgresql_concurrently=True{schema_kw})",
            f"{indent}{recv}.execute({python_string(attach)})",
        ]
        # The whole statement, from its line's start: the new lines carry their own indentation.
        edit = TextEdit(Span(stmt.line, 0, stmt.end_line, len(lines[stmt.end_line])), "\n".join(new))
        return ensure_parses(lines, [edit], "the index-first rewrite")

"""AM401's fix: the rule book's three steps for a new NOT NULL column on a table with rows.

    op.add_column('t', sa.Column('c', sa.String(), nullable=True))
    # MANUAL: backfill c before making it NOT NULL ...
    op.execute("UPDATE t SET c = <value> WHERE c IS NULL")
    op.alter_column('t', 'c', existing_type=sa.String(), nullable=False)

`<value>` is left for a person to choose (and is not valid SQL, so a forgotten placeholder fails
the upgrade loudly instead of writing a wrong value); the fix is never applied automatically.
downgrade() needs no change: dropping the column undoes all three steps.

On PostgreSQL (or when the dialect is unknown, as the lock rules assume) the last step is written
lock-safe: SET NOT NULL on a table with rows scans it under ACCESS EXCLUSIVE (AM406), unless a valid
`CHECK (c IS NOT NULL)` already proves it (PostgreSQL 12+). So the fix adds that CHECK `NOT VALID`,
commits and validates it outside the transaction (a lock that lets reads and writes through), sets
NOT NULL without the scan, and drops the CHECK it no longer needs:

    op.create_check_constraint(op.f('ck_t_c_not_null'), 't', 'c IS NOT NULL', postgresql_not_valid=True)
    with op.get_context().autocommit_block():
        op.execute('ALTER TABLE t VALIDATE CONSTRAINT ck_t_c_not_null')
    op.alter_column('t', 'c', nullable=False)
    op.drop_constraint(op.f('ck_t_c_not_null'), 't', type_='check')

`op.f()` keeps the name as written, so a naming convention cannot rename the constraint the
VALIDATE statement names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from alembic_ls.analysis.op_args import added_column, arg, table_of
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.fixes.edits import FixRefused, TextEdit
from alembic_ls.fixes.op_edits import (
    batch_call,
    batch_header,
    block_end,
    block_start,
    ensure_parses,
    find_op,
    indent_of,
    insert_after,
    outer_receiver,
    python_string,
    qualified,
    quote_identifier,
)
from alembic_ls.fixes.recipe import Recipe, recipe

BACKFILL_PLACEHOLDER = "<value>"
POSTGRESQL_NAME_LIMIT = 63


def nullable_first_fix(rev: RevisionFile, lines: list[str], fix: NullableFirst) -> list[TextEdit]:
    op = find_op(rev, "upgrade", ("add_column",), fix.line)
    column = added_column(op)
    name = fix.column
    if column is None or column.name != name:
        raise FixRefused(f"the add_column on line {op.span.line + 1} no longer adds `{name}`")
    nullable = column.kwarg("nullable")
    if nullable is None or nullable.value is not False:
        raise FixRefused(f"`{name}` is no longer added with nullable=False")
    table = table_of(op)
    if table is None:
        raise FixRefused("the table name is not a literal")
    dialect = fix.dialect
    holder = batch_call(rev, op) if op.batch_span is not None else op
    schema_arg = holder.kwarg("schema") if holder is not None else None
    schema = schema_arg.text if schema_arg is not None else None
    column_sql = quote_identifier(name, dialect)
    update = (
        f"UPDATE {qualified(table, schema, dialect)} SET {column_sql} = {BACKFILL_PLACEHOLDER} "
        f"WHERE {column_sql} IS NULL"
    )
    receiver = outer_receiver(rev, lines, op)
    indent = indent_of(lines, block_start(op))
    name_source = column.call.call_args[0].source if column.call.call_args else repr(name)
    existing_type = f", existing_type={column.type_.source}" if column.type_ is not None else ""
    if op.batch_span is not None:
        body_indent = indent_of(lines, op.stmt_span.line)
        alter = [indent + line for line in batch_header(rev, lines, op)]
        alter.append(f"{body_indent}{op.receiver}.alter_column({name_source}{existing_type}, nullable=False)")
    else:
        table_source = arg(op, "table_name")
        assert table_source is not None
        schema_kw = f", schema={schema_arg.source}" if schema_arg is not None else ""  # as add_column had it
        alter = [
            f"{indent}{receiver}.alter_column({table_source.source}, {name_source}{existing_type}, "
            f"nullable=False{schema_kw})"
        ]
    steps = [
        "",
        f"{indent}# MANUAL: backfill {name} before making it NOT NULL "
        f"(replace {BACKFILL_PLACEHOLDER} with the value existing rows should get)",
        f"{indent}{receiver}.execute({python_string(update)})",
    ]
    if dialect in (None, "postgresql"):
        check = _not_null_check(table, name, schema, schema_arg.source if schema_arg and schema else None)
        steps += [indent + line for line in check.before(receiver)]
        steps += alter
        steps += [indent + line for line in check.after(receiver)]
    else:
        steps += alter
    edits = [TextEdit(nullable.span, "True"), insert_after(lines, block_end(op), steps)]
    return ensure_parses(lines, edits, "the nullable-first rewrite")


class _NotNullCheck:
    """The CHECK that lets PostgreSQL 12+ set NOT NULL without scanning the table under its lock."""

    def __init__(self, name: str, table: str, column: str, schema: str | None, schema_source: str | None):
        self.name, self.table, self.column = name, table, column
        self.schema, self.schema_source = schema, schema_source

    def _schema_kw(self) -> str:
        return f", schema={self.schema_source}" if self.schema_source is not None else ""

    def before(self, receiver: str) -> list[str]:
        condition = f"{quote_identifier(self.column, 'postgresql')} IS NOT NULL"
        validate = (
            f"ALTER TABLE {qualified(self.table, self.schema, 'postgresql')} "
            f"VALIDATE CONSTRAINT {quote_identifier(self.name, 'postgresql')}"
        )
        return [
            f"# MANUAL: prove {self.column} NOT NULL with a CHECK validated outside the transaction, "
            "so PostgreSQL 12+ sets NOT NULL without scanning the table under ACCESS EXCLUSIVE",
            f"{receiver}.create_check_constraint({receiver}.f({self.name!r}), {self.table!r}, "
            f"{condition!r}, postgresql_not_valid=True{self._schema_kw()})",
            f"with {receiver}.get_context().autocommit_block():",
            f"    {receiver}.execute({python_string(validate)})",
        ]

    def after(self, receiver: str) -> list[str]:
        return [
            f"{receiver}.drop_constraint({receiver}.f({self.name!r}), {self.table!r}, "
            f"type_='check'{self._schema_kw()})"
        ]


def _not_null_check(table: str, column: str, schema: str | None, schema_source: str | None) -> _NotNullCheck:
    name = f"ck_{table}_{column}_not_null"
    if len(name) > POSTGRESQL_NAME_LIMIT:  # PostgreSQL would cut it, and VALIDATE would miss it
        name = f"ck_{column}_not_null"[:POSTGRESQL_NAME_LIMIT]
    return _NotNullCheck(name, table, column, schema, schema_source)


@recipe
@dataclass(frozen=True)
class NullableFirst(Recipe):
    """Add `column` (its add_column on `line`) nullable, backfill, then set NOT NULL (lock-safe on
    PostgreSQL, or when `dialect` is unknown)."""

    kind: ClassVar[str] = "nullable-first"
    line: int
    column: str
    dialect: str | None = None

    def edits(self, rev: RevisionFile, lines: list[str]) -> list[TextEdit]:
        return nullable_first_fix(rev, lines, self)

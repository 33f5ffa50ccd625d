"""Read an Alembic operation's arguments the same way for `op.x(table, ...)` and `batch_op.x(...)`.

The batch form of every operation drops its table argument (the batch knows its table), so the
positional index of everything after it shifts by one. Rules ask for arguments by their keyword
name and this module finds them in either form, from the parameters in `op_catalog`. `table_of` is
the one way to ask which table an op acts on.
"""

from __future__ import annotations

from dataclasses import dataclass

from alembic_ls.analysis.identity_memo import IdentityMemo
from alembic_ls.analysis.op_catalog import OPERATIONS
from alembic_ls.analysis.revision_file import ArgValue, OpCall

# Positional arguments of sa.Column(...) that are not its type.
_COLUMN_EXTRAS = ("ForeignKey", "Identity", "Computed", "Sequence", "FetchedValue", "DefaultClause")


def arg(op: OpCall, parameter: str) -> ArgValue | None:
    """The argument passed for `parameter`, positionally or by keyword, in either form."""
    operation = OPERATIONS.get(op.name)
    if operation is None or parameter not in operation.parameters:
        return op.kwarg(parameter)
    names = operation.positional(op.batch_span is not None)
    if parameter not in names:  # the table, in the batch form
        return None
    return op.arg(names.index(parameter), parameter)


def table_of(op: OpCall) -> str | None:
    """The literal table an operation acts on (a batch op's is the batch's table)."""
    if op.batch_span is not None:
        return op.batch_table
    operation = OPERATIONS.get(op.name)
    if operation is None or operation.table_index is None or operation.table_parameter is None:
        return None
    value = op.arg(operation.table_index, operation.table_parameter)
    return value.text if value else None


def name_text(value: ArgValue | None) -> str | None:
    """A literal object name: `'ix_a'`, `op.f('ix_a')`, `batch_op.f('ix_a')` or `sa.conv('ix_a')`."""
    if value is None:
        return None
    if value.text is not None:
        return value.text
    if value.call_name and value.call_name.split(".")[-1] in ("f", "conv") and value.call_args:
        return value.call_args[0].text
    return None


def shown_name(value: ArgValue | None) -> str | None:
    """How a message names an object: its literal name, else the expression written (`name`,
    `f"ix_{table}"`); None when it is unnamed (`None`, or not passed: the database names it)."""
    if value is None or (value.is_literal and value.value is None):
        return None
    return name_text(value) or value.source


def shown_table(op: OpCall) -> str:
    """How a message names an op's table: the literal, else the expression written for it."""
    table = table_of(op)
    if table is not None:
        return table
    if op.batch_span is not None:
        return op.batch_table_source or "?"
    operation = OPERATIONS.get(op.name)
    value = arg(op, operation.table_parameter) if operation and operation.table_parameter else None
    return value.source if value is not None else "?"


def named_object(kind: str, value: ArgValue | None) -> str:
    """How a message names a created object: index `ix_a`; an index named by `name` (a variable,
    as in a loop over names: never shown as if it were the name); an unnamed index."""
    shown = shown_name(value)
    if shown is None:
        return f"an unnamed {kind}"
    if name_text(value) is None:
        return f"{'an' if kind[0] in 'aeio' else 'a'} {kind} named by `{shown}`"
    return f"{kind} `{shown}`"


def existing_table(op: OpCall) -> str:
    """How a message names the op's table, which exists before the revision."""
    if table_of(op) is None:
        return f"the existing table named by `{shown_table(op)}`"
    return f"existing table `{shown_table(op)}`"


def shown_column(op: OpCall) -> str:
    column = column_name(op)
    if column is not None:
        return column
    value = arg(op, "column_name") if op.name in ("drop_column", "alter_column") else None
    return value.source if value is not None else "?"


def strings(value: ArgValue | None) -> tuple[str, ...]:
    """A literal list/tuple of strings (`['a', 'b']`), or a single string, as a tuple."""
    if value is None:
        return ()
    if isinstance(value.value, str):
        return (value.value,)
    if isinstance(value.value, tuple):
        return tuple(v for v in value.value if isinstance(v, str))
    return ()


def kwarg_is_true(op: OpCall, name: str) -> bool:
    value = op.kwarg(name)
    return value is not None and value.value is True


@dataclass(frozen=True)
class ColumnDef:
    """What a literal `sa.Column('name', Type(), ...)` says about the column."""

    call: ArgValue
    name: str | None
    type_: ArgValue | None
    extras: tuple[ArgValue, ...]  # ForeignKey(...), Identity(...), Computed(...)

    def kwarg(self, name: str) -> ArgValue | None:
        return self.call.kwarg(name)

    @property
    def nullable(self) -> bool | None:
        """The literal `nullable=` given, else None (SQLAlchemy then decides from primary_key)."""
        value = self.kwarg("nullable")
        return value.value if value is not None and isinstance(value.value, bool) else None

    @property
    def is_primary_key(self) -> bool:
        value = self.kwarg("primary_key")
        return value is not None and value.value is True

    @property
    def server_default(self) -> ArgValue | None:
        value = self.kwarg("server_default")
        if value is None or (value.is_literal and value.value is None):
            return None
        return value

    def has_extra(self, kind: str) -> bool:
        return any((e.call_name or "").split(".")[-1] == kind for e in self.extras)

    def foreign_tables(self) -> tuple[str, ...]:
        """Tables this column references through `sa.ForeignKey('table.column')`."""
        found: list[str] = []
        for extra in self.extras:
            if (extra.call_name or "").split(".")[-1] == "ForeignKey" and extra.call_args:
                target = extra.call_args[0].text
                if target and "." in target:
                    found.append(target.rsplit(".", 1)[0].split(".")[-1])
        return tuple(found)


def column_def(value: ArgValue | None) -> ColumnDef | None:
    """Read `sa.Column(...)` (any spelling ending in `Column`); None for anything else."""
    if value is None or not value.call_name or value.call_name.split(".")[-1] != "Column":
        return None
    return _column_defs(value)


def _column_def(value: ArgValue) -> ColumnDef:
    positional = list(value.call_args)
    name: str | None = None
    if positional and positional[0].is_literal:
        name = positional.pop(0).text
    name_kwarg = value.kwarg("name")
    if name is None and name_kwarg is not None:
        name = name_kwarg.text
    type_: ArgValue | None = value.kwarg("type_")
    extras: list[ArgValue] = []
    for item in positional:
        if (item.call_name or "").split(".")[-1] in _COLUMN_EXTRAS:
            extras.append(item)
        elif type_ is None:
            type_ = item
    return ColumnDef(value, name, type_, tuple(extras))


_column_defs = IdentityMemo(_column_def)


def added_column(op: OpCall) -> ColumnDef | None:
    """The column an `add_column` adds."""
    return _added_columns(op) if op.name == "add_column" else None


def _added_column(op: OpCall) -> ColumnDef | None:
    return column_def(arg(op, "column"))


_added_columns = IdentityMemo(_added_column)


def column_name(op: OpCall) -> str | None:
    """The column an add/drop/alter_column acts on (its name before a rename)."""
    if op.name == "add_column":
        column = added_column(op)
        return column.name if column else None
    if op.name in ("drop_column", "alter_column"):
        value = arg(op, "column_name")
        return value.text if value else None
    return None


def table_columns(op: OpCall) -> list[ColumnDef]:
    """Columns declared in a `create_table` call."""
    found = (column_def(value) for value in op.args[1:])
    return [column for column in found if column is not None]


def table_foreign_keys(op: OpCall) -> tuple[str, ...]:
    """Tables a `create_table` references (column ForeignKeys and ForeignKeyConstraints). A key with
    `use_alter=True` is not one: SQLAlchemy leaves it out of CREATE TABLE, to be added by ALTER
    TABLE later, which `op.create_table` never does (mealie's `recipes` -> `users`)."""
    targets: list[str] = []
    for value in op.args[1:]:
        kind = (value.call_name or "").split(".")[-1]
        if kind == "Column":  # sa.Column('author_id', sa.ForeignKey('user.id'))
            for part in value.call_args:
                if (part.call_name or "").split(".")[-1] == "ForeignKey" and part.call_args:
                    target = part.call_args[0].text
                    if target and "." in target and not _altered_later(part):
                        targets.append(target)
        elif kind == "ForeignKeyConstraint" and len(value.call_args) > 1 and not _altered_later(value):
            targets.extend(t for t in strings(value.call_args[1]) if "." in t)
    return tuple(target.rsplit(".", 1)[0].split(".")[-1] for target in targets)


def _altered_later(key: ArgValue) -> bool:
    value = key.kwarg("use_alter")
    return value is not None and value.value is True


def sql_text(op: OpCall) -> str | None:
    """The literal SQL of `op.execute("...")` or `op.execute(sa.text("..."))`."""
    if op.name != "execute":
        return None
    value = arg(op, "sqltext")
    if value is None:
        return None
    if value.text is not None:
        return value.text
    if value.call_name and value.call_name.split(".")[-1] == "text" and value.call_args:
        return value.call_args[0].text
    return None

"""What each Alembic operation is: one entry per `op.<name>`, shaped like `alembic/operations/ops.py`.

Every other reading of an op derives from this table: which calls are schema operations (the
parser), where an argument sits in the plain and the batch form (op_args), what object a call
creates, drops or alters (reversal, schema_model) and what undoes it (the derived downgrade). A new
operation is one entry here. `tests/unit/test_op_catalog.py` holds the entries against the
signatures of the installed Alembic, so a parameter cannot drift from the real one.

This module imports nothing from the package: the parser's hot path reads `SCHEMA_OPS` from it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Target(str, enum.Enum):
    """The kind of object an operation acts on."""

    TABLE = "table"
    COLUMN = "column"
    INDEX = "index"
    CONSTRAINT = "constraint"
    SEQUENCE = "sequence"
    TABLE_COMMENT = "table_comment"
    SQL = "sql"  # hand-written SQL: what it touches is in the text
    DATA = "data"  # rows, not schema


class Effect(str, enum.Enum):
    CREATE = "create"
    DROP = "drop"
    ALTER = "alter"
    RENAME = "rename"
    DATA = "data"  # changes rows only
    ANY = "any"  # raw SQL: whatever the statement says (DDL or DML)


@dataclass(frozen=True, slots=True)
class Operation:
    name: str
    target: Target
    effect: Effect
    # Positional-or-keyword parameters of the plain `op.<name>(...)` form, in order.
    parameters: tuple[str, ...]
    keywords: tuple[str, ...] = ()  # keyword-only parameters of the plain form
    variadic: str | None = None  # `*columns` of create_table, `*elements` of an exclude constraint
    # The parameter naming the table acted on; the batch form drops it (the batch knows its table).
    table_parameter: str | None = "table_name"
    has_batch_form: bool = True
    # Parameters naming columns, each with the parameter naming their table.
    columns_of: tuple[tuple[str, str], ...] = ()
    references: str | None = None  # the parameter naming another existing table (a foreign key's)
    constraint_type: str | None = None  # `drop_constraint(type_=...)` for what a create_* makes
    reverse: str | None = None  # the operation that undoes this one (alembic's `.reverse()`)
    # Why the reverse cannot be written from this call alone (a drop does not hold the definition
    # its reverse needs); None when it can be.
    not_reversible: str | None = None
    batch_parameters: tuple[str, ...] = field(init=False)
    table_index: int | None = field(init=False)  # position of table_parameter in the plain form

    def __post_init__(self) -> None:
        batch = tuple(p for p in self.parameters if p != self.table_parameter)
        object.__setattr__(self, "batch_parameters", batch if self.has_batch_form else ())
        index = (
            self.parameters.index(self.table_parameter) if self.table_parameter in self.parameters else None
        )
        object.__setattr__(self, "table_index", index)

    @property
    def changes_schema(self) -> bool:
        return self.target not in (Target.SQL, Target.DATA)

    def positional(self, in_batch: bool) -> tuple[str, ...]:
        return self.batch_parameters if in_batch else self.parameters

    @property
    def existing_tables(self) -> tuple[str, ...]:
        """Parameters naming a table that must already exist (not the one create_table makes)."""
        own = self.table_parameter
        if own is None or (self.target is Target.TABLE and self.effect is Effect.CREATE):
            own = None
        return tuple(p for p in (own, self.references) if p is not None)


def _dropped(what: str) -> str:
    return f"the dropped {what}'s definition is not in this file"


_CONSTRAINT_KEYWORDS = ("schema",)
_ENTRIES = (
    # -- tables
    Operation(
        "create_table",
        Target.TABLE,
        Effect.CREATE,
        ("table_name",),
        ("if_not_exists",),
        variadic="columns",
        has_batch_form=False,
        reverse="drop_table",
    ),
    Operation(
        "drop_table",
        Target.TABLE,
        Effect.DROP,
        ("table_name",),
        ("schema", "if_exists"),
        has_batch_form=False,
        reverse="create_table",
        not_reversible=_dropped("table"),
    ),
    Operation(
        "rename_table",
        Target.TABLE,
        Effect.RENAME,
        ("old_table_name", "new_table_name"),
        ("schema",),
        table_parameter="old_table_name",
        has_batch_form=False,
        reverse="rename_table",
    ),
    Operation(
        "create_table_comment",
        Target.TABLE_COMMENT,
        Effect.CREATE,
        ("table_name", "comment"),
        ("existing_comment", "schema"),
        reverse="drop_table_comment",
    ),
    Operation(
        "drop_table_comment",
        Target.TABLE_COMMENT,
        Effect.DROP,
        ("table_name",),
        ("existing_comment", "schema"),
        reverse="create_table_comment",
        not_reversible="the removed comment is not in this file",
    ),
    # -- columns
    Operation(
        "add_column",
        Target.COLUMN,
        Effect.CREATE,
        ("table_name", "column"),
        ("schema", "if_not_exists", "inline_references", "inline_primary_key"),
        reverse="drop_column",
    ),
    Operation(
        "drop_column",
        Target.COLUMN,
        Effect.DROP,
        ("table_name", "column_name"),
        ("schema",),
        reverse="add_column",
        not_reversible=_dropped("column"),
        columns_of=(("column_name", "table_name"),),
    ),
    Operation(
        "alter_column",
        Target.COLUMN,
        Effect.ALTER,
        ("table_name", "column_name"),
        (
            "nullable",
            "comment",
            "server_default",
            "new_column_name",
            "type_",
            "existing_type",
            "existing_server_default",
            "existing_nullable",
            "existing_comment",
            "schema",
        ),
        columns_of=(("column_name", "table_name"),),
        reverse="alter_column",  # each changed attribute swapped with its existing_* twin
    ),
    # -- indexes
    Operation(
        "create_index",
        Target.INDEX,
        Effect.CREATE,
        ("index_name", "table_name", "columns"),
        ("schema", "unique", "if_not_exists"),
        reverse="drop_index",
        columns_of=(("columns", "table_name"),),
    ),
    Operation(
        "drop_index",
        Target.INDEX,
        Effect.DROP,
        ("index_name", "table_name"),
        ("schema", "if_exists"),
        reverse="create_index",
        not_reversible=_dropped("index"),
    ),
    # -- constraints
    Operation(
        "create_foreign_key",
        Target.CONSTRAINT,
        Effect.CREATE,
        ("constraint_name", "source_table", "referent_table", "local_cols", "remote_cols"),
        ("onupdate", "ondelete", "deferrable", "initially", "match", "source_schema", "referent_schema"),
        table_parameter="source_table",
        constraint_type="foreignkey",
        reverse="drop_constraint",
        columns_of=(("local_cols", "source_table"), ("remote_cols", "referent_table")),
        references="referent_table",
    ),
    Operation(
        "create_unique_constraint",
        Target.CONSTRAINT,
        Effect.CREATE,
        ("constraint_name", "table_name", "columns"),
        _CONSTRAINT_KEYWORDS,
        constraint_type="unique",
        reverse="drop_constraint",
        columns_of=(("columns", "table_name"),),
    ),
    Operation(
        "create_primary_key",
        Target.CONSTRAINT,
        Effect.CREATE,
        ("constraint_name", "table_name", "columns"),
        _CONSTRAINT_KEYWORDS,
        constraint_type="primary",
        reverse="drop_constraint",
        columns_of=(("columns", "table_name"),),
    ),
    Operation(
        "create_check_constraint",
        Target.CONSTRAINT,
        Effect.CREATE,
        ("constraint_name", "table_name", "condition"),
        _CONSTRAINT_KEYWORDS,
        constraint_type="check",
        reverse="drop_constraint",
    ),
    # PostgreSQL's; `drop_constraint` has no type_ for it, so no reverse is derived.
    Operation(
        "create_exclude_constraint",
        Target.CONSTRAINT,
        Effect.CREATE,
        ("constraint_name", "table_name"),
        variadic="elements",
        reverse="drop_constraint",
    ),
    Operation(
        "drop_constraint",
        Target.CONSTRAINT,
        Effect.DROP,
        ("constraint_name", "table_name", "type_"),
        ("schema", "if_exists"),
        reverse=None,  # which create_* depends on type_
        not_reversible=_dropped("constraint"),
    ),
    # -- sequences: not Alembic's own, but a recipe projects register (Operations.register_operation)
    Operation(
        "create_sequence",
        Target.SEQUENCE,
        Effect.CREATE,
        ("sequence",),
        table_parameter=None,
        has_batch_form=False,
        reverse="drop_sequence",
    ),
    Operation(
        "drop_sequence",
        Target.SEQUENCE,
        Effect.DROP,
        ("sequence",),
        table_parameter=None,
        has_batch_form=False,
        reverse="create_sequence",
        not_reversible=_dropped("sequence"),
    ),
    # -- the batch block: its operations are reversed one by one, inside a batch of the same table
    Operation(
        "batch_alter_table",
        Target.TABLE,
        Effect.ALTER,
        (
            "table_name",
            "schema",
            "recreate",
            "partial_reordering",
            "copy_from",
            "table_args",
            "table_kwargs",
            "reflect_args",
            "reflect_kwargs",
            "naming_convention",
        ),
        has_batch_form=False,
        reverse="batch_alter_table",
    ),
    # -- rows and raw SQL
    Operation(
        "execute",
        Target.SQL,
        Effect.ANY,
        ("sqltext",),
        ("execution_options",),
        table_parameter=None,
        not_reversible="hand-written SQL cannot be inverted automatically",
    ),
    Operation(
        "bulk_insert",
        Target.DATA,
        Effect.DATA,
        ("table", "rows"),  # `table` is a Table object, not a name
        ("multiinsert",),
        table_parameter=None,
        has_batch_form=False,
        not_reversible="inserted rows cannot be removed automatically",
    ),
)

OPERATIONS: dict[str, Operation] = {entry.name: entry for entry in _ENTRIES}
# Calls that change the schema (the batch block included): what makes a statement an operation.
SCHEMA_OPS = frozenset(name for name, entry in OPERATIONS.items() if entry.changes_schema)
# The object kinds a create_* / drop_* op makes or removes (not renames, alters or batch blocks).
CREATES_OR_DROPS = frozenset(
    name
    for name, entry in OPERATIONS.items()
    if entry.effect in (Effect.CREATE, Effect.DROP) and entry.changes_schema
)
CONSTRAINT_CREATORS = frozenset(
    name
    for name, entry in OPERATIONS.items()
    if entry.target is Target.CONSTRAINT and entry.effect is Effect.CREATE
)
# Methods of `op` that are not operations: they build names and values or hand out the connection.
# (`invoke` and `run_async` are not here: they run operations nobody can read.)
HELPERS = frozenset(
    {"f", "inline_literal", "get_bind", "get_context", "implementation_for", "register_operation"}
)

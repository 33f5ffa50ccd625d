"""Typed, pickle-friendly summary of one migration file.

Everything the rules need is here, so that a cached summary is enough to re-run rules without
re-parsing. Positions are 0-based lines and 0-based columns counted in Unicode code points; the LSP
layer converts to UTF-16 when it talks to clients.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from alembic_ls.analysis.dialect_guard import DialectGuard
from alembic_ls.analysis.last_memo import LastMemo


# Span and ArgValue are built by the thousand per file (every op argument has both), OpCall and
# Statement by the dozen, and each again when a summary is unpickled (a worker's, a cached one):
# a frozen dataclass's __init__ costs three to seven times a plain one. They are as immutable as
# the frozen classes by convention (summaries are shared between threads: nothing may assign to
# them), and keep their equality and hashing: `unsafe_hash=True` generates the very `__hash__`
# frozen does.
@dataclass(slots=True, unsafe_hash=True)
class Span:
    line: int
    col: int
    end_line: int
    end_col: int

    def contains(self, line: int, col: int) -> bool:
        if line < self.line or line > self.end_line:
            return False
        if line == self.line and col < self.col:
            return False
        return not (line == self.end_line and col > self.end_col)


class RefKind(str, enum.Enum):
    """Where a revision id is written in a file."""

    REVISION = "revision"
    DOWN_REVISION = "down_revision"
    DEPENDS_ON = "depends_on"
    REVISES_HEADER = "revises_header"
    REVISION_HEADER = "revision_header"


@dataclass(frozen=True, slots=True)
class IdRef:
    value: str
    span: Span
    kind: RefKind


@dataclass(frozen=True, slots=True)
class IdentifierAssignment:
    """`revision = ...`, `down_revision = ...`, `branch_labels = ...`, `depends_on = ...`."""

    name: str
    # None when the value is not a literal we can read without executing the file.
    values: tuple[str, ...] | None
    span: Span
    value_span: Span


@dataclass(frozen=True, slots=True)
class Comment:
    line: int
    col: int
    text: str


class MarkerKind(str, enum.Enum):
    START = "start"
    END = "end"


@dataclass(frozen=True, slots=True)
class Marker:
    line: int
    kind: MarkerKind
    legacy: bool  # `### commands ...` without the leading `# `


class _NotLiteral:
    """Marker for argument values that cannot be read without executing code."""

    _instance: _NotLiteral | None = None

    def __new__(cls) -> _NotLiteral:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_LITERAL"

    def __reduce__(self) -> str:
        return "NOT_LITERAL"


NOT_LITERAL = _NotLiteral()

LiteralValue = str | int | float | bool | None | tuple[object, ...]


@dataclass(slots=True, unsafe_hash=True)  # not frozen, for speed: see Span
class ArgValue:
    source: str
    span: Span
    value: object = NOT_LITERAL  # a Python literal, or NOT_LITERAL
    # When the argument is itself a call such as `sa.Column('x', sa.String(), nullable=True)`.
    call_name: str | None = None
    call_args: tuple[ArgValue, ...] = ()
    call_kwargs: tuple[tuple[str, ArgValue], ...] = ()

    @property
    def is_literal(self) -> bool:
        return self.value is not NOT_LITERAL

    @property
    def text(self) -> str | None:
        return self.value if isinstance(self.value, str) else None

    def kwarg(self, name: str) -> ArgValue | None:
        for key, val in self.call_kwargs:
            if key == name:
                return val
        return None


@dataclass(slots=True, unsafe_hash=True)  # not frozen, for speed: see Span
class OpCall:
    """One `op.<name>(...)` (or `batch_op.<name>(...)`) call inside upgrade()/downgrade()."""

    name: str
    receiver: str
    function: str  # "upgrade", "downgrade" or another function name
    span: Span
    stmt_span: Span
    args: tuple[ArgValue, ...]
    kwargs: tuple[tuple[str, ArgValue], ...]
    in_autogen_block: bool
    batch_table: str | None = None  # set for calls made on a batch_alter_table() alias
    batch_span: Span | None = None  # the enclosing `with op.batch_alter_table(...)` statement
    batch_table_source: str | None = None  # the batch's table argument as written
    # `if bind.dialect.name == "mysql":` around the call: the databases it can run on (dialect_guard)
    dialect_guards: tuple[DialectGuard, ...] = ()
    # Inside `with op.get_context().autocommit_block():`, where PostgreSQL runs it outside the
    # migration's transaction (what CREATE/DROP INDEX CONCURRENTLY needs).
    in_autocommit_block: bool = False
    # Inside an if/for/while/try/match of its function: it runs when a test or a loop decides (the
    # database's dialect, what an inspector finds, each row of a query), which autogenerate never
    # writes: its output is one flat sequence of calls.
    conditional: bool = False

    @property
    def in_batch(self) -> bool:
        """Called on a batch_alter_table() alias (whose table may not be a literal)."""
        return self.batch_span is not None

    def kwarg(self, name: str) -> ArgValue | None:
        for key, val in self.kwargs:
            if key == name:
                return val
        return None

    def arg(self, index: int, keyword: str | None = None) -> ArgValue | None:
        if index < len(self.args):
            return self.args[index]
        return self.kwarg(keyword) if keyword else None


class StatementKind(str, enum.Enum):
    PASS = "pass"  # `pass`, `...` or a docstring
    OP = "op"  # a schema operation (op.add_column, a batch block, ...)
    SQL = "sql"  # op.execute / bulk_insert / connection.execute / text(...)
    OTHER = "other"


@dataclass(slots=True, unsafe_hash=True)  # not frozen, for speed: see Span
class Statement:
    span: Span
    kind: StatementKind
    in_autogen_block: bool
    explained: bool  # a meaningful comment above it (or trailing on it)
    # Binds names and runs nothing: a class or function, an import, an assignment that runs no
    # op and no SQL (`meta = sa.MetaData()`, `bind = op.get_bind()`).
    defines: bool = False
    # The function a statement that is one call calls, dotted as written (`copy_table_contents`,
    # `tester.populate_table`); None for any other statement.
    callee: str | None = None


@dataclass(frozen=True, slots=True)
class TableVariable:
    """A name assigned a table: `t = sa.table("tagkind", ...)`, `t = op.create_table("tagkind", ...)`,
    so that `op.bulk_insert(t, [...])` can be read as rows for `tagkind`. `table` is None where the
    name is assigned something else (from that line on it stands for no known table)."""

    name: str
    table: str | None
    line: int  # 0-based line of the assignment


@dataclass(frozen=True, slots=True)
class FunctionInfo:
    name: str
    span: Span  # from `def` to the end of the body
    name_span: Span
    params: tuple[str, ...]
    body_span: Span
    body_indent: str
    statements: tuple[Statement, ...]
    # Simple statements anywhere in the body (also inside with/if blocks) that are not an
    # op call, hand-written SQL or a no-op: what a derived reverse cannot account for.
    unrecognised: tuple[Span, ...] = ()
    # Local names assigned a table, in order (see TableVariable).
    table_variables: tuple[TableVariable, ...] = ()

    @property
    def is_empty(self) -> bool:
        return all(s.kind is StatementKind.PASS for s in self.statements)

    @property
    def has_schema_ops(self) -> bool:
        return any(s.kind is StatementKind.OP for s in self.statements)


@dataclass(frozen=True, slots=True)
class Header:
    """The module docstring alembic writes: message, Revision ID, Revises, Create Date."""

    span: Span
    message: str | None
    revision_id: str | None
    revision_id_span: Span | None
    revises: tuple[str, ...] | None
    revises_span: Span | None  # the value after `Revises:`
    create_date: str | None


@dataclass(frozen=True, slots=True)
class SqlCall:
    """A hand-written SQL call: op.execute, op.bulk_insert, connection.execute, text(...)."""

    span: Span
    stmt_span: Span
    what: str  # e.g. "op.execute"
    explained: bool
    function: str
    sql: str | None = None  # the SQL text when it is written out (static parts of an f-string)
    construct: str | None = None  # a SQLAlchemy construct passed instead: its call chain
    sql_partial: bool = False  # `sql` has holes (an f-string's `{...}` read as "?")
    dialect_guards: tuple[DialectGuard, ...] = ()  # the dialect branches around the call
    # `conn.execute(stmt)` where the function bound `stmt = text("...")` above: the 0-based line of
    # that `text(...)` call, recorded as a SqlCall of its own (see analysis.text_variables).
    runs_text_at: int | None = None


@dataclass(frozen=True, slots=True)
class UndefinedName:
    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Suppression:
    line: int
    codes: tuple[str, ...]
    file_level: bool
    span: Span  # the comment


@dataclass(frozen=True, slots=True)
class Import:
    line: int  # 0-based line of the import statement
    end_line: int
    module: str | None
    names: tuple[str, ...]  # names bound by the import


@dataclass(frozen=True, slots=True)
class ParseError:
    message: str
    span: Span


@dataclass(slots=True)
class RevisionFile:
    path: str
    revision: IdentifierAssignment | None = None
    down_revision: IdentifierAssignment | None = None
    branch_labels: IdentifierAssignment | None = None
    depends_on: IdentifierAssignment | None = None
    header: Header | None = None
    id_refs: tuple[IdRef, ...] = ()
    markers: tuple[Marker, ...] = ()
    functions: dict[str, FunctionInfo] = field(default_factory=dict)
    ops: tuple[OpCall, ...] = ()
    sql_calls: tuple[SqlCall, ...] = ()
    comments: tuple[Comment, ...] = ()
    suppressions: tuple[Suppression, ...] = ()
    undefined_names: tuple[UndefinedName, ...] = ()
    imports: tuple[Import, ...] = ()
    op_aliases: tuple[str, ...] = ()
    # Module-level names assigned a table, in order (a function's own are in its FunctionInfo).
    table_variables: tuple[TableVariable, ...] = ()
    parse_error: ParseError | None = None
    line_count: int = 0
    # The message of a header written as comments (`# <message>` ... `# Revision ID: ...`), for a
    # file without a header docstring.
    comment_message: str | None = None

    @property
    def revision_id(self) -> str | None:
        if self.revision and self.revision.values:
            return self.revision.values[0]
        return None

    @property
    def is_revision(self) -> bool:
        """True for files that declare `revision = ...` (Alembic loads only those)."""
        return self.revision is not None

    @property
    def parents(self) -> tuple[str, ...]:
        if self.down_revision is None or self.down_revision.values is None:
            return ()
        return self.down_revision.values

    @property
    def labels(self) -> tuple[str, ...]:
        if self.branch_labels is None or self.branch_labels.values is None:
            return ()
        return self.branch_labels.values

    @property
    def dependencies(self) -> tuple[str, ...]:
        if self.depends_on is None or self.depends_on.values is None:
            return ()
        return self.depends_on.values

    @property
    def message(self) -> str | None:
        return self.header.message if self.header else self.comment_message

    @property
    def has_markers(self) -> bool:
        return bool(self.markers)

    @property
    def upgrade(self) -> FunctionInfo | None:
        return self.functions.get("upgrade")

    @property
    def downgrade(self) -> FunctionInfo | None:
        return self.functions.get("downgrade")

    def ops_in(self, function: str) -> tuple[OpCall, ...]:
        return _ops_by_function(self.ops).get(function, ())

    def text_run_by(self, call: SqlCall) -> SqlCall | None:
        """The `text(...)` call whose SQL `call` runs through the name it was bound to, if any."""
        if call.runs_text_at is None:
            return None
        return next(
            (
                text
                for text in self.sql_calls
                if text.function == call.function and text.span.line == call.runs_text_at and text is not call
            ),
            None,
        )

    def table_variable(self, name: str, function: str, line: int) -> TableVariable | None:
        """The assignment `name` holds on `line` of `function`: the function's last one above that
        line, or, when the function assigns the name nowhere, the module's last one (Python makes a
        name the function assigns local to all of it). None: no table was ever assigned to it."""
        info = self.functions.get(function)
        local = [v for v in info.table_variables if v.name == name] if info is not None else []
        if local:
            above = [v for v in local if v.line <= line]
            return above[-1] if above else None
        module = [v for v in self.table_variables if v.name == name]
        return module[-1] if module else None


def _group_by_function(ops: tuple[OpCall, ...]) -> dict[str, tuple[OpCall, ...]]:
    grouped: dict[str, list[OpCall]] = {}
    for op in ops:
        grouped.setdefault(op.function, []).append(op)
    return {function: tuple(found) for function, found in grouped.items()}


# Rules ask a revision for its upgrade() ops one after another (31 places): grouped once per file.
_ops_by_function: LastMemo[tuple[OpCall, ...], dict[str, tuple[OpCall, ...]]] = LastMemo(_group_by_function)

"""A symbolic schema: what the revisions' operations say exists, and what applying more ops does to it.

A `SchemaState` holds the tables the operations made or named (columns with their type as written,
nullability and server default; indexes; constraints with their type) and the tables known NOT to
exist (dropped or renamed away). Anything else is unknown: a project may adopt Alembic on a
database that already has tables, so a base revision starts from "nothing known", not "empty".

`apply_ops` plays ops (upgrade() or downgrade()) onto a state and returns the new state plus the
ops that contradict it (dropping a column an exact table does not have). `RevisionStates` gives the
state a revision's history implies before it: the ancestors' upgrades applied along the graph,
each revision's resulting state computed once.

The model never guesses: an op it cannot read (a table named by a variable, SQL built at run time,
a custom operation, an op in a dialect branch when the dialect is unknown) makes what it may touch
inexact — a table's contents, or, when the target cannot be named, every table's, and no table is
then known to be absent. Statements that are not operations (helper calls, loops building names)
are the caller's to weigh: the model reads operations and literal SQL only. Naming conventions are
not applied: an index or constraint is known by the name the op writes (`op.f('ix_a')` is `ix_a`);
a constraint created without a name is kept, unnamed, and can be matched only by what it covers.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from alembic_ls.analysis.dialect_guard import runs_on
from alembic_ls.analysis.graph import RevisionGraph
from alembic_ls.analysis.op_args import (
    ColumnDef,
    added_column,
    arg,
    column_def,
    column_name,
    name_text,
    sql_text,
    strings,
    table_of,
)
from alembic_ls.analysis.op_catalog import CONSTRAINT_CREATORS, HELPERS, OPERATIONS, Target
from alembic_ls.analysis.read_facts import history_inputs, note_history, unrecorded
from alembic_ls.analysis.revision_file import ArgValue, OpCall, RevisionFile
from alembic_ls.analysis.sql_kind import SqlKind, classify
from alembic_ls.analysis.sql_types import same_type


class Unknown(enum.Enum):
    UNKNOWN = "unknown"


UNKNOWN = Unknown.UNKNOWN


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type_: ArgValue | Unknown | None  # None: not given
    nullable: bool | Unknown | None  # None: not said (SQLAlchemy: nullable unless a primary key)
    server_default: str | Unknown | None  # the expression as written; None: no default
    primary_key: bool = False


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    columns: tuple[str, ...]
    unique: bool


@dataclass(frozen=True, slots=True)
class Constraint:
    name: str | None  # None: unnamed (the database or a naming convention names it)
    type_: str | None  # drop_constraint's type_: foreignkey, unique, check, primary; None: other
    columns: tuple[str, ...] = ()
    references: str | None = None  # the table a foreign key points at


@dataclass(slots=True)
class Table:
    """One table. `exact`: every column, index and constraint it has is listed here (it was
    created by a readable op and nothing unreadable touched it since)."""

    name: str
    columns: dict[str, Column] = field(default_factory=dict)
    indexes: dict[str, Index] = field(default_factory=dict)
    constraints: list[Constraint] = field(default_factory=list)
    comment: str | Unknown | None = None
    exact: bool = True

    def copy(self) -> Table:
        return Table(
            self.name,
            dict(self.columns),
            dict(self.indexes),
            list(self.constraints),
            self.comment,
            self.exact,
        )

    def constraint(self, name: str) -> Constraint | None:
        return next((c for c in self.constraints if c.name == name), None)


@dataclass(slots=True)
class SchemaState:
    """Tables known to exist, tables known not to, sequences; a state is never changed once
    built (apply_ops copies what it changes), so states can be cached and shared."""

    tables: dict[str, Table] = field(default_factory=dict)
    absent: set[str] = field(default_factory=set)
    sequences: set[str] = field(default_factory=set)

    def exists(self, table: str) -> bool | None:
        """True / False when the history says so, None when it does not."""
        if table in self.tables:
            return True
        return False if table in self.absent else None

    def column(self, table: str, name: str) -> Column | Unknown | None:
        """The column; None when it is known not to exist; UNKNOWN when the history cannot say."""
        found = self.tables.get(table)
        if found is None:
            return None if table in self.absent else UNKNOWN
        column = found.columns.get(name)
        if column is None and not found.exact:
            return UNKNOWN
        return column

    def index_table(self, index: str) -> str | None:
        return next((t.name for t in self.tables.values() if index in t.indexes), None)


@dataclass(frozen=True, slots=True)
class Conflict:
    """An op that contradicts the state it is applied to (`alembic` would fail there)."""

    op: OpCall
    message: str


@dataclass(frozen=True, slots=True)
class Applied:
    state: SchemaState
    conflicts: tuple[Conflict, ...]


def apply_ops(state: SchemaState, ops: Iterable[OpCall], dialect: str | None = None) -> Applied:
    """The state after `ops` run in order on `state` (which is left as it was)."""
    player = _Player(state, dialect)
    for op in ops:
        player.play(op)
    return Applied(player.state, tuple(player.conflicts))


def apply_function(
    state: SchemaState, rev: RevisionFile, function: str, dialect: str | None = None
) -> Applied:
    """Apply the ops of `upgrade` or `downgrade` of `rev`."""
    return apply_ops(state, rev.ops_in(function), dialect)


class _Player:
    """Applies ops to a copy of a state: each table is copied the first time an op changes it,
    so an op costs the same whatever the size of the schema (a revision of n ops is O(n))."""

    def __init__(self, start: SchemaState, dialect: str | None) -> None:
        self.state = SchemaState(dict(start.tables), set(start.absent), set(start.sequences))
        self.dialect = dialect
        self.conflicts: list[Conflict] = []
        self._owned: set[int] = set()  # ids of tables this player copied (free to change)

    # -- the state's tables -------------------------------------------------------------------

    def _table(self, op: OpCall, name: str, create_if_unknown: bool = True) -> Table | None:
        """The table to change (copied on first change); an unknown one appears, inexact."""
        table = self.state.tables.get(name)
        if table is None:
            if name in self.state.absent:
                self.conflicts.append(Conflict(op, f"table `{name}` does not exist here"))
                return None
            if not create_if_unknown:
                return None
            table = Table(name, exact=False)
            self.state.tables[name] = table
            self._owned.add(id(table))
            return table
        if id(table) not in self._owned:
            table = table.copy()
            self.state.tables[name] = table
            self._owned.add(id(table))
        return table

    def _put(self, table: Table) -> None:
        self.state.tables[table.name] = table
        self.state.absent.discard(table.name)
        self._owned.add(id(table))

    def _blur(self, name: str | None) -> None:
        """What an unreadable op may have done: to one table, or (name unknown) to every table."""
        if name is not None:
            table = self.state.tables.get(name)
            if table is not None:
                self._owned_copy(name).exact = False
            self.state.absent.discard(name)
            return
        for other in list(self.state.tables):
            self._owned_copy(other).exact = False
        self.state.absent.clear()

    def _owned_copy(self, name: str) -> Table:
        table = self.state.tables[name]
        if id(table) not in self._owned:
            table = table.copy()
            self.state.tables[name] = table
            self._owned.add(id(table))
        return table

    # -- ops ----------------------------------------------------------------------------------

    def play(self, op: OpCall) -> None:
        if op.name in HELPERS or op.name == "batch_alter_table" or op.name == "bulk_insert":
            return
        operation = OPERATIONS.get(op.name)
        if op.dialect_guards:
            if self.dialect is not None and not runs_on(op.dialect_guards, self.dialect):
                return
            if self.dialect is None:  # may or may not run: what it touches is no longer known
                self._blur_target(op)
                return
        if operation is None:
            self._unknown_operation(op)
            return
        if operation.target is Target.SQL:
            self._sql(op)
            return
        handler = _HANDLERS.get(op.name)
        if handler is not None:
            handler(self, op)

    def _blur_target(self, op: OpCall) -> None:
        operation = OPERATIONS.get(op.name)
        if operation is not None and operation.target is Target.SEQUENCE:
            return
        if operation is not None and operation.target is not Target.SQL:
            table = _table_name(op)
            self._blur(table)
            if op.name == "rename_table":
                new = arg(op, "new_table_name")
                self._blur(new.text if new is not None else None)
            return
        if operation is None:
            self._unknown_operation(op)
        else:
            self._blur(None)

    def _unknown_operation(self, op: OpCall) -> None:
        """A custom operation (`op.create_view`, `op.replace_entity`) or `op.invoke(...)`: tables
        it names by a literal may have changed; it may also have created anything."""
        named = [value.text for value in (*op.args, *(v for _, v in op.kwargs)) if value.text]
        for name in named:
            if name in self.state.tables:
                self._blur(name)
        self.state.absent.clear()

    def _sql(self, op: OpCall) -> None:
        sql = sql_text(op)
        if sql is None:
            self._blur(None)
            return
        kind, _ = classify(sql)
        if kind in (SqlKind.READ, SqlKind.DATA):
            return
        words = set(re.findall(r"\w+", sql.lower()))
        for name in list(self.state.tables):
            if name.lower() in words:
                self._blur(name)
        for name in list(self.state.absent):
            if name.lower() in words:
                self.state.absent.discard(name)

    def create_table(self, op: OpCall) -> None:
        name = _table_name(op)
        if name is None:
            self._blur(None)
            return
        if name in self.state.tables:
            self.conflicts.append(Conflict(op, f"table `{name}` already exists here"))
        table = Table(name)
        for value in op.args[1:]:
            _add_table_item(table, value)
        self._put(table)

    def drop_table(self, op: OpCall) -> None:
        name = _table_name(op)
        if name is None:
            self._blur(None)
            return
        if name in self.state.absent:
            self.conflicts.append(Conflict(op, f"table `{name}` does not exist here"))
        self.state.tables.pop(name, None)
        self.state.absent.add(name)

    def rename_table(self, op: OpCall) -> None:
        old, new = _table_name(op), arg(op, "new_table_name")
        new_name = _qualified(op, new.text) if new is not None and new.text is not None else None
        if old is None or new_name is None:
            self._blur(None)
            return
        table = self._table(op, old)
        if new_name in self.state.tables:
            self.conflicts.append(Conflict(op, f"table `{new_name}` already exists here"))
        moved = table.copy() if table is not None else Table(new_name, exact=False)
        moved.name = new_name
        self.state.tables.pop(old, None)
        self.state.absent.add(old)
        self._put(moved)

    def add_column(self, op: OpCall) -> None:
        table = self._op_table(op)
        column = added_column(op)
        if table is None:
            return
        if column is None or column.name is None:
            table.exact = False
            return
        if column.name in table.columns:
            self.conflicts.append(Conflict(op, f"column `{table.name}.{column.name}` already exists here"))
        _add_column(table, column)

    def drop_column(self, op: OpCall) -> None:
        table = self._op_table(op)
        name = column_name(op)
        if table is None:
            return
        if name is None:
            table.exact = False
            return
        if table.columns.pop(name, None) is None and table.exact:
            self.conflicts.append(Conflict(op, f"column `{table.name}.{name}` does not exist here"))
        # the database drops the indexes and constraints that cover the column along with it
        for index_name, index in list(table.indexes.items()):
            if name in index.columns:
                del table.indexes[index_name]
        table.constraints = [c for c in table.constraints if name not in c.columns]

    def alter_column(self, op: OpCall) -> None:
        table = self._op_table(op)
        name = column_name(op)
        if table is None:
            return
        if name is None:
            table.exact = False
            return
        current = table.columns.get(name)
        if current is None:
            if table.exact:
                self.conflicts.append(Conflict(op, f"column `{table.name}.{name}` does not exist here"))
            current = Column(name, UNKNOWN, UNKNOWN, UNKNOWN)
        current = _altered(current, op)
        new_name = op.kwarg("new_column_name")
        if new_name is not None and new_name.text is None:
            table.columns.pop(name, None)
            table.exact = False
            return
        if new_name is not None and new_name.text is not None and new_name.text != name:
            table.columns.pop(name, None)
            current = Column(
                new_name.text, current.type_, current.nullable, current.server_default, current.primary_key
            )
            _rename_covered(table, name, new_name.text)
        table.columns[current.name] = current

    def create_index(self, op: OpCall) -> None:
        table = self._op_table(op)
        name = name_text(arg(op, "index_name"))
        if table is None:
            return
        if name is None:
            table.exact = False
            return
        if name in table.indexes:
            self.conflicts.append(Conflict(op, f"index `{name}` already exists here"))
        unique = op.kwarg("unique")
        table.indexes[name] = Index(
            name, strings(arg(op, "columns")), unique is not None and unique.value is True
        )

    def drop_index(self, op: OpCall) -> None:
        name = name_text(arg(op, "index_name"))
        table_name = _table_name(op)
        if table_name is None and op.batch_span is None and arg(op, "table_name") is not None:
            self._blur(None)  # a table named by an expression
            return
        if name is None:
            self._blur(table_name)
            return
        if table_name is None:  # `drop_index('ix_a')`: the table that has it, if any is known to
            table_name = self.state.index_table(name)
            if table_name is None:
                return
        table = self._table(op, table_name)
        if table is not None and table.indexes.pop(name, None) is None and table.exact:
            self.conflicts.append(Conflict(op, f"index `{name}` does not exist here"))

    def create_constraint(self, op: OpCall) -> None:
        table = self._op_table(op)
        if table is None:
            return
        value = arg(op, "constraint_name")
        name = name_text(value)
        if name is None and value is not None and not (value.is_literal and value.value is None):
            table.exact = False  # named by an expression: not known by any name
            return
        if name is not None and table.constraint(name) is not None:
            self.conflicts.append(Conflict(op, f"constraint `{name}` already exists here"))
        operation = OPERATIONS[op.name]
        columns = strings(arg(op, "local_cols" if op.name == "create_foreign_key" else "columns"))
        referent = arg(op, "referent_table") if op.name == "create_foreign_key" else None
        references = referent.text if referent is not None else None
        table.constraints.append(Constraint(name, operation.constraint_type, columns, references))

    def drop_constraint(self, op: OpCall) -> None:
        table = self._op_table(op)
        name = name_text(arg(op, "constraint_name"))
        if table is None:
            return
        if name is None:
            table.exact = False
            return
        before = len(table.constraints)
        table.constraints = [c for c in table.constraints if c.name != name]
        if len(table.constraints) == before and table.exact:
            self.conflicts.append(Conflict(op, f"constraint `{name}` does not exist here"))

    def table_comment(self, op: OpCall) -> None:
        table = self._op_table(op)
        if table is None:
            return
        comment = arg(op, "comment") if op.name == "create_table_comment" else None
        table.comment = None if comment is None else (comment.text if comment.text is not None else UNKNOWN)

    def sequence(self, op: OpCall) -> None:
        value = arg(op, "sequence")
        name = value.call_args[0].text if value is not None and value.call_args else None
        if name is None:
            return
        if op.name == "create_sequence":
            self.state.sequences.add(name)
        else:
            self.state.sequences.discard(name)

    def _op_table(self, op: OpCall) -> Table | None:
        """The op's table to change; None (and everything blurred) when it is not a literal."""
        name = _table_name(op)
        if name is None:
            self._blur(None)
            return None
        return self._table(op, name)


_HANDLERS = {
    "create_table": _Player.create_table,
    "drop_table": _Player.drop_table,
    "rename_table": _Player.rename_table,
    "add_column": _Player.add_column,
    "drop_column": _Player.drop_column,
    "alter_column": _Player.alter_column,
    "create_index": _Player.create_index,
    "drop_index": _Player.drop_index,
    "drop_constraint": _Player.drop_constraint,
    "create_table_comment": _Player.table_comment,
    "drop_table_comment": _Player.table_comment,
    "create_sequence": _Player.sequence,
    "drop_sequence": _Player.sequence,
    **{name: _Player.create_constraint for name in CONSTRAINT_CREATORS},
}


def _table_name(op: OpCall) -> str | None:
    """The op's table, qualified by its literal schema (`audit.log` and `log` are two tables);
    None when either is not a literal. A batch op's schema is the batch's, which is not recorded."""
    name = table_of(op)
    return _qualified(op, name) if name is not None else None


def _qualified(op: OpCall, name: str) -> str | None:
    schema = op.kwarg("source_schema" if op.name == "create_foreign_key" else "schema")
    if schema is None or (schema.is_literal and schema.value is None):
        return name
    return f"{schema.text}.{name}" if schema.text is not None else None


def _source(value: ArgValue | None) -> str | None:
    if value is None or (value.is_literal and value.value is None):
        return None
    return value.source


def _add_column(table: Table, column: ColumnDef) -> None:
    if column.name is None:
        table.exact = False
        return
    nullable = column.nullable
    default = column.server_default
    table.columns[column.name] = Column(
        column.name, column.type_, nullable, _source(default), column.is_primary_key
    )
    if column.is_primary_key:
        table.constraints.append(Constraint(None, "primary", (column.name,)))
    for referenced in column.foreign_tables():
        table.constraints.append(Constraint(None, "foreignkey", (column.name,), referenced))


_TABLE_CONSTRAINTS = {
    "PrimaryKeyConstraint": "primary",
    "UniqueConstraint": "unique",
    "CheckConstraint": "check",
    "ForeignKeyConstraint": "foreignkey",
}


def _add_table_item(table: Table, value: ArgValue) -> None:
    """One positional argument of create_table: a Column, a table constraint or an Index."""
    kind = (value.call_name or "").split(".")[-1]
    column = column_def(value)
    if column is not None:
        _add_column(table, column)
        return
    if kind in _TABLE_CONSTRAINTS:
        name = name_text(value.kwarg("name"))
        if kind == "ForeignKeyConstraint":
            columns = strings(value.call_args[0]) if value.call_args else ()
            targets = strings(value.call_args[1]) if len(value.call_args) > 1 else ()
            references = (
                targets[0].rsplit(".", 1)[0].split(".")[-1] if targets and "." in targets[0] else None
            )
            table.constraints.append(Constraint(name, "foreignkey", columns, references))
        elif kind == "CheckConstraint":
            table.constraints.append(Constraint(name, "check"))
        else:
            columns = tuple(v.text for v in value.call_args if v.text)
            table.constraints.append(Constraint(name, _TABLE_CONSTRAINTS[kind], columns))
        return
    if kind == "Index" and value.call_args:
        name = name_text(value.call_args[0])
        if name is None:
            table.exact = False
            return
        unique = value.kwarg("unique")
        columns = tuple(v.text for v in value.call_args[1:] if v.text)
        table.indexes[name] = Index(name, columns, unique is not None and unique.value is True)
        return
    table.exact = False  # something else (a Computed, a variable holding columns): not readable


def _altered(column: Column, op: OpCall) -> Column:
    type_, nullable, default = column.type_, column.nullable, column.server_default
    value = op.kwarg("type_")
    if value is not None and not (value.is_literal and value.value is None):
        type_ = value
    value = op.kwarg("nullable")
    if value is not None and not (value.is_literal and value.value is None):
        nullable = value.value if isinstance(value.value, bool) else UNKNOWN
    value = op.kwarg("server_default")
    if value is not None and not (value.is_literal and value.value is False):
        default = _source(value)
    return Column(column.name, type_, nullable, default, column.primary_key)


def _rename_covered(table: Table, old: str, new: str) -> None:
    """Indexes and constraints follow a renamed column."""

    def renamed(columns: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(new if c == old else c for c in columns)

    for name, index in list(table.indexes.items()):
        if old in index.columns:
            table.indexes[name] = Index(index.name, renamed(index.columns), index.unique)
    table.constraints = [
        Constraint(c.name, c.type_, renamed(c.columns), c.references) if old in c.columns else c
        for c in table.constraints
    ]


class RevisionStates:
    """The state each revision's history implies, computed once per revision of one graph.

    Before a revision: its parents' (and depends_on targets') states after their upgrades, merged.
    A base starts from nothing known. Revisions in a cycle, or missing, contribute nothing known.
    """

    def __init__(self, graph: RevisionGraph, dialect: str | None = None) -> None:
        self.graph = unrecorded(graph)  # a state is noted as the history it comes from
        self.dialect = dialect
        self._after: dict[str, SchemaState] = {}

    def before(self, rev: RevisionFile) -> SchemaState:
        for name in (*rev.parents, *rev.dependencies):  # missing ones too: they may appear
            note_history(name)
        return self._merged(self._inputs(rev))

    def after(self, rid: str) -> SchemaState:
        """The state once `rid`'s upgrade() has run (iteratively: histories are thousands long)."""
        note_history(rid)
        stack = [rid]
        while stack:
            current = stack[-1]
            if current in self._after:
                stack.pop()
                continue
            rev = self.graph.revisions.get(current)
            if rev is None or current in self.graph.in_cycle:
                self._after[current] = SchemaState()
                stack.pop()
                continue
            pending = [p for p in self._inputs(rev) if p not in self._after]
            if pending:
                stack.extend(pending)
                continue
            before = self._merged(self._inputs(rev))
            self._after[current] = apply_function(before, rev, "upgrade", self.dialect).state
            stack.pop()
        return self._after[rid]

    def _inputs(self, rev: RevisionFile) -> list[str]:
        return history_inputs(self.graph, rev)

    def _merged(self, rids: list[str]) -> SchemaState:
        states = [self.after(rid) for rid in rids]
        if not states:
            return SchemaState()
        if len(states) == 1:
            return states[0]
        return merge(states)


def merge(states: list[SchemaState]) -> SchemaState:
    """The state after several branches have all run: what they agree on; the rest is unknown."""
    merged = SchemaState(dict(states[0].tables), set(states[0].absent), set(states[0].sequences))
    for other in states[1:]:
        for name, table in other.tables.items():
            mine = merged.tables.get(name)
            if mine is None and name not in merged.absent:
                merged.tables[name] = table
            elif mine is not None and mine is not table and mine != table:
                blurred = mine.copy()
                blurred.exact = False
                merged.tables[name] = blurred
        # absent only when no branch has it (a branch that re-created it wins: it ran too)
        disagreeing = {n for n in merged.absent if n in other.tables} | {
            n for n in other.absent if n in merged.tables
        }
        for name in disagreeing:
            merged.tables.pop(name, None)
        merged.absent = (merged.absent | other.absent) - disagreeing
        merged.sequences |= other.sequences
    return merged


_last: tuple[RevisionGraph, str | None, RevisionStates] | None = None


def states_for(graph: RevisionGraph, dialect: str | None = None) -> RevisionStates:
    """The states of `graph`, shared by the rules that ask about it one after another."""
    global _last
    cached = _last
    if cached is not None and cached[0] is graph and cached[1] == dialect:
        return cached[2]
    states = RevisionStates(graph, dialect)
    _last = (graph, dialect, states)
    return states


def differences(before: SchemaState, after: SchemaState) -> Iterator[str]:
    """What differs between two states, in words, saying only what both states know: a column
    only one side lists counts when the other side's table is exact (else it may be there)."""
    for name in sorted(set(before.tables) | set(after.tables)):
        old, new = before.tables.get(name), after.tables.get(name)
        if old is None and new is not None:
            if name in before.absent:
                yield f"table `{name}` remains"
            continue
        if new is None:
            if old is not None and name in after.absent:
                yield f"table `{name}` is missing"
            continue
        if old is not None:
            yield from _table_differences(old, new)


def _table_differences(old: Table, new: Table) -> Iterator[str]:
    name = old.name
    for column in sorted(set(old.columns) | set(new.columns)):
        was, now = old.columns.get(column), new.columns.get(column)
        if was is None:
            if old.exact:
                yield f"column `{name}.{column}` remains"
        elif now is None:
            if new.exact:
                yield f"column `{name}.{column}` is missing"
        elif not same_column(was, now):
            yield f"column `{name}.{column}` differs"
    for index in sorted(set(old.indexes) | set(new.indexes)):
        if index not in new.indexes and new.exact:
            yield f"index `{index}` is missing"
        elif index not in old.indexes and old.exact:
            yield f"index `{index}` remains"
    old_named = {c.name for c in old.constraints if c.name}
    new_named = {c.name for c in new.constraints if c.name}
    if new.exact:
        yield from (f"constraint `{c}` is missing" for c in sorted(old_named - new_named))
    if old.exact:
        yield from (f"constraint `{c}` remains" for c in sorted(new_named - old_named))


def same_column(a: Column, b: Column) -> bool:
    """The same definition, however spelled (`sa.String(50)` is `sa.VARCHAR(length=50)`)."""
    if a.primary_key != b.primary_key or _nullable(a) != _nullable(b):
        return False
    if _squeezed(a.server_default) != _squeezed(b.server_default):
        return False
    if isinstance(a.type_, ArgValue) and isinstance(b.type_, ArgValue):
        return same_type(a.type_, b.type_)
    return a.type_ is b.type_  # both None (not given) or both UNKNOWN


def _nullable(column: Column) -> bool | Unknown:
    """Not said means SQLAlchemy's default: nullable unless part of the primary key."""
    return (not column.primary_key) if column.nullable is None else column.nullable


def _squeezed(text: str | Unknown | None) -> object:
    return "".join(text.split()).replace('"', "'") if isinstance(text, str) else text

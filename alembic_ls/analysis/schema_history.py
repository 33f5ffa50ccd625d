"""What exists before an operation runs: the schema-safety rules only matter for existing objects.

A table created earlier in the same upgrade() is empty and unseen by running code, so locking it,
adding NOT NULL columns to it or renaming it is harmless. Anything else — tables from earlier
revisions, or tables the files do not mention at all — is assumed to exist and to hold rows.
"""

from __future__ import annotations

import operator
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from alembic_ls.analysis.dialect_guard import runs_on
from alembic_ls.analysis.last_memo import LastMemo, RecentByKey
from alembic_ls.analysis.op_args import (
    ColumnDef,
    added_column,
    arg,
    column_name,
    sql_text,
    strings,
    table_columns,
    table_of,
)
from alembic_ls.analysis.read_facts import note_history, unrecorded
from alembic_ls.analysis.revision_file import ArgValue, OpCall, RevisionFile, SqlCall
from alembic_ls.analysis.sql_statements import SqlAction, parsed_sql

if TYPE_CHECKING:
    from alembic_ls.analysis.index import ProjectIndex

POSTGRESQL = "postgresql"
# Ops that take an ACCESS EXCLUSIVE lock on their table, held until the migration commits.
EXCLUSIVE_COLUMN_OPS = frozenset({"add_column", "alter_column", "drop_column"})
_T = TypeVar("_T")


class ProjectView(Protocol):
    """What these questions read of a check: the project's index and its configured dialect
    (`rules.base.CheckContext` is one)."""

    @property
    def index(self) -> ProjectIndex: ...

    @property
    def dialect(self) -> str | None: ...


def dialect_name(ctx: ProjectView, rev: RevisionFile | None = None) -> str | None:
    """`postgresql+psycopg` and `postgres` both mean PostgreSQL; None when unknown. A revision in one
    of several histories named after a database (`sqlite_versions/`) is for that database."""
    dialect = ctx.index.project.history_dialect(Path(rev.path)) if rev is not None else None
    dialect = dialect or ctx.dialect
    if not dialect:
        return None
    name = dialect.lower().split("+", 1)[0].strip()
    return POSTGRESQL if name in ("postgres", "postgresql", "pg") else name


def targets_postgresql(ctx: ProjectView, rev: RevisionFile) -> bool:
    """PostgreSQL-only rules run when the revision is for PostgreSQL, or when nobody says which."""
    return dialect_name(ctx, rev) in (None, POSTGRESQL)


def postgresql_ops(timeline: UpgradeTimeline) -> Iterator[OpCall]:
    """upgrade()'s ops that can run on PostgreSQL: not those in a branch on another database
    (`if bind.dialect.name == "mysql":`, the `else` of `== "postgresql"`)."""
    return (op for op in timeline.ops if runs_on(op.dialect_guards, POSTGRESQL))


def _key(op: OpCall) -> tuple[int, int]:
    return op.span.line, op.span.col


class UpgradeTimeline:
    """Tables and columns that upgrade() itself brings into being, as seen at each of its ops.

    Each new table or column is recorded with the position of the op that creates it (and of the
    op that drops or renames it away), so a question about one op is a lookup, not a replay.
    """

    def __init__(self, rev: RevisionFile, earlier: UpgradeTimeline | None = None) -> None:
        self.ops: tuple[OpCall, ...] = tuple(
            o for o in rev.ops_in("upgrade") if o.name != "batch_alter_table"
        )
        # lines of upgrade()'s SQL and data calls: any of them may fill a column added before it
        self._writes = tuple(call.span.line for call in rev.sql_calls if call.function == "upgrade")
        self._position: dict[tuple[int, int], int]
        # name -> [first position that sees it as new, last position that does]
        self._tables: dict[str, list[tuple[int, int]]]
        self._columns: dict[tuple[str, str], int]
        if earlier is not None and earlier._records_alike(self.ops):
            # A keystroke inside one op of a 1,000-op upgrade(): the same positions, tables and
            # columns (rebuilding them was a tenth of such a keystroke).
            self._position, self._tables, self._columns = earlier._position, earlier._tables, earlier._columns
            return
        self._position = {_key(op): index for index, op in enumerate(self.ops)}
        self._tables, self._columns = {}, {}
        open_tables: dict[str, int] = {}
        for index, op in enumerate(self.ops):
            self._advance(index, _recorded(op), open_tables)
        for table, start in open_tables.items():
            self._tables.setdefault(table, []).append((start, len(self.ops)))

    def _records_alike(self, ops: tuple[OpCall, ...]) -> bool:
        """Would `ops` give this timeline's positions, tables and columns? Yes when each op is one
        of these, or stands where one of these stood and records the same (`_recorded`)."""
        mine = self.ops
        if len(mine) != len(ops):
            return False
        for index, same in enumerate(map(operator.is_, mine, ops)):
            if not same:
                old, new = mine[index], ops[index]
                if _key(old) != _key(new) or _recorded(old) != _recorded(new):
                    return False
        return True

    def _advance(self, index: int, recorded: tuple[str | None, ...], open_tables: dict[str, int]) -> None:
        name, table = recorded[0], recorded[1]
        if name == "create_table" and table is not None:
            open_tables.setdefault(table, index + 1)
        elif name == "drop_table" and table in open_tables:
            self._tables.setdefault(table, []).append((open_tables.pop(table), index))
        elif name == "rename_table":
            old, new = recorded[2], recorded[3]
            if old is not None and old in open_tables and new is not None:
                self._tables.setdefault(old, []).append((open_tables.pop(old), index))
                open_tables.setdefault(new, index + 1)
        elif name == "add_column" and table is not None:
            column = recorded[2]
            if column:
                self._columns.setdefault((table, column), index + 1)
        elif name == "alter_column" and table is not None:
            old_name, new_name = recorded[2], recorded[3]
            if old_name and new_name and (table, old_name) in self._columns:
                self._columns.setdefault((table, new_name), index + 1)

    def table_is_new(self, op: OpCall, table: str | None = None) -> bool:
        """Was `table` (default: the op's table) created by an earlier op of this upgrade()?"""
        table = table if table is not None else table_of(op)
        position = self._position.get(_key(op))
        if table is None or position is None:
            return False
        return any(start <= position <= end for start, end in self._tables.get(table, ()))

    def column_is_new(self, op: OpCall, column: str | None = None) -> bool:
        """Was the op's column (or its table) created by an earlier op of this upgrade()?"""
        table = table_of(op)
        column = column if column is not None else column_name(op)
        position = self._position.get(_key(op))
        if table is None or column is None or position is None:
            return False
        added = self._columns.get((table, column))
        return self.table_is_new(op, table) or (added is not None and added <= position)

    def exclusive_lock_before(self, op: OpCall) -> OpCall | None:
        """The first earlier op of this upgrade() that altered the op's table (add, alter or drop a
        column): it took an ACCESS EXCLUSIVE lock, which the migration holds until it commits."""
        table = table_of(op)
        position = self._position.get(_key(op))
        if table is None or position is None:
            return None
        return next(
            (
                earlier
                for earlier in self.ops[:position]
                if earlier.name in EXCLUSIVE_COLUMN_OPS and table_of(earlier) == table
            ),
            None,
        )

    def column_is_null(self, op: OpCall, column: str) -> bool:
        """Does `column` of the op's table hold NULL in every existing row when the op runs?

        True when an earlier op of this upgrade() added it with nothing to fill it (no server
        default, identity or computed value) and no SQL or data call between the two wrote rows.
        """
        table = table_of(op)
        position = self._position.get(_key(op))
        seen = self._columns.get((table, column)) if table is not None else None
        if seen is None or position is None or seen > position:
            return False
        adding = self.ops[seen - 1]  # asked rarely (a foreign key's columns): judged here, not for every add
        added = added_column(adding) if adding.name == "add_column" else None
        if added is None or not _leaves_rows_null(added):
            return False
        after, before = adding.span.line, op.span.line
        return not any(after < line < before for line in self._writes)


def _leaves_rows_null(column: ColumnDef) -> bool:
    """Does adding `column` leave it NULL in every row the table already holds?"""
    type_name = (column.type_.call_name or column.type_.source) if column.type_ is not None else ""
    return (
        column.server_default is None
        and not column.is_primary_key
        and not column.has_extra("Identity")
        and not column.has_extra("Computed")
        and "serial" not in type_name.lower()
    )


def _recorded(op: OpCall) -> tuple[str | None, ...]:
    """What the timeline records of an op: its name and table, and the names it gives."""
    name, table = op.name, table_of(op)
    if name == "rename_table":
        old, new = arg(op, "old_table_name"), arg(op, "new_table_name")
        return name, table, old.text if old is not None else None, new.text if new is not None else None
    if name == "add_column":
        column = added_column(op)
        return name, table, column.name if column is not None else None
    if name == "alter_column":
        new_name = op.kwarg("new_column_name")
        return name, table, column_name(op), new_name.text if new_name is not None else None
    return name, table


# By file, the last timelines built: the next version of a document starts from its own.
_last_timelines: RecentByKey[str, UpgradeTimeline] = RecentByKey()


def _timeline(rev: RevisionFile) -> UpgradeTimeline:
    timeline = UpgradeTimeline(rev, _last_timelines.take(rev.path))
    _last_timelines.keep(rev.path, timeline)
    return timeline


_timelines: LastMemo[RevisionFile, UpgradeTimeline] = LastMemo(_timeline)


def timeline_for(rev: RevisionFile) -> UpgradeTimeline:
    """The timeline of `rev`, shared by the rules that check it one after another."""
    return _timelines(rev)


def earlier_column_type(ctx: ProjectView, rev: RevisionFile, table: str, column: str) -> ArgValue | None:
    """The type a column was last given by the revisions before `rev` (nearest ancestor first)."""
    return _nearest_ancestor_answer(ctx, rev, lambda ancestor: column_type_in(ancestor, table, column))


def earlier_column_not_null(
    ctx: ProjectView, rev: RevisionFile, table: str, column: str, schema: str | None = None
) -> bool | None:
    """Whether the revisions before `rev` left `schema.table.column` NOT NULL (True), nullable
    (False), or do not say (None): the nearest ancestor that says anything decides."""
    return _nearest_ancestor_answer(
        ctx, rev, lambda ancestor: column_not_null_in(ancestor, table, column, schema)
    )


def _nearest_ancestor_answer(
    ctx: ProjectView, rev: RevisionFile, answer: Callable[[RevisionFile], _T | None]
) -> _T | None:
    """The first answer an ancestor of `rev` gives, nearest first (breadth-first over parents)."""
    graph = unrecorded(ctx.index.graph)  # noted as the history of each parent
    for parent in rev.parents:
        note_history(parent)
    queue: deque[str] = deque(rev.parents)
    seen: set[str] = set()
    while queue:
        rid = queue.popleft()
        if rid in seen:
            continue
        seen.add(rid)
        ancestor = graph.revisions.get(rid)
        if ancestor is None:
            continue
        found = answer(ancestor)
        if found is not None:
            return found
        queue.extend(ancestor.parents)
    return None


def column_type_in(rev: RevisionFile, table: str, column: str) -> ArgValue | None:
    """The last type upgrade() of `rev` gives `table.column`, if it mentions one."""
    found: ArgValue | None = None
    for op in rev.ops_in("upgrade"):
        if table_of(op) != table:
            continue
        if op.name == "create_table":
            found = next((c.type_ for c in table_columns(op) if c.name == column), found)
        elif op.name == "add_column":
            added = added_column(op)
            if added is not None and added.name == column:
                found = added.type_
        elif op.name == "alter_column" and column_name(op) == column and op.kwarg("type_") is not None:
            found = op.kwarg("type_")
    return found


def column_not_null_in(rev: RevisionFile, table: str, column: str, schema: str | None = None) -> bool | None:
    """What upgrade() of `rev` leaves of `table.column`'s nullability: True for NOT NULL
    (`nullable=False`, a primary key column, `create_primary_key` over it), False for nullable or
    unknowable (dropped, renamed into place, touched by SQL text), None when it does not mention
    the column. A column created without `nullable=` is nullable unless it is in the primary key,
    as SQLAlchemy decides."""
    state: dict[str, bool] = {}  # column name -> NOT NULL, for the columns this upgrade mentions
    for op in rev.ops_in("upgrade"):
        sql = sql_text(op)
        if sql is not None:
            if table in sql and column in sql:
                state[column] = False  # hand-written DDL may have changed it: unknowable
            continue
        if table_of(op) != table or schema_of(op) != schema:
            if op.name == "rename_table" and _text(arg(op, "new_table_name")) == table:
                state[column] = False  # the columns come from another table's history
            continue
        if op.name in ("create_table", "drop_table"):
            definitions = table_columns(op) if op.name == "create_table" else []
            state = {d.name: _not_null(d.nullable, d.is_primary_key) for d in definitions if d.name}
            state.setdefault(column, False)
        elif op.name == "add_column":
            added = added_column(op)
            if added is not None and added.name:
                state[added.name] = _not_null(added.nullable, added.is_primary_key)
        elif op.name == "drop_column":
            dropped = column_name(op)
            if dropped:
                state[dropped] = False
        elif op.name == "alter_column":
            _alter(state, op)
        elif op.name == "create_primary_key":
            for name in strings(arg(op, "columns")):
                state[name] = True
    return state.get(column)


def _alter(state: dict[str, bool], op: OpCall) -> None:
    name = column_name(op)
    if not name:
        return
    nullable = op.kwarg("nullable")
    if nullable is not None and isinstance(nullable.value, bool):
        state[name] = not nullable.value
    renamed = _text(op.kwarg("new_column_name"))
    if renamed:
        # The renamed column keeps what this upgrade knows of it, else nothing is known.
        state[renamed] = state.get(name, False)
        state[name] = False


def schema_of(op: OpCall) -> str | None:
    """The literal `schema=` an op names (None: the default schema; a batch op's is not read)."""
    return _text(op.kwarg("schema")) if op.batch_span is None else None


def _text(value: ArgValue | None) -> str | None:
    return value.text if value is not None else None


def _not_null(nullable: bool | None, primary_key: bool) -> bool:
    return nullable is False or (nullable is None and primary_key)


def upgrade_sql_actions(rev: RevisionFile) -> tuple[tuple[SqlCall, SqlAction], ...]:
    """What upgrade()'s SQL text does to tables that exist before it, on PostgreSQL: not to a table
    created earlier in the same upgrade (by an op or by SQL), not to a temporary table, not in a
    branch for another database. (Eight rules ask: the first one pays.)"""
    return _sql_actions(rev)


def _upgrade_sql_actions(rev: RevisionFile) -> Iterator[tuple[SqlCall, SqlAction]]:
    parsed = [p for p in parsed_sql(rev) if p.call.function == "upgrade" and not p.error]
    if not parsed:
        return
    created: dict[str, int] = {}  # table -> line of the first CREATE TABLE in this upgrade
    for op in rev.ops_in("upgrade"):
        if op.name == "create_table" and (table := table_of(op)) is not None:
            created.setdefault(table, op.span.line)
    for item in parsed:
        for action in item.actions:
            if action.kind == "create_table" and action.table is not None:
                created.setdefault(action.table, item.call.span.line)
    temporary = {a.table for p in parsed for a in p.actions if a.kind == "create_table" and a.temporary}
    for item in parsed:
        if not runs_on(item.call.dialect_guards, POSTGRESQL):
            continue
        for action in item.actions:
            table = action.table
            if (
                table is None
                or table in temporary
                or created.get(table, item.call.span.line + 1) <= item.call.span.line
            ):
                continue
            yield item.call, action


_sql_actions: LastMemo[RevisionFile, tuple[tuple[SqlCall, SqlAction], ...]] = LastMemo(
    lambda rev: tuple(_upgrade_sql_actions(rev))
)

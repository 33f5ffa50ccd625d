from __future__ import annotations

from collections.abc import Iterator, Sequence

from alembic_ls.analysis.op_args import added_column, arg, column_name, shown_column, shown_table, table_of
from alembic_ls.analysis.revision_file import OpCall, RevisionFile, SqlCall
from alembic_ls.analysis.schema_history import UpgradeTimeline, timeline_for, upgrade_sql_actions
from alembic_ls.analysis.sql_statements import SqlAction
from alembic_ls.analysis.stated_unused import stated_unused
from alembic_ls.rules.am402_drop_add_looks_like_rename import rename_pairs
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity, call_head_span
from alembic_ls.rules.sql_findings import listed, per_call


class DropTableOrColumn(Rule):
    code = "AM408"
    name = "drop-table-or-column"
    severity = Severity.WARNING
    summary = "Dropping a table or column breaks application code that still uses it: deploy that code first."
    about_live_traffic = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision:
            return
        timeline = timeline_for(rev)
        yield from self._sql_drops(rev, timeline)
        drops = [op for op in timeline.ops if op.name in ("drop_table", "drop_column")]
        if not drops:
            return
        renames = {(pair.drop.span.line, pair.drop.span.col) for pair in rename_pairs(rev, ctx)}
        replaced = _names_given_back(timeline.ops)
        recreated = _names_recreated(timeline.ops)
        position = {id(op): index for index, op in enumerate(timeline.ops)}
        for op in drops:
            if _replaced_later(op, position[id(op)], replaced):
                continue  # a swap: a new table or column takes the dropped one's name
            if stated_unused(rev, op.stmt_span):
                continue  # the author says no code uses it any more: the question is answered
            if op.name == "drop_table":
                if timeline.table_is_new(op):
                    continue
                what = f"table `{shown_table(op)}`" if table_of(op) is not None else _table_named_by(op)
            else:
                if timeline.column_is_new(op) or (op.span.line, op.span.col) in renames:
                    continue  # AM402 reports the drop half of a rename
                what = _column_phrase(op)
            head = call_head_span(op.span, f"{op.receiver}.{op.name}")
            if _replaced_later(op, position[id(op)], recreated):
                yield self.finding(rev, head, _recreated_message(op, what))
                continue
            yield self.finding(
                rev,
                head,
                f"Drops {what}: application code still running during the deploy (old app servers, "
                "workers, cron jobs) fails on its next query that uses it, and the data is gone for good. "
                "Ship the code that stops using it first (for SQLAlchemy models, remove the attribute), "
                "then drop it in a later migration.",
            )

    def _sql_drops(self, rev: RevisionFile, timeline: UpgradeTimeline) -> Iterator[Finding]:
        """DROP TABLE / ALTER TABLE ... DROP COLUMN written as SQL text (not a table or column this
        upgrade created, not a temporary table: upgrade_sql_actions leaves those out)."""
        actions = list(upgrade_sql_actions(rev))
        if not any(action.kind in ("drop_table", "drop_column") for _call, action in actions):
            return  # most revisions: nothing below would be reported (1,000 ops: 5% of a keystroke)
        # Where each column is added, in source order (line, column, place in the call's SQL): a drop
        # after an add drops a column this upgrade created, a drop before one is a recreation.
        added: dict[tuple[str | None, str | None], list[tuple[int, int, int]]] = {}
        for op in timeline.ops:
            if (column := added_column(op)) is not None:
                added.setdefault((table_of(op), column.name), []).append((op.span.line, op.span.col, 0))
        place = [0] * len(actions)
        for index, (call, action) in enumerate(actions):
            if index and actions[index - 1][0] is call:
                place[index] = place[index - 1] + 1
            if action.kind == "add_column":
                added.setdefault((action.table, action.name), []).append(
                    (call.span.line, call.span.col, place[index])
                )
        lost: list[tuple[SqlCall, SqlAction]] = []
        recreated: list[tuple[SqlCall, SqlAction]] = []
        for index, (call, action) in enumerate(actions):
            if action.kind == "drop_table":
                lost.append((call, action))
            elif action.kind == "drop_column":
                at = (call.span.line, call.span.col, place[index])
                adds = added.get((action.table, action.name), [])
                if any(add < at for add in adds):
                    continue  # a column this upgrade added
                (recreated if adds else lost).append((call, action))
        for drops, message in ((lost, _sql_drop_message), (recreated, _sql_recreated_message)):
            for call, found in per_call(drops):
                if not stated_unused(rev, call.stmt_span):
                    yield self.finding(rev, call_head_span(call.span, call.what), message(call, found))


def _column_phrase(op: OpCall) -> str:
    """column `t.c`; column `c` of the table named by `table`; the column named by `column` of ..."""
    literal_table, literal_column = table_of(op) is not None, column_name(op) is not None
    if literal_table and literal_column:
        return f"column `{shown_table(op)}.{shown_column(op)}`"
    column = f"column `{shown_column(op)}`" if literal_column else f"the column named by `{shown_column(op)}`"
    table = f"`{shown_table(op)}`" if literal_table else _table_named_by(op)
    return f"{column} of {table}"


def _table_named_by(op: OpCall) -> str:
    """A table held in a variable (ckan 016: `for table in continuity: op.drop_column(table, ...)`)
    is said to be one, never shown as if the variable's name were the table's."""
    return f"the table named by `{shown_table(op)}`"


def _sql_drop_message(call: SqlCall, actions: list[SqlAction]) -> str:
    names = [f"{a.table}.{a.name}" if a.kind == "drop_column" else str(a.table) for a in actions]
    return (
        f"`{call.what}` drops {listed(names)}: application code still running during the deploy "
        "(old app servers, workers, cron jobs) fails on its next query that uses it, and the data is "
        "gone for good. Ship the code that stops using it first, then drop it in a later migration."
    )


def _sql_recreated_message(call: SqlCall, actions: list[SqlAction]) -> str:
    names = [f"{a.table}.{a.name}" for a in actions]
    return (
        f"`{call.what}` drops {listed(names)}, and the upgrade adds "
        f"{'it' if len(set(names)) == 1 else 'them'} back under the same name further down: the name "
        "survives but the values do not. The new column starts empty (NULL, or its default), and code "
        "still running during the deploy reads that instead of the data. Unless the upgrade copies the "
        "values out before the drop and back afterwards, change the type in place (ALTER COLUMN ... "
        "TYPE ... USING) instead."
    )


def _names_given_back(ops: Sequence[OpCall]) -> dict[tuple[str | None, str], int]:
    """(table, column) and (None, table) names that a rename in this upgrade gives to another
    column or table, with the position of the rename: `alter_column(t, 'new_id',
    new_column_name='id')`, `rename_table('eventcounter_new', 'eventcounter')`."""
    given: dict[tuple[str | None, str], int] = {}
    for position, op in enumerate(ops):
        if op.name == "alter_column":
            new_name = op.kwarg("new_column_name")
            if new_name is not None and new_name.text:
                given[(table_of(op), new_name.text)] = position
        elif op.name == "rename_table":
            new_table = arg(op, "new_table_name")
            if new_table is not None and new_table.text:
                given[(None, new_table.text)] = position
    return given


def _names_recreated(ops: Sequence[OpCall]) -> dict[tuple[str | None, str], int]:
    """(table, column) and (None, table) names that an add_column or create_table in this upgrade
    brings back, with the position of the last one: a type change done as `drop_column` then
    `add_column` of the same name."""
    recreated: dict[tuple[str | None, str], int] = {}
    for position, op in enumerate(ops):
        table = _table_key(op)
        if op.name == "add_column" and table is not None:
            column = added_column(op)
            if column is not None and column.name:
                recreated[(table, column.name)] = position
        elif op.name == "create_table" and table is not None:
            recreated[(None, table)] = position
    return recreated


def _table_key(op: OpCall) -> str | None:
    """The op's table, or the expression naming it when that is not a literal (ckan 018: `for table
    in tables: op.drop_column(table, 'license_id'); op.add_column(table, ...)`): the same
    expression in a drop and a later add of the same column is taken for the same table."""
    table = table_of(op)
    return table if table is not None else f"{shown_table(op)} (an expression)"


def _recreated_message(op: OpCall, what: str) -> str:
    """A drop whose name comes back: nothing fails on a missing name, but the values are gone."""
    if op.name == "drop_table":
        return (
            f"Drops {what} and creates it again under the same name further down: the name survives "
            "but the rows do not. The new table starts empty, and code still running during the deploy "
            "reads an empty table. Unless the upgrade copies the rows out before the drop and back "
            "afterwards (or something else refills the table), change it in place where the database "
            "allows (alter_column, add_column, create_index)."
        )
    return (
        f"Drops {what} and adds it back under the same name further down (a type change done as drop "
        "and add): the name survives but the values do not. The new column starts empty (NULL, or its "
        "server default), and code still running during the deploy reads that instead of the data. "
        "Unless the upgrade copies the values out before the drop and back afterwards, change the type "
        "in place with `alter_column(..., type_=...)` (`postgresql_using=` for a cast) instead."
    )


def _replaced_later(op: OpCall, at: int, given: dict[tuple[str | None, str], int]) -> bool:
    """The dropped column or table gets its name back from a later rename in the same upgrade:
    code that uses the name keeps working, and the rows were copied across beforehand (the
    full-stack-fastapi-template's integer-to-UUID id swap, privacyidea's table rebuild)."""
    if op.name == "drop_table":
        key: tuple[str | None, str] | None = (None, table_of(op) or "")
    else:
        column = column_name(op)
        key = (_table_key(op), column) if column else None
    if key is None or not key[1]:
        return False
    return given.get(key, -1) > at

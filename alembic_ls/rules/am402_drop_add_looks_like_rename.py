from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from alembic_ls.analysis.op_args import added_column, arg, column_name, sql_text, strings, table_of
from alembic_ls.analysis.revision_file import ArgValue, OpCall, RevisionFile, StatementKind
from alembic_ls.analysis.schema_history import dialect_name, earlier_column_type, timeline_for
from alembic_ls.analysis.sql_types import could_hold_same_data, read_type
from alembic_ls.fixes.rename_column import RenameColumn
from alembic_ls.rules.base import CheckContext, Finding, Fix, Rule, Severity, call_head_span
from alembic_ls.rules.empty_table_only import FILLS_IMPLICITLY, tables_found_empty


@dataclass(frozen=True)
class RenamePair:
    table: str
    drop: OpCall
    add: OpCall
    old: str
    new: str


def rename_pairs(rev: RevisionFile, ctx: CheckContext) -> list[RenamePair]:
    """drop_column + add_column pairs on one table whose types could hold the same values."""
    timeline = timeline_for(rev)
    if not any(op.name == "drop_column" for op in timeline.ops):
        return []
    drops: dict[str, list[tuple[OpCall, str]]] = {}
    adds: dict[str, list[tuple[OpCall, str, ArgValue | None]]] = {}
    for op in timeline.ops:
        table = table_of(op)
        if table is None or timeline.table_is_new(op):
            continue
        if op.name == "drop_column":
            dropped = column_name(op)
            if dropped is not None and not timeline.column_is_new(op):
                drops.setdefault(table, []).append((op, dropped))
        elif op.name == "add_column":
            column = added_column(op)
            if column is not None and column.name is not None:
                adds.setdefault(table, []).append((op, column.name, column.type_))
    copied = [text.lower() for text in (sql_text(o) for o in timeline.ops) if text]
    created = {table_of(o) for o in timeline.ops if o.name == "create_table"}
    dropped_tables = {table_of(o) for o in timeline.ops if o.name == "drop_table"}
    # An upgrade that gets past a NOT NULL add without a default found its table empty (except on
    # MySQL, which fills the column): no value was there for the drop to lose (pepys 4899e94653f1).
    found_empty = set() if dialect_name(ctx, rev) in FILLS_IMPLICITLY else tables_found_empty(timeline)
    pairs: list[RenamePair] = []
    for table, table_drops in drops.items():
        if table in found_empty:
            continue
        table_adds = adds.get(table, [])
        unambiguous = len(table_drops) == 1 and len(table_adds) == 1
        candidates: list[tuple[float, int, int]] = []
        # Per drop, every new column whose type could take its values, before the other tests.
        fitting: dict[int, set[int]] = {}
        for d, (drop, old) in enumerate(table_drops):
            old_type = read_type(_dropped_type(rev, ctx, table, old))
            for a, (add, new, new_type_arg) in enumerate(table_adds):
                if new == old:
                    continue
                new_type = read_type(new_type_arg)
                if old_type is not None and new_type is not None:
                    if not could_hold_same_data(old_type, new_type):
                        continue
                elif not unambiguous:
                    continue
                fitting.setdefault(d, set()).add(a)
                if any(_mentions(sql, old) and _mentions(sql, new) for sql in copied):
                    continue  # the upgrade copies old into new itself: a deliberate replacement
                if _data_step_between(rev, add, drop) or _explained(rev, drop):
                    continue  # a data migration between them (neutron's migrate_values()), or said so
                if _removal_announced(rev, old):
                    continue  # "Removes stable_at column and adds ..." (dispatch): meant as a drop
                if _refers_elsewhere(rev, table, old, add, created, dropped_tables):
                    continue  # they point at different things: a replacement, not the same values
                candidates.append((_similarity(old, new), d, a))
        # Closest names pair first (`table` -> `destination_table`), then in the order written.
        used_drops: set[int] = set()
        used_adds: set[int] = set()
        for score, d, a in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
            if d in used_drops or a in used_adds:
                continue
            if score == 0 and fitting[d] - used_adds - {a}:
                # Names sharing nothing, and another new column could as well have taken the
                # values (ckan 027: `url` dropped; `guid`, `source_id`, `package_id` added): which
                # one, if any, is the rename would be a guess.
                continue
            used_drops.add(d)
            used_adds.add(a)
            drop, old = table_drops[d]
            add, new, _type = table_adds[a]
            pairs.append(RenamePair(table, drop, add, old, new))
    pairs.sort(key=lambda pair: (pair.drop.span.line, pair.drop.span.col))
    return pairs


def _dropped_type(rev: RevisionFile, ctx: CheckContext, table: str, column: str) -> ArgValue | None:
    """autogenerate's downgrade re-adds a dropped column with its reflected type; else ask history."""
    for op in rev.ops_in("downgrade"):
        added = added_column(op)
        if added is not None and added.name == column and table_of(op) == table:
            return added.type_
    return earlier_column_type(ctx, rev, table, column)


def _similarity(old: str, new: str) -> float:
    """Shared name parts (`new_value`/`previous_value`: `value`), a containment counting most."""
    if old.lower() in new.lower() or new.lower() in old.lower():
        return 2.0
    parts = {p for p in re.split(r"[_\W]+", old.lower()) if p}
    other = {p for p in re.split(r"[_\W]+", new.lower()) if p}
    return len(parts & other) / max(len(parts | other), 1)


def _refers_elsewhere(
    rev: RevisionFile, table: str, old: str, add: OpCall, created: set[str | None], dropped: set[str | None]
) -> bool:
    """The two columns cannot hold the same values: one is a reference (`*_id`) and the other is not
    (`creator_id` -> `window`), the new one references a table this upgrade creates (`serial_id` to the
    new `serials`), or the old one a table it drops (`resource_group_id` as `resource_group` goes)."""
    column = added_column(add)
    new = column.name if column is not None else None
    if new is None or old.lower().endswith("_id") != new.lower().endswith("_id"):
        return new is not None
    if column is not None and any(target in created for target in column.foreign_tables()):
        return True
    for op in rev.ops_in("upgrade"):  # a foreign key made separately: create_foreign_key(..., [new], ...)
        if (
            op.name == "create_foreign_key"
            and table_of(op) == table
            and new in strings(arg(op, "local_cols"))
        ):
            referent = arg(op, "referent_table")
            if referent is not None and referent.text in created:
                return True
    if old.lower().removesuffix("_id") in {t.lower() for t in dropped if t}:
        return True  # `resource_group_id` while `resource_group` is dropped: what it pointed at is gone
    for undo in rev.ops_in("downgrade"):  # autogenerate re-adds the dropped column with its ForeignKey
        restored = added_column(undo)
        if restored is not None and restored.name == old and table_of(undo) == table:
            return any(target in dropped for target in restored.foreign_tables())
    return False


_REMOVAL_WORDS = re.compile(r"\b(remov|drop|delet|deprecat|get rid of)", re.I)


def _removal_announced(rev: RevisionFile, old: str) -> bool:
    """The revision's message names the dropped column as removed, and says nothing of a rename:
    the author meant the drop, and the values are not wanted under another name."""
    message = rev.message or ""
    if re.search(r"\brenam", message, re.I) or not re.search(rf"\b{re.escape(old)}\b", message, re.I):
        return False
    return _REMOVAL_WORDS.search(message) is not None


def _data_step_between(rev: RevisionFile, add: OpCall, drop: OpCall) -> bool:
    """Code that is not a schema operation runs between the add and the drop (a helper that copies
    the values, SQL, a loop over rows): the drop is the end of a data migration, not a lost rename."""
    upgrade = rev.upgrade
    if upgrade is None or add.function != "upgrade" or drop.function != "upgrade":
        return False
    first, last = sorted((add.stmt_span.line, drop.stmt_span.line))
    return any(
        first < statement.span.line < last and statement.kind in (StatementKind.SQL, StatementKind.OTHER)
        for statement in upgrade.statements
    )


def _explained(rev: RevisionFile, drop: OpCall) -> bool:
    """A comment on the drop says why: it is on purpose."""
    function = rev.functions.get(drop.function)
    if function is None:
        return False
    return any(
        statement.explained and statement.span.contains(drop.span.line, drop.span.col)
        for statement in function.statements
    )


def _mentions(sql: str, name: str) -> bool:
    return re.search(rf"\b{re.escape(name.lower())}\b", sql) is not None


class DropAddLooksLikeRename(Rule):
    code = "AM402"
    name = "drop-add-looks-like-rename"
    severity = Severity.WARNING
    summary = "A column is dropped and another of a compatible type added on the same table: a rename?"
    fix_summary = "`alter_column(..., new_column_name=...)` both ways (not auto)"
    fixable = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision:
            return
        for pair in rename_pairs(rev, ctx):
            drop, add = pair.drop, pair.add
            yield self.finding(
                rev,
                call_head_span(drop.span, f"{drop.receiver}.{drop.name}"),
                f"Drops `{pair.table}.{pair.old}` and adds `{pair.new}` (line {add.span.line + 1}) of a "
                f"compatible type: if this is a rename, every value in `{pair.old}` is lost. The rule "
                'book: "Alembic sees drop + add, but we want rename" — use '
                f"`op.alter_column({pair.table!r}, {pair.old!r}, new_column_name={pair.new!r})`.",
                Fix(
                    f"Rename `{pair.old}` to `{pair.new}` instead (upgrade and downgrade)",
                    RenameColumn(pair.table, pair.old, pair.new, drop.span.line, add.span.line),
                    safe=False,  # only a person knows it is a rename and not a replacement
                ),
                related=((rev.path, call_head_span(add.span, f"{add.receiver}.{add.name}"), "the add"),),
            )

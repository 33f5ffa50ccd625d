from __future__ import annotations

import functools
import operator
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import NamedTuple

from alembic_ls.analysis.identity_memo import IdentityMemo
from alembic_ls.analysis.last_memo import RecentByKey
from alembic_ls.analysis.op_args import added_column, arg, sql_text
from alembic_ls.analysis.op_catalog import CONSTRAINT_CREATORS
from alembic_ls.analysis.reversal import (
    Change,
    ChangeIndex,
    conventional_names,
    describe,
    downgrade_index,
    undoes_any,
    undoing_candidates,
    undone,
    undone_candidates,
    upgrade_index,
)
from alembic_ls.analysis.revision_file import OpCall, RevisionFile, Span
from alembic_ls.analysis.schema_history import upgrade_sql_actions
from alembic_ls.analysis.sql_statements import parsed_sql
from alembic_ls.fixes.downgrade import DeriveDowngrade, plan_downgrade
from alembic_ls.fixes.edits import FixRefused
from alembic_ls.rules.base import CheckContext, Finding, Fix, Rule, Severity, call_head_span


class _Changes:
    """What one function's ops change, and the lookups made against them. Kept while the function's
    ops are the very same objects: typing in upgrade() leaves downgrade()'s ops, so their changes,
    index and answers are not rebuilt on every keystroke (see `_changes_of`)."""

    def __init__(self, ops: tuple[OpCall, ...], previous: _Changes | None = None) -> None:
        self.ops = ops
        # Each op's changes; an op left in place by a keystroke keeps the very Change objects of
        # `previous` (the index patched from the last version's holds those, not equal copies).
        self.by_op: list[tuple[Change, ...]] = _changes_by_op(ops, previous)
        self.changes: list[Change] = [change for changes in self.by_op for change in changes]
        texts = [(o, sql_text(o)) for o in ops if o.name in ("execute", "bulk_insert")]
        self.sql = [text.lower() for _op, text in texts if text]
        self.readable = {o.span for o, text in texts if o.name == "bulk_insert" or text is not None}
        self._first: dict[tuple[str, str, str | None], Change] | None = None
        # Answers by the asking change's id, with the change itself: its id is not reused meanwhile.
        self._undone: dict[int, tuple[Change, bool]] = {}
        self._undoing: dict[int, tuple[Change, bool]] = {}
        # As downgrade(): the findings against the last upgrade() side, with everything else they
        # were read from (`_Inputs`).
        self.last_found: tuple[_Changes, _Inputs, list[Finding]] | None = None

    @functools.cached_property
    def _as_downgrade(self) -> ChangeIndex:
        return downgrade_index(self.changes)

    @functools.cached_property
    def _as_upgrade(self) -> ChangeIndex:
        return upgrade_index(self.changes)

    def undo(self, up: Change) -> bool:
        """Is `up` (an upgrade change) undone by one of these (downgrade changes)?"""
        return self._answer(self._undone, up, lambda: undone(up, self._as_downgrade))

    def undone_by(self, down: Change) -> bool:
        """Does `down` (a downgrade change) undo one of these (upgrade changes)?"""
        return self._answer(self._undoing, down, lambda: undoes_any(self._as_upgrade, down))

    def _answer(
        self, answers: dict[int, tuple[Change, bool]], change: Change, ask: Callable[[], bool]
    ) -> bool:
        known = answers.get(id(change))
        if known is not None and known[0] is change:
            return known[1]
        # Each keystroke in the other function asks about a new change: the answers about the
        # changes it replaced are dropped now and then, so that a long session does not keep them all.
        if len(answers) > 2 * len(self.changes) + 64:
            answers.clear()
        answer = ask()
        answers[id(change)] = (change, answer)
        return answer

    def keep_answers(self, previous: _Changes, other: _Changes, upgrade: bool) -> None:
        """These changes replaced `previous` (a keystroke in this function, `upgrade()` or not):
        keep its answers about the other side's changes (`other`) that cannot differ here, those
        about a change of the other side that could pair with none of the changes that came or
        went. Asking each of a thousand changes again was a tenth of a keystroke in the other
        function's ops."""
        if len(previous.ops) != len(self.ops):
            return  # an op came or went: its neighbours' changes are not found by position
        moved = [at for at, same in enumerate(map(operator.is_, previous.ops, self.ops)) if not same]
        if len(moved) > _KEPT_ANSWERS_AFTER:
            return
        removed = [change for at in moved for change in previous.by_op[at]]
        added = [change for at in moved for change in self.by_op[at]]
        replaced = removed + added
        own = "_as_upgrade" if upgrade else "_as_downgrade"
        if own in vars(previous):  # this side's own index, from the last one's (~3% of a keystroke)
            vars(self)[own] = getattr(previous, own).replaced(removed, added, self.changes)
        if upgrade:  # answers to "does this downgrade change undo one of these?"
            index = other._as_downgrade
            touched = {id(d) for change in replaced for d in undoing_candidates(change, index)}
            self._undoing = {key: found for key, found in previous._undoing.items() if key not in touched}
        else:  # answers to "is this upgrade change undone by one of these?"
            index = other._as_upgrade
            touched = {id(u) for change in replaced for u in undone_candidates(index, change)}
            self._undone = {key: found for key, found in previous._undone.items() if key not in touched}

    def find(self, kind: str, action: str, name: str | None) -> Change | None:
        """The first change of this kind, action and name (a dict: the order rules ask per change).
        An index or constraint created unnamed is found by the names a naming convention would
        give it too (`fk_editables_published_revision_id_revisions`), after every written name."""
        if self._first is None:
            self._first = {}
            for change in self.changes:
                self._first.setdefault((change.kind, change.action, change.name), change)
            for change in self.changes:
                for conventional in conventional_names(change):
                    self._first.setdefault((change.kind, change.action, conventional), change)
        return self._first.get((kind, action, name))


def _changes_by_op(ops: tuple[OpCall, ...], previous: _Changes | None) -> list[tuple[Change, ...]]:
    """The changes of each op (a batch block's own op changes nothing: its ops are there on their
    own), taken from `previous` for an op that is the very one at the same position there."""
    if previous is None or len(previous.ops) != len(ops):
        return [_op_changes(op) for op in ops]
    return [
        kept if before is op else _op_changes(op)
        for op, before, kept in zip(ops, previous.ops, previous.by_op, strict=True)
    ]


def _op_changes(op: OpCall) -> tuple[Change, ...]:
    return () if op.name == "batch_alter_table" else describe(op)


# By file and function, the last version's: the files checked between two keystrokes (those the
# edit affects, re-checked meanwhile) leave the edited document's in place.
_last_changes: RecentByKey[tuple[str, str], _Changes] = RecentByKey()


# Changes that came or went in one keystroke beyond which keeping answers is not worth the lookups.
_KEPT_ANSWERS_AFTER = 8


def _changes_of(rev: RevisionFile, function: str) -> tuple[_Changes, _Changes | None]:
    """The function's changes, and the last version's when these were built anew (their answers
    may be kept: `_Changes.keep_answers`)."""
    ops = rev.ops_in(function)
    key = (rev.path, function)
    found = _last_changes.take(key)
    previous = None
    if found is None or len(found.ops) != len(ops) or not all(map(operator.is_, found.ops, ops)):
        found, previous = _Changes(ops, found), found
    _last_changes.keep(key, found)
    return found, previous


class _Side:
    """One of upgrade()/downgrade(): its schema changes in order, and what it does we cannot read."""

    def __init__(self, rev: RevisionFile, function: str) -> None:
        self.of, self.previous = _changes_of(rev, function)
        self.changes = self.of.changes
        self.find = self.of.find
        info = rev.functions.get(function)
        # Statements that are neither ops nor literal SQL may do anything (helpers, loops over
        # tables, connection.execute with built strings): nothing is reported against them.
        self.opaque = bool(info is not None and info.unrecognised) or any(
            call.span not in self.of.readable for call in rev.sql_calls if call.function == function
        )

    def mentions(self, change: Change) -> bool:
        """Does hand-written SQL here name the changed object (so it may do the reverse itself)?"""
        return any(
            re.search(rf"\b{re.escape(n.lower())}\b", sql) for sql in self.of.sql for n in change.names
        )


class DowngradeMismatch(Rule):
    code = "AM202"
    name = "downgrade-mismatch"
    severity = Severity.WARNING
    summary = "downgrade() does not undo what upgrade() does (missing or extra operations, or wrong order)."
    fix_summary = "derived downgrade (not auto)"
    fixable = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        downgrade = rev.downgrade
        if not rev.is_revision or rev.upgrade is None or downgrade is None or downgrade.is_empty:
            return  # no downgrade, or one that does nothing: AM201's business
        up, down = _Side(rev, "upgrade"), _Side(rev, "downgrade")
        if up.previous is not None:
            up.of.keep_answers(up.previous, down.of, upgrade=True)
        if down.previous is not None:
            down.of.keep_answers(down.previous, up.of, upgrade=False)
        inputs = _Inputs(rev.path, downgrade.name_span, up.opaque, down.opaque, _SqlFacts.of(rev))
        last = down.of.last_found
        if last is not None and last[0] is up.of and last[1] == inputs:
            # Both sides' ops are the very objects of the last check (a keystroke in a comment, a
            # docstring, a statement that is no op): the same findings (28% of such a keystroke
            # in a revision of 2,000 ops).
            found = last[2]
        else:
            symmetric = _recreated_both_ways(up.changes, down.changes)
            found = [
                *self._missing(rev, up, down, symmetric, inputs.sql),
                *self._extra(rev, up, down, symmetric),
                *self._order(rev, up, down),
            ]
            down.of.last_found = (up.of, inputs, found)
        if not found:
            return
        fix = _derived_downgrade(rev)  # planned only when needed: most files match
        for finding in found:
            yield replace(finding, fix=fix)

    def _missing(
        self, rev: RevisionFile, up: _Side, down: _Side, symmetric: set[int], sql: _SqlFacts
    ) -> Iterator[Finding]:
        if down.opaque:
            return
        implied = _Implied(up, down, sql)
        settled = _settled_within(up.changes, down.changes, symmetric)
        adopted = _adopted_indexes(sql, down)
        missing: dict[Span, list[Change]] = {}
        for change in up.changes:
            if down.of.undo(change) or implied.covers(change) or down.mentions(change):
                continue
            if change.kind == "index" and change.action == "create" and change.name in adopted:
                continue  # USING INDEX made it the constraint downgrade() drops, index and all
            if id(change) in settled or _relaxes(change) or _unnamed(change):
                continue
            missing.setdefault(change.op.span, []).append(change)
        for changes in missing.values():
            op = changes[0].op
            wanted = "; ".join(_reverse_phrase(c) for c in changes)
            yield self.finding(
                rev,
                _head(op),
                f"downgrade() does not undo this: nothing there {wanted}. After `alembic downgrade -1` "
                "the database is left between revisions, and the next upgrade fails or does half its work.",
                related=((rev.path, downgrade_name(rev), "downgrade()"),),
            )

    def _extra(self, rev: RevisionFile, up: _Side, down: _Side, symmetric: set[int]) -> Iterator[Finding]:
        if up.opaque:
            return
        excuses = _Excuses(up)
        # A column downgrade() re-adds, then alters (a temporary server_default cleared for the rows
        # that exist): the alteration is part of re-creating it, not something to undo.
        readded = {(c.table, c.name) for c in down.changes if c.kind == "column" and c.action == "create"}
        # A column upgrade() alters and downgrade() drops and adds again: the pair restores it.
        altered = {(c.table, c.name) for c in up.changes if c.kind == "alter"}
        redropped = {(c.table, c.name) for c in down.changes if c.kind == "column" and c.action == "drop"}
        redefined = altered & readded & redropped
        reported: set[Span] = set()
        for change in down.changes:
            # Most changes undo something: asked first (an answer kept between keystrokes).
            if up.of.undone_by(change) or change.op.span in reported or id(change) in symmetric:
                continue
            if _unnamed(change) or excuses.covers(change) or up.mentions(change):
                continue
            if change.kind == "alter" and (change.table, change.name) in readded:
                continue
            if change.kind == "column" and (change.table, change.name) in redefined:
                continue
            reported.add(change.op.span)
            yield self.finding(
                rev,
                _head(change.op),
                f"downgrade() {_action_phrase(change)}, which undoes nothing upgrade() does: "
                "`alembic downgrade -1` fails here or changes something this revision did not change.",
            )

    def _order(self, rev: RevisionFile, up: _Side, down: _Side) -> Iterator[Finding]:
        reported: set[Span] = set()
        for op, message in _order_problems(up, down):
            if op.span in reported:
                continue
            reported.add(op.span)
            yield self.finding(rev, _head(op), message)


def _order_problems(up: _Side, down: _Side) -> Iterator[tuple[OpCall, str]]:
    """Downgrade changes that run after a drop took their object along.

    Each drop is matched against the later changes of its own table (or column) through indexes
    built once, so a downgrade of n changes costs about n lookups rather than n² comparisons; the
    problems come out in the order a scan of every later change would find them.
    """
    changes = down.changes
    # Per table: the positions of table changes (a re-creation ends what a drop covers) and of
    # the other changes that belong to it.
    table_changes: dict[str | None, list[int]] = {}
    table_members: dict[str | None, list[int]] = {}
    # Per (table, column): the positions of index/constraint drops whose upgrade create covers it.
    covering_drops: dict[tuple[str | None, str], list[int]] = {}
    for position, change in enumerate(changes):
        if change.kind == "table":
            table_changes.setdefault(change.table, []).append(position)
            continue
        table_members.setdefault(_table_of(change, up), []).append(position)
        if change.kind in ("index", "constraint") and change.action == "drop":
            made = _created_by(up, change)
            if made is not None:
                for column in dict.fromkeys(made.columns):
                    covering_drops.setdefault((made.table, column), []).append(position)
    for position, change in enumerate(changes):
        if change.kind == "table" and change.action == "drop" and change.table:
            recreated = table_changes[change.table]
            after = bisect_right(recreated, position)
            until = recreated[after] if after < len(recreated) else len(changes)
            members = table_members.get(change.table, [])
            for later_position in members[bisect_right(members, position) :]:
                if later_position >= until:
                    break  # re-created (or dropped again): what follows is about the new one
                later = changes[later_position]
                line = change.op.span.line + 1
                yield (
                    later.op,
                    (
                        f"Runs after line {line} dropped table `{change.table}`, which took its "
                        "columns, indexes and constraints with it: downgrade() fails here. Undo "
                        f"{later.label} before dropping the table."
                    ),
                )
        if change.kind == "column" and change.action == "drop" and change.name is not None:
            drops = covering_drops.get((change.table, change.name), [])
            for later_position in drops[bisect_right(drops, position) :]:
                later = changes[later_position]
                yield (
                    later.op,
                    (
                        f"Drops {later.label} after line {change.op.span.line + 1} dropped column "
                        f"`{change.table}.{change.name}`, which took it along: downgrade() fails here "
                        f"(it no longer exists). Drop the {later.kind} first."
                    ),
                )
    yield from _foreign_key_order(up, down)


def _foreign_key_order(up: _Side, down: _Side) -> Iterator[tuple[OpCall, str]]:
    """A referenced table must outlive the tables and foreign keys that point at it."""
    position = {id(c): i for i, c in enumerate(down.changes)}
    # Where each table, and each named constraint, is first dropped: what releases a reference.
    table_dropped: dict[str | None, int] = {}
    constraint_dropped: dict[str | None, int] = {}
    for at, change in enumerate(down.changes):
        if change.action == "drop" and change.kind == "table":
            table_dropped.setdefault(change.table, at)
        elif change.action == "drop" and change.kind == "constraint":
            constraint_dropped.setdefault(change.name, at)
    for made in up.changes:
        if made.action != "create" or made.kind not in ("table", "constraint") or not made.references:
            continue
        child = made.table
        for parent in made.references:
            dropped = down.find("table", "drop", parent)
            if dropped is None or parent == child:
                continue
            releases = [
                at
                for at in (table_dropped.get(child), *_drops_of(made, constraint_dropped))
                if at is not None
            ]
            if releases and min(releases) > position[id(dropped)]:
                yield (
                    dropped.op,
                    (
                        f"Drops table `{parent}` before line {down.changes[min(releases)].op.span.line + 1} "
                        f"removes the foreign key from `{child}` that references it: PostgreSQL refuses "
                        '("cannot drop table ... because other objects depend on it"). Drop the referencing '
                        "side first."
                    ),
                )


def _drops_of(made: Change, constraint_dropped: dict[str | None, int]) -> Iterator[int | None]:
    """Where downgrade() drops the constraint `made` creates: by its name, or, created unnamed, by a
    name a naming convention gives it (indico drops `fk_editables_published_revision_id_revisions`)."""
    if made.kind != "constraint":
        return
    yield constraint_dropped.get(made.name)
    for name in conventional_names(made):
        yield constraint_dropped.get(name)


def _table_of(change: Change, up: _Side) -> str | None:
    """A downgrade change's table; a bare `drop_index('ix')` gets it from the upgrade's create_index."""
    if change.table is not None:
        return change.table
    if change.kind in ("index", "constraint"):
        made = up.find(change.kind, "create", change.name)
        return made.table if made is not None else None
    return None


class _Implied:
    """Upgrade changes undone implicitly: by dropping the table or column they belong to, or (an
    alteration) by defining the column anew."""

    def __init__(self, up: _Side, down: _Side, sql: _SqlFacts) -> None:
        created = {c.table for c in up.changes if c.kind == "table" and c.action == "create"}
        dropped = {c.table for c in down.changes if c.kind == "table" and c.action == "drop"}
        self.tables = created & dropped
        self.added: set[tuple[str | None, str | None]] = set()
        for change in up.changes:
            if change.kind == "column" and change.action == "create":
                self.added.add((change.table, change.name))
            elif change.kind == "rename_column" and (change.table, change.name) in self.added:
                self.added.add((change.table, change.new_name))
        # Columns upgrade() adds in SQL text (indico: `ADD COLUMN id SERIAL`, which no op can write).
        self.added.update(sql.added_columns)
        self.dropped = {(c.table, c.name) for c in down.changes if c.kind == "column" and c.action == "drop"}
        # Columns downgrade() drops and adds again: the new definition states the type, default and
        # nullability afresh (ckan 008 turns an id back into an Integer that way).
        readded = {(c.table, c.name) for c in down.changes if c.kind == "column" and c.action == "create"}
        self.redefined = self.dropped & readded

    def covers(self, change: Change) -> bool:
        if change.kind == "table" or change.kind == "rename_table":
            return False
        if change.table is not None and change.table in self.tables:
            return True
        if change.kind == "column":
            return False
        if change.kind == "alter" and (change.table, change.name) in self.redefined:
            return True
        keys = {(change.table, name) for name in (*change.column_names, *_condition_columns(change))}
        return bool(keys & self.added) and bool(keys & self.dropped)


def _condition_columns(change: Change) -> tuple[str, ...]:
    """The words of a check constraint's condition: PostgreSQL drops the constraint with any column it
    names, so dropping a column this revision added undoes the check too."""
    if change.op.name != "create_check_constraint":
        return ()
    condition = arg(change.op, "condition")
    return tuple(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", condition.source)) if condition is not None else ()


class _Excuses:
    """Downgrade changes that need no explicit counterpart in upgrade()."""

    def __init__(self, up: _Side) -> None:
        self.created_tables = {c.table for c in up.changes if c.kind == "table" and c.action == "create"}
        self.dropped_tables = {c.table for c in up.changes if c.kind == "table" and c.action == "drop"}
        self.dropped_column_tables = {
            c.table for c in up.changes if c.kind == "column" and c.action == "drop"
        }
        # Tables on which upgrade() creates indexes/constraints whose names the file does not say.
        self.implicit: set[str | None] = {c.table for c in up.changes if _declares_unnamed(c.op)}

    def covers(self, change: Change) -> bool:
        table = change.table
        if change.kind in ("index", "constraint"):
            if change.action == "drop":
                return table in self.implicit or (table is None and bool(self.implicit))
            # re-creating what went implicitly with a dropped table or column
            return table in self.dropped_tables or table in self.dropped_column_tables
        if change.kind in ("column", "alter", "rename_column"):
            return table in self.created_tables  # tidying a table that is dropped anyway
        return False


def _declares_unnamed(op: OpCall) -> bool:
    return _unnamed_declarations(op)


def _declaration_unnamed(op: OpCall) -> bool:
    if op.name == "create_table":
        return True
    if op.name in CONSTRAINT_CREATORS or op.name == "create_index":
        name = op.args[0] if op.args else op.kwarg("constraint_name") or op.kwarg("index_name")
        return name is None or (name.is_literal and name.value is None)
    column = added_column(op)
    if column is None:
        return False
    flags = ("unique", "index", "primary_key")
    return column.has_extra("ForeignKey") or any(
        (value := column.kwarg(flag)) is not None and value.value is True for flag in flags
    )


_unnamed_declarations = IdentityMemo(_declaration_unnamed)  # per op: asked on every keystroke


def _adopted_indexes(sql: _SqlFacts, down: _Side) -> set[str | None]:
    """Indexes upgrade()'s SQL makes a constraint (`ADD CONSTRAINT c UNIQUE USING INDEX i`, AM411's
    lock-safe form) whose constraint downgrade() drops: dropping it drops the index with it."""
    dropped = {c.name for c in down.changes if c.kind == "constraint" and c.action == "drop"}
    return {index for constraint, index in sql.constraints_using_index if constraint in dropped}


class _SqlFacts(NamedTuple):
    """What the rule reads of the SQL text upgrade() runs, besides each side's own SQL."""

    added_columns: frozenset[tuple[str | None, str | None]]  # ADD COLUMN
    constraints_using_index: tuple[tuple[str | None, str], ...]  # ADD CONSTRAINT c ... USING INDEX i

    @classmethod
    def of(cls, rev: RevisionFile) -> _SqlFacts:
        added = frozenset(
            (action.table, action.name)
            for parsed in parsed_sql(rev)
            if parsed.call.function == "upgrade"
            for action in parsed.actions
            if action.kind == "add_column"
        )
        using_index = tuple(
            (action.name, action.index)
            for _call, action in upgrade_sql_actions(rev)
            if action.kind == "add_constraint" and action.index
        )
        return cls(added, using_index)


class _Inputs(NamedTuple):
    """Everything the findings are read from besides the two sides' changes."""

    path: str
    downgrade_name: Span
    up_opaque: bool
    down_opaque: bool
    sql: _SqlFacts


def _settled_within(changes: list[Change], downgrade: list[Change], symmetric: set[int]) -> set[int]:
    """Changes upgrade() itself takes back, so the object is there before and after it: an index or
    constraint dropped and re-created under its name (a foreign key re-created with ON DELETE), or
    created and dropped again (a CHECK that only lets SET NOT NULL skip its scan), a
    table rebuilt under another name and renamed into place (privacyidea: create `eventcounter_new`,
    copy, drop `eventcounter`, rename), a column rebuilt the same way. What the rebuild changed
    inside is not judged — unless downgrade() handles that name itself (quay re-creates the index
    there without dropping the new one first, which fails): then the usual matching judges it."""
    handled = {(c.kind, c.name) for c in downgrade}
    settled = set(symmetric)  # (`_recreated_both_ways`)
    dropped: dict[tuple[str, str | None], Change] = {}
    scaffolding: dict[tuple[str, str | None], Change] = {}  # created by this upgrade, not yet dropped
    created_tables = {c.name: c for c in changes if c.kind == "table" and c.action == "create"}
    added_columns = {(c.table, c.name): c for c in changes if c.kind == "column" and c.action == "create"}
    dropped_columns: dict[tuple[str | None, str | None], Change] = {}
    for change in changes:
        key = (change.kind, change.name)
        if change.kind in ("index", "constraint") and change.action == "drop" and key in scaffolding:
            # Built and taken down again within upgrade() (the CHECK that lets SET NOT NULL skip
            # its scan): nothing is left for downgrade() to undo.
            if key not in handled:
                settled.update({id(change), id(scaffolding.pop(key))})
        elif change.kind in ("index", "constraint", "table") and change.action == "drop":
            dropped[key] = change
        elif change.kind in ("index", "constraint") and change.action == "create" and key in dropped:
            if key in handled:
                continue
            settled.update({id(change), id(dropped.pop(key))})
        elif change.kind in ("index", "constraint") and change.action == "create" and change.name:
            scaffolding[key] = change
        elif change.kind == "column" and change.action == "drop":
            dropped_columns[(change.table, change.name)] = change
        elif (
            change.kind == "rename_column"
            and (change.table, change.new_name) in dropped_columns
            and ("column", change.new_name) not in handled
        ):
            # A column rebuilt under a temporary name and renamed into place (dispatch e4b4991dddcd:
            # add `_assignee_id`, fill it, drop `assignee_id`, rename): the name is there before
            # and after.
            settled.update({id(change), id(dropped_columns.pop((change.table, change.new_name)))})
            rebuilt_column = added_columns.get((change.table, change.name))
            if rebuilt_column is not None:
                settled.add(id(rebuilt_column))
        elif change.kind == "rename_table" and ("table", change.new_name) in dropped:
            settled.update({id(change), id(dropped.pop(("table", change.new_name)))})
            rebuilt = created_tables.get(change.name)
            if rebuilt is not None:
                settled.add(id(rebuilt))
    return settled


def _recreated_both_ways(upgrade: list[Change], downgrade: list[Change]) -> set[int]:
    """A constraint or index both functions create under one name and neither drops: each re-creates
    it with other options (pepys-import's SQLite batches re-create foreign keys with and without
    ON DELETE), so each undoes the other."""

    def named(changes: list[Change], action: str) -> dict[tuple[str, str | None], list[Change]]:
        found: dict[tuple[str, str | None], list[Change]] = {}
        for change in changes:
            if change.kind in ("index", "constraint") and change.action == action and change.name:
                found.setdefault((change.kind, change.name), []).append(change)
        return found

    up_created, down_created = named(upgrade, "create"), named(downgrade, "create")
    dropped = named(upgrade, "drop").keys() | named(downgrade, "drop").keys()
    both = (up_created.keys() & down_created.keys()) - dropped
    return {id(c) for key in both for c in (*up_created[key], *down_created[key])}


def _created_by(up: _Side, drop: Change) -> Change | None:
    """The upgrade's create that `drop` undoes: by name; dropped unnamed (`drop_constraint(None,
    "case")`), the one unnamed create of that kind on the same table, none when several could be it
    (dispatch e4b4991dddcd: the foreign key *to* `case` is not the one *on* it)."""
    if drop.name is not None:
        return up.find(drop.kind, "create", drop.name)
    candidates = [
        c
        for c in up.changes
        if c.kind == drop.kind and c.action == "create" and c.name is None and c.table == drop.table
    ]
    return candidates[0] if len(candidates) == 1 else None


def _unnamed(change: Change) -> bool:
    """The table is not written as a literal (ckan loops `for table in ids: op.alter_column(table,
    ...)`): which object the change is about cannot be matched, so it is not judged."""
    if change.kind == "rename_table":
        return change.name is None or change.new_name is None
    return change.table is None


def _relaxes(change: Change) -> bool:
    """`nullable=True`: a downgrade that leaves the column nullable works (the next upgrade's
    `nullable=True` changes nothing), and restoring NOT NULL would fail on every row the new code
    wrote NULL (quay 49e1138ed12d); nor may the change have done anything (redash restates it beside
    type changes). Not asked back."""
    if change.kind != "alter" or change.action != "nullable":
        return False
    nullable = change.op.kwarg("nullable")
    return nullable is not None and nullable.value is True


def _reverse_phrase(change: Change) -> str:
    if change.kind == "alter":
        return f"restores {change.label}"
    if change.kind in ("rename_table", "rename_column"):
        return f"reverses {change.label}"
    if change.kind == "table_comment":
        return f"restores {change.label}"
    return f"{'drops' if change.action == 'create' else 're-creates'} {change.label}"


def _action_phrase(change: Change) -> str:
    if change.kind == "alter":
        return f"changes {change.label}"
    if change.kind in ("rename_table", "rename_column"):
        return f"does {change.label}"
    return f"{'creates' if change.action == 'create' else 'drops'} {change.label}"


def _head(op: OpCall) -> Span:
    return call_head_span(op.span, f"{op.receiver}.{op.name}")


def downgrade_name(rev: RevisionFile) -> Span:
    downgrade = rev.downgrade
    assert downgrade is not None
    return downgrade.name_span


def _derived_downgrade(rev: RevisionFile) -> Fix | None:
    try:
        plan_downgrade(rev)
    except FixRefused:
        return None
    # Unsafe: it replaces whatever the person wrote in downgrade(), including what it got right.
    return Fix("Replace downgrade() with the reverse of upgrade()", DeriveDowngrade(), safe=False)

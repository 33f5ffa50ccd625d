"""Operations as schema changes that a downgrade can be matched against (AM202).

Each op becomes one or more `Change`s — "creates index ix_a on t", "changes the type of t.c" — and
`undoes(up, down)` says whether a downgrade change reverses an upgrade change. Mirrors the pairs
of `alembic.operations.ops.*.reverse()`, but also for drops, whose reverse (re-creating the
object) cannot be derived from the file yet can still be recognised in a hand-written downgrade.
What an op creates or drops is read from `op_catalog`.

Why AM202 still matches op lists rather than comparing `schema_model` states (state before, then
upgrade, then downgrade, against the state before): tried over the dev corpus, the state round trip
flagged 56 of ~700 revisions where this matcher flags 22, agreeing on 13. Its extra alarms come
from what the model does not know yet — the names a database or a naming convention gives unnamed
constraints (`case_source_id_fkey`, `ck_Tasks_...`), and definitions re-created in another
spelling than the history's. The 9 it misses sit on tables the history leaves unknown (raw SQL
blurs them), where a state cannot say what an upgrade left behind.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from alembic_ls.analysis import naming_convention
from alembic_ls.analysis.identity_memo import IdentityMemo
from alembic_ls.analysis.op_args import (
    added_column,
    arg,
    column_name,
    name_text,
    strings,
    table_foreign_keys,
    table_of,
)
from alembic_ls.analysis.op_catalog import CREATES_OR_DROPS, OPERATIONS, Effect
from alembic_ls.analysis.revision_file import OpCall

ALTERED_ATTRIBUTES = ("nullable", "type_", "server_default", "comment")
_ATTRIBUTE_WORDS = {
    "nullable": "nullability",
    "type_": "type",
    "server_default": "server default",
    "comment": "comment",
}


# Built for every op of a revision a check reads (tens of thousands in a history): not frozen, whose
# __init__ cost seven times this one's; as immutable by convention, with the same equality and hash.
@dataclass(slots=True, unsafe_hash=True)
class Change:
    op: OpCall
    kind: str  # table, column, index, constraint, sequence, table_comment, rename_table, rename_column, alter
    action: str  # create, drop, rename, or (for kind "alter") the attribute that changes
    table: str | None
    name: str | None  # the column/index/constraint/sequence (for renames: the old name)
    new_name: str | None = None
    columns: tuple[str, ...] = ()  # what an index or constraint covers
    references: tuple[str, ...] = ()  # tables a created table or foreign key points at

    @property
    def label(self) -> str:
        """`column post.slug`, `index ix_post_slug`, `the type of post.title`."""
        if self.kind == "alter":
            return f"the {_ATTRIBUTE_WORDS[self.action]} of {self.table or '?'}.{self.name or '?'}"
        if self.kind == "column":
            return f"column {self.table or '?'}.{self.name or '?'}"
        if self.kind == "table_comment":
            return f"the comment on table {self.table or '?'}"
        if self.kind == "rename_table":
            return f"the rename of table {self.name or '?'} to {self.new_name or '?'}"
        if self.kind == "rename_column":
            return f"the rename of {self.table or '?'}.{self.name or '?'} to {self.new_name or '?'}"
        return f"{self.kind} {self.name or '?'}"

    @property
    def column_names(self) -> tuple[str, ...]:
        """The columns the change is about (before and after a rename)."""
        if self.kind in ("index", "constraint"):
            return self.columns
        if self.kind == "alter":
            return tuple(n for n in (self.name, _renamed_to(self)) if n)
        if self.kind in ("column", "rename_column"):
            return tuple(n for n in (self.name, self.new_name) if n)
        return ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every object name the change mentions, for finding it in hand-written SQL."""
        return tuple(n for n in (self.table, self.name, self.new_name, *self.columns) if n)


def describe(op: OpCall) -> tuple[Change, ...]:
    """The schema changes one op makes; () for ops that change no schema (execute, get_bind, ...)."""
    return _described(op)


def _describe(op: OpCall) -> tuple[Change, ...]:
    return tuple(_changes(op))


_described = IdentityMemo(_describe)


def _changes(op: OpCall) -> list[Change]:
    table = table_of(op)
    if op.name in CREATES_OR_DROPS:
        operation = OPERATIONS[op.name]
        action = "create" if operation.effect is Effect.CREATE else "drop"
        kind = operation.target.value
        return [Change(op, kind, action, table, _object_name(op, kind), None, *_coverage(op))]
    if op.name == "rename_table":
        old, new = arg(op, "old_table_name"), arg(op, "new_table_name")
        return [
            Change(op, "rename_table", "rename", None, old.text if old else None, new.text if new else None)
        ]
    if op.name == "alter_column":
        column = column_name(op)
        changes = [Change(op, "alter", attribute, table, column) for attribute in _altered(op)]
        new_name = op.kwarg("new_column_name")
        if new_name is not None:
            changes.append(Change(op, "rename_column", "rename", table, column, new_name.text))
        return changes
    return []


def _altered(op: OpCall) -> list[str]:
    found: list[str] = []
    for attribute in ALTERED_ATTRIBUTES:
        value = op.kwarg(attribute)
        # alembic's defaults: nullable/type_ None and server_default/comment False mean "unchanged"
        unchanged = None if attribute in ("nullable", "type_") else False
        if value is None or (value.is_literal and value.value is unchanged):
            continue
        found.append(attribute)
    return found


def _object_name(op: OpCall, kind: str) -> str | None:
    if kind == "table" or kind == "table_comment":
        return table_of(op)
    if kind == "column":
        return column_name(op)
    if kind == "index":
        return name_text(arg(op, "index_name"))
    if kind == "constraint":
        return name_text(arg(op, "constraint_name"))
    if kind == "sequence":
        sequence = arg(op, "sequence")
        if sequence is None:
            return None
        return sequence.call_args[0].text if sequence.call_args else sequence.text
    return None


def _coverage(op: OpCall) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(columns, referenced tables) of a created index, constraint or table."""
    if op.name == "create_index":
        return strings(arg(op, "columns")), ()
    if op.name == "create_foreign_key":
        referent = arg(op, "referent_table")
        return strings(arg(op, "local_cols")), (referent.text,) if referent and referent.text else ()
    if op.name in ("create_unique_constraint", "create_primary_key"):
        return strings(arg(op, "columns")), ()
    if op.name == "create_table":
        return (), table_foreign_keys(op)  # its columns go with the table; only references matter
    if op.name == "add_column":
        column = added_column(op)
        return (), column.foreign_tables() if column else ()
    return (), ()


def _same(a: str | None, b: str | None) -> bool:
    """Names match; an unknown (non-literal) name matches anything rather than cry wolf."""
    return a is None or b is None or a == b


def undoes(up: Change, down: Change) -> bool:
    """Does `down` (in downgrade()) reverse `up` (in upgrade())?"""
    if up.kind == "rename_table":
        return down.kind == "rename_table" and _same(down.name, up.new_name) and _same(down.new_name, up.name)
    if up.kind == "rename_column":
        return (
            down.kind == "rename_column"
            and _same(down.table, up.table)
            and _same(down.name, up.new_name)
            and _same(down.new_name, up.name)
        )
    if up.kind == "alter":
        return (
            down.kind == "alter"
            and down.action == up.action
            and _same(down.table, up.table)
            and (down.name in (up.name, _renamed_to(up)) or down.name is None or up.name is None)
        )
    if up.kind == "table_comment":  # a comment is undone by dropping it or restoring the old one
        return down.kind == "table_comment" and _same(up.table, down.table)
    if up.kind != down.kind or up.action == down.action:
        return False
    if up.kind in ("index", "constraint", "sequence"):
        return _same(_matchable(up), _matchable(down)) and (
            up.name is not None or _same(up.table, down.table)
        )
    return _same(up.table, down.table) and _same(up.name, down.name)


_CONVENTION_PREFIXES = frozenset(("ck", "uq", "fk", "pk", "ix"))


def _matchable(change: Change) -> str | None:
    """An index or constraint name as a naming convention leaves it comparable: under
    `ck_%(table_name)s_%(constraint_name)s` (indico), `op.create_check_constraint("positive_duration",
    "contributions", ...)` creates `ck_contributions_positive_duration`, which the downgrade drops."""
    name, table = change.name, change.table
    if name is None or table is None or change.kind not in ("index", "constraint"):
        return name
    # `{prefix}_{table}_{rest}` with a two-letter prefix, tested without building each candidate.
    end = 4 + len(table)
    if (
        len(name) > end
        and name[:2] in _CONVENTION_PREFIXES
        and name[2] == "_"
        and name[end - 1] == "_"
        and name.startswith(table, 3)
    ):
        return name[end:]
    return name


def conventional_names(change: Change) -> frozenset[str]:
    """The names a naming convention may give an index or constraint created with no name
    (`op.create_foreign_key(None, ...)`), for recognising the drop that names it. Empty for anything
    else: a name held in a variable is the one the object gets, whatever the convention."""
    prefix = naming_convention.PREFIXES.get(change.op.name)
    if prefix is None or change.action != "create" or change.table is None or change.name is not None:
        return frozenset()
    written = (
        change.op.args[0]
        if change.op.args
        else change.op.kwarg("constraint_name") or change.op.kwarg("index_name")
    )
    if written is not None and not (written.is_literal and written.value is None):
        return frozenset()
    referred = change.references[0] if change.references else None
    return naming_convention.conventional_names(prefix, change.table, change.columns, referred)


def _renamed_to(change: Change) -> str | None:
    new_name = change.op.kwarg("new_column_name")
    return new_name.text if new_name is not None else None


Key = tuple[str | None, ...]  # the names `undoes` compares, in a fixed order per kind


def _down_key(down: Change) -> Key:
    """The names `undoes` compares on the downgrade side (None: not a literal, matches anything)."""
    if down.kind in ("index", "constraint"):
        return (_matchable(down),)
    if down.kind in ("rename_table", "sequence"):
        return (down.name,)
    if down.kind == "table_comment":
        return (down.table,)
    return (down.table, down.name)


def _down_keys(down: Change) -> tuple[Key, ...]:
    return (_down_key(down),)


def _up_keys(up: Change) -> tuple[Key, ...]:
    """The keys (`_down_key`) a downgrade change may carry to undo `up`, None matching anything."""
    if up.kind == "rename_table":
        return ((up.new_name,),)
    if up.kind == "rename_column":
        return ((up.table, up.new_name),)
    if up.kind in ("index", "constraint"):
        return ((_matchable(up),),)
    if up.kind == "sequence":
        return ((up.name,),)
    if up.kind == "table_comment":
        return ((up.table,),)
    if up.kind == "alter" and up.name is not None:
        renamed = _renamed_to(up)
        if renamed is not None and renamed != up.name:
            return ((up.table, up.name), (up.table, renamed))
    return ((up.table, up.name),)


class ChangeIndex:
    """Changes of one side by kind and names, so `undoes` is asked only about candidates.

    `undoes` only ever pairs changes of the same kind whose names (the downgrade's `_down_key`,
    one of the upgrade's `_up_keys`) are equal where both are literals. A lookup returns every
    change that could pair (a superset: the caller still asks `undoes`), so matching a side of n
    changes against the other costs about n lookups instead of n² comparisons. Names that are not
    literals match anything: such changes are candidates for every lookup of their kind.
    """

    def __init__(self, changes: list[Change], keys: Callable[[Change], tuple[Key, ...]]) -> None:
        self._changes = changes
        self._keys = keys
        self._named: dict[tuple[str, Key], list[Change]] = {}
        self._unnamed: dict[str, list[Change]] = {}
        # Built per keystroke for every change of a side (thousands in a big revision): the common
        # case, one key of literal names, takes the short way.
        named, unnamed = self._named, self._unnamed
        for change in changes:
            own = keys(change)
            if len(own) == 1 and None not in own[0]:
                named.setdefault((change.kind, own[0]), []).append(change)
            elif any(None in key for key in own):
                unnamed.setdefault(change.kind, []).append(change)
            else:
                for key in dict.fromkeys(own):
                    named.setdefault((change.kind, key), []).append(change)

    def replaced(self, removed: list[Change], added: list[Change], changes: list[Change]) -> ChangeIndex:
        """The index of `changes`: these changes but `removed`, plus `added` (a keystroke replaced
        an op or two among a thousand). This index is left as it was: only the lists the two touch
        are copied. A lookup's candidates may come in another order than a new index would give
        them; every caller asks whether any of them pairs, or which."""
        index = ChangeIndex.__new__(ChangeIndex)
        index._changes = changes
        index._keys = self._keys
        index._named = dict(self._named)
        index._unnamed = dict(self._unnamed)
        copied_named: set[tuple[str, Key]] = set()
        copied_unnamed: set[str] = set()
        for change, adding in (*((c, False) for c in removed), *((c, True) for c in added)):
            own = self._keys(change)
            if any(None in key for key in own):
                if change.kind not in copied_unnamed:
                    copied_unnamed.add(change.kind)
                    index._unnamed[change.kind] = list(index._unnamed.get(change.kind, ()))
                _edited(index._unnamed[change.kind], change, adding)
                continue
            for key in dict.fromkeys(own):
                slot = (change.kind, key)
                if slot not in copied_named:
                    copied_named.add(slot)
                    index._named[slot] = list(index._named.get(slot, ()))
                _edited(index._named[slot], change, adding)
        return index

    @functools.cached_property
    def _all(self) -> dict[str, list[Change]]:
        """Every change by kind: the candidates for a lookup whose own names are not literals."""
        found: dict[str, list[Change]] = {}
        for change in self._changes:
            found.setdefault(change.kind, []).append(change)
        return found

    def candidates(self, kind: str, keys: tuple[Key, ...]) -> Sequence[Change]:
        if len(keys) == 1:  # all but a renaming alter_column: no generator, no copy when avoidable
            key = keys[0]
            if None in key:
                return self._all.get(kind, ())
            named = self._named.get((kind, key), ())
            unnamed = self._unnamed.get(kind)
            return [*named, *unnamed] if unnamed else named
        if any(None in key for key in keys):
            return self._all.get(kind, ())
        found = [change for key in dict.fromkeys(keys) for change in self._named.get((kind, key), ())]
        return found + self._unnamed.get(kind, [])


def _edited(found: list[Change], change: Change, adding: bool) -> None:
    if adding:
        found.append(change)
    else:
        found[:] = [other for other in found if other is not change]


def downgrade_index(down: list[Change]) -> ChangeIndex:
    """Downgrade changes, for finding what undoes an upgrade change: `undone(up, index)`."""
    return ChangeIndex(down, _down_keys)


def upgrade_index(up: list[Change]) -> ChangeIndex:
    """Upgrade changes, for finding what a downgrade change undoes: `undoes_any(index, down)`."""
    return ChangeIndex(up, _up_keys)


def undoing_candidates(up: Change, downgrade: ChangeIndex) -> Sequence[Change]:
    """The downgrade changes that may undo `up`: every `d` with `undoes(up, d)`, and others."""
    return downgrade.candidates(up.kind, _up_keys(up))


def undone_candidates(upgrade: ChangeIndex, down: Change) -> Sequence[Change]:
    """The upgrade changes `down` may undo: every `u` with `undoes(u, down)`, and others."""
    return upgrade.candidates(down.kind, (_down_key(down),))


def undone(up: Change, downgrade: ChangeIndex) -> bool:
    """`any(undoes(up, d) for d in downgrade changes)`, looking only at candidates."""
    # A plain loop: asked per change on every keystroke, and `any(<genexpr>)` costs twice as much.
    for down in undoing_candidates(up, downgrade):  # noqa: SIM110
        if undoes(up, down):
            return True
    return False


def undoes_any(upgrade: ChangeIndex, down: Change) -> bool:
    """`any(undoes(u, down) for u in upgrade changes)`, looking only at candidates."""
    for up in undone_candidates(upgrade, down):  # noqa: SIM110
        if undoes(up, down):
            return True
    return False

"""AM202's indexed matching finds exactly what comparing every pair finds.

AM202 used to compare every upgrade change with every downgrade change (and scan every later
downgrade change per drop), quadratic in the size of a revision. The indexes that replaced those
scans must not change a single answer: here the quadratic originals, kept as references, and the
rule's code judge random upgrade/downgrade pairs drawn from small name pools (so names collide,
and some are not literals, which match anything).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from alembic_ls.analysis.parser import parse_revision
from alembic_ls.analysis.reversal import (
    Change,
    ChangeIndex,
    _matchable,
    downgrade_index,
    undoes,
    undoes_any,
    undone,
    upgrade_index,
)
from alembic_ls.analysis.revision_file import OpCall
from alembic_ls.rules.am202_downgrade_mismatch import _order_problems, _Side, _table_of

TABLES = ("'a'", "'b'", "'c'", "name")  # `name`: not a literal
COLUMNS = ("'x'", "'y'", "'z'", "col")
OBJECTS = ("'ix_1'", "'ix_2'", "'fk_1'", "op.f('ix_1')", "None", "obj")


def _random_op(rng: random.Random) -> str:
    t, u = rng.choice(TABLES), rng.choice(TABLES)
    c, d = rng.choice(COLUMNS), rng.choice(COLUMNS)
    o = rng.choice(OBJECTS)
    return rng.choice(
        (
            f"op.create_table({t}, sa.Column({c}, sa.Integer()), sa.ForeignKeyConstraint([{d}], ['b.id']))",
            f"op.drop_table({t})",
            f"op.add_column({t}, sa.Column({c}, sa.Integer(), sa.ForeignKey('c.id')))",
            f"op.drop_column({t}, {c})",
            f"op.create_index({o}, {t}, [{c}, {d}])",
            f"op.drop_index({o}, table_name={t})",
            f"op.drop_index({o})",
            f"op.create_foreign_key({o}, {t}, {u}, [{c}], ['id'])",
            f"op.create_unique_constraint({o}, {t}, [{c}])",
            f"op.drop_constraint({o}, {t})",
            f"op.alter_column({t}, {c}, nullable=True, type_=sa.Text())",
            f"op.alter_column({t}, {c}, new_column_name={d}, server_default='1')",
            f"op.rename_table({t}, {u})",
            f"op.create_table_comment({t}, 'c')",
            f"op.drop_table_comment({t})",
            f"op.create_sequence(sa.Sequence({o}))",
            f"op.drop_sequence(sa.Sequence({o}))",
        )
    )


def _sides(seed: int, size: int) -> tuple[_Side, _Side]:
    rng = random.Random(seed)
    up = "\n".join(f"    {_random_op(rng)}" for _ in range(size))
    down = "\n".join(f"    {_random_op(rng)}" for _ in range(size))
    text = (
        "from alembic import op\nimport sqlalchemy as sa\n\nrevision = 'r1'\ndown_revision = None\n\n"
        f"def upgrade():\n{up}\n\n\ndef downgrade():\n{down}\n"
    )
    rev = parse_revision("/lab/r1.py", text)
    assert rev.parse_error is None
    return _Side(rev, "upgrade"), _Side(rev, "downgrade")


# -- the quadratic originals ---------------------------------------------------------------------


def _find_by_scan(side: _Side, kind: str, action: str, name: str | None) -> Change | None:
    return next((c for c in side.changes if c.kind == kind and c.action == action and c.name == name), None)


def _created_by_scan(up: _Side, drop: Change) -> Change | None:
    """A drop names its create; an unnamed drop undoes the one unnamed create on its table, if one."""
    if drop.name is not None:
        return _find_by_scan(up, drop.kind, "create", drop.name)
    same = [
        c
        for c in up.changes
        if (c.kind, c.action, c.name, c.table) == (drop.kind, "create", None, drop.table)
    ]
    return same[0] if len(same) == 1 else None


def _order_problems_by_scan(up: _Side, down: _Side) -> Iterator[tuple[OpCall, str]]:
    changes = down.changes
    for position, change in enumerate(changes):
        if change.kind == "table" and change.action == "drop" and change.table:
            for later in changes[position + 1 :]:
                if later.kind == "table" and later.table == change.table:
                    break
                if later.kind != "table" and _table_of(later, up) == change.table:
                    yield later.op, f"table {change.op.span.line}"
        if change.kind == "column" and change.action == "drop":
            for later in changes[position + 1 :]:
                if later.kind not in ("index", "constraint") or later.action != "drop":
                    continue
                made = _created_by_scan(up, later)
                if made is not None and made.table == change.table and change.name in made.columns:
                    yield later.op, f"column {change.op.span.line}"
    for made in up.changes:
        if made.action != "create" or made.kind not in ("table", "constraint") or not made.references:
            continue
        for parent in made.references:
            dropped = _find_by_scan(down, "table", "drop", parent)
            if dropped is None or parent == made.table:
                continue
            releases = [
                i
                for i, c in enumerate(changes)
                if (c.kind == "table" and c.action == "drop" and c.table == made.table)
                or (
                    made.kind == "constraint"
                    and c.kind == "constraint"
                    and c.action == "drop"
                    and c.name == made.name
                )
            ]
            if releases and min(releases) > changes.index(dropped):
                yield dropped.op, f"fk {changes[min(releases)].op.span.line}"


# -- the comparisons ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(60))
def test_indexed_matching_answers_as_comparing_every_pair(seed: int) -> None:
    up, down = _sides(seed, size=12 + seed % 25)
    undoing, undone_by = downgrade_index(down.changes), upgrade_index(up.changes)
    assert up.changes and down.changes
    for change in up.changes:
        assert undone(change, undoing) == any(undoes(change, d) for d in down.changes), change
    for change in down.changes:
        assert undoes_any(undone_by, change) == any(undoes(u, change) for u in up.changes), change
    for side in (up, down):
        for change in side.changes:
            assert side.find(change.kind, change.action, change.name) is _find_by_scan(
                side, change.kind, change.action, change.name
            )


def _answers(index: ChangeIndex, upgrade_side: bool, probes: list[Change]) -> list[bool]:
    """What AM202 asks of an index: what a downgrade change undoes, or what undoes an upgrade one."""
    if upgrade_side:
        return [undoes_any(index, probe) for probe in probes]
    return [undone(probe, index) for probe in probes]


@pytest.mark.parametrize("seed", range(40))
def test_an_index_patched_after_a_keystroke_answers_as_one_built_anew(seed: int) -> None:
    # A keystroke replaces a few ops of a side; AM202 patches that side's index from the last one
    # (ChangeIndex.replaced) instead of building it again.
    rng = random.Random(seed)
    side, other = _sides(seed, size=12 + seed % 25)
    newcomer, _ = _sides(seed + 500, size=8)
    changes = list(side.changes)
    removed = rng.sample(changes, k=min(len(changes), rng.randint(1, 4)))
    added = rng.sample(list(newcomer.changes), k=min(len(newcomer.changes), rng.randint(0, 4)))
    kept = [c for c in changes if c not in removed] + added
    probes = [*other.changes, *newcomer.changes, *changes]
    for build, upgrade_side in ((upgrade_index, True), (downgrade_index, False)):
        original = build(changes)
        before = _answers(original, upgrade_side, probes)
        patched = original.replaced(removed, added, kept)
        assert _answers(patched, upgrade_side, probes) == _answers(build(kept), upgrade_side, probes)
        assert _answers(original, upgrade_side, probes) == before  # left as it was


@pytest.mark.parametrize("seed", range(60))
def test_indexed_order_problems_are_those_every_later_change_gives(seed: int) -> None:
    up, down = _sides(1000 + seed, size=12 + seed % 25)
    found = [(op.span, message) for op, message in _order_problems(up, down)]
    expected = [(op.span, kind) for op, kind in _order_problems_by_scan(up, down)]
    assert [span for span, _ in found] == [span for span, _ in expected]
    # The same reason, pointing at the same line, in the same order.
    for (_span, message), (_same_span, reason) in zip(found, expected, strict=True):
        kind, line = reason.split()
        assert str(int(line) + 1) in message
        assert {"table": "dropped table", "column": "dropped column", "fk": "Drops table"}[kind] in message


def test_the_random_revisions_exercise_every_order_problem() -> None:
    """The comparison above means something only if the random pairs hit each kind of problem."""
    kinds = {
        reason.split()[0]
        for seed in range(60)
        for _op, reason in _order_problems_by_scan(*_sides(1000 + seed, size=12 + seed % 25))
    }
    assert kinds == {"table", "column", "fk"}


def _matchable_by_building_each_prefix(name: str, table: str) -> str:
    """The reference: try `{prefix}_{table}_` for each convention prefix."""
    for prefix in ("ck", "uq", "fk", "pk", "ix"):
        full = f"{prefix}_{table}_"
        if name.startswith(full) and len(name) > len(full):
            return name[len(full) :]
    return name


def test_names_are_made_comparable_as_building_each_prefix_would() -> None:
    rng = random.Random(7)
    parts = ("ck", "uq", "fk", "pk", "ix", "_", "t", "tt", "a", "x_", "")
    op = parse_revision("v.py", "def upgrade():\n    op.create_index('i', 't', ['c'])\n").ops[0]
    for _ in range(20_000):
        table = rng.choice(("t", "tt", "a_b", "", "ck"))
        name = "".join(rng.choice(parts) for _ in range(rng.randrange(6)))
        change = Change(op, rng.choice(("index", "constraint")), "create", table, name)
        assert _matchable(change) == _matchable_by_building_each_prefix(name, table), (name, table)

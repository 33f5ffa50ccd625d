"""AM202 keeps one function's changes, index and answers while its ops are the very same objects
(typing in upgrade() leaves downgrade()'s ops in place), whatever other files are checked in
between; what it finds must equal a fresh check."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from alembic_ls.analysis import reversal
from alembic_ls.analysis.index import IndexCache
from alembic_ls.analysis.revision_file import OpCall
from alembic_ls.rules import am202_downgrade_mismatch
from alembic_ls.workspace.state import Folder, WorkspaceState
from tests.conftest import FileLab, revision_source

TABLES = ("a", "b", "c")
NAMES = ("x", "y", "ix_1", "fk_1")


def _ops(rng: random.Random, reverse: bool, count: tuple[int, int] = (3, 9)) -> list[str]:
    lines = []
    for _ in range(rng.randrange(*count)):
        table, name = rng.choice(TABLES), rng.choice(NAMES)
        lines.append(
            rng.choice(
                (
                    f"    op.add_column('{table}', sa.Column('{name}', sa.Integer(), nullable=True))",
                    f"    op.drop_column('{table}', '{name}')",
                    f"    op.create_index('{name}', '{table}', ['{name}'])",
                    f"    op.drop_index('{name}', table_name='{table}')",
                    f"    op.create_table('{table}', sa.Column('{name}', sa.Integer()))",
                    f"    op.drop_table('{table}')",
                    f"    op.alter_column('{table}', '{name}', nullable={rng.choice(('True', 'False'))})",
                    # names that are not literals: candidates for every lookup of their kind
                    f"    op.drop_column('{table}', names['{name}'])",
                    f"    op.create_index(names['{name}'], '{table}', ['{name}'])",
                )
            )
        )
    return lines


def _am202(findings: list) -> list[tuple[int, int, str]]:  # type: ignore[type-arg]
    return sorted((f.span.line, f.span.col, f.message) for f in findings if f.code == "AM202")


def _typed_and_fresh(tmp_path: Path) -> tuple[Path, FileLab]:
    """The project a document is typed in (its versions folder still empty), and a lab that checks
    each version afresh in a project of its own with the same configuration."""
    root = tmp_path / "typed"
    lab = FileLab(tmp_path / "fresh")
    lab.check(revision_source("a1", None))  # writes the fresh project's files
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "alembic.ini").write_text((lab.root / "alembic.ini").read_text())
    return root, lab


# Small functions, and longer ones.
@pytest.mark.parametrize(
    ("seed", "count"), [(202, (3, 9)), (203, (3, 9)), (1, (12, 30)), (2, (12, 30)), (3, (20, 40))]
)
def test_typing_in_one_function_then_the_other_finds_what_a_fresh_check_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, count: tuple[int, int]
) -> None:
    built: list[object] = []
    real_init = am202_downgrade_mismatch._Changes.__init__

    def counting_init(self: am202_downgrade_mismatch._Changes, ops: tuple[OpCall, ...], *rest: Any) -> None:
        built.append(self)
        real_init(self, ops, *rest)

    monkeypatch.setattr(am202_downgrade_mismatch._Changes, "__init__", counting_init)
    kept_answers: list[int] = []
    real_keep = am202_downgrade_mismatch._Changes.keep_answers

    def counting_keep(self: am202_downgrade_mismatch._Changes, *args: object, **kwargs: object) -> None:
        real_keep(self, *args, **kwargs)  # type: ignore[arg-type]
        kept_answers.append(len(self._undoing) + len(self._undone))

    monkeypatch.setattr(am202_downgrade_mismatch._Changes, "keep_answers", counting_keep)
    rng = random.Random(seed)
    root, lab = _typed_and_fresh(tmp_path)
    up, down = _ops(rng, False, count), _ops(rng, True, count)
    path = root / "migrations" / "versions" / lab.name
    path.write_text(revision_source("a1", None, upgrade="\n".join(up), downgrade="\n".join(down)))
    state = WorkspaceState(IndexCache(None))
    state.load([Folder(None, root)])
    typed_builds, found_any = 0, False
    for version in range(2, 80):
        side = up if rng.random() < 0.5 else down
        at = rng.randrange(len(side))
        if rng.random() < 0.7:  # a keystroke in a name
            quote = side[at].index("'") + 1
            side[at] = side[at][:quote] + rng.choice("xyz_") + side[at][quote:]
        else:  # a line replaced
            side[at] = _ops(rng, side is down)[0]
        text = revision_source("a1", None, upgrade="\n".join(up), downgrade="\n".join(down))
        before = len(built)
        outcome = state.analyse_document(str(path.resolve()), version, text)
        typed_builds += len(built) - before
        assert outcome is not None and outcome.findings is not None
        typed = _am202(outcome.findings)
        # Another file checked between two keystrokes (as the files an edit affects are) builds
        # its own and leaves the typed document's.
        assert typed == _am202(lab.check(text)), f"version {version}"
        found_any = found_any or bool(typed)
    assert found_any  # the edits made downgrade() miss something now and then
    assert typed_builds < 1.2 * 78  # mostly one side rebuilt per keystroke, not both
    assert sum(kept_answers) > 0  # a rebuilt side kept the answers its edit could not change


@pytest.mark.parametrize("seed", [2, 4, 7, 9])
def test_keystrokes_find_what_a_fresh_check_finds_when_the_described_ops_are_forgotten(
    tmp_path: Path, seed: int
) -> None:
    """The changes an op makes are remembered in a bounded table (`reversal.describe`), cleared when
    full, for instance by the files a check reads between two keystrokes: an op left in place then
    gets equal Change objects, not the same ones. The edited side's index, patched from the last
    version's, holds the old ones: they must be the ones the side's changes are made of (they were
    copies, and a change a keystroke replaced stayed in the index: downgrade() found undoing what
    it no longer did)."""
    rng = random.Random(seed)
    root, lab = _typed_and_fresh(tmp_path)
    up, down = _ops(rng, False, (12, 30)), _ops(rng, True, (12, 30))
    path = root / "migrations" / "versions" / lab.name
    path.write_text(revision_source("a1", None, upgrade="\n".join(up), downgrade="\n".join(down)))
    state = WorkspaceState(IndexCache(None))
    state.load([Folder(None, root)])
    for version in range(2, 60):
        side = up if rng.random() < 0.5 else down
        side[rng.randrange(len(side))] = _ops(rng, side is down)[0]
        text = revision_source("a1", None, upgrade="\n".join(up), downgrade="\n".join(down))
        reversal._described._results.clear()
        outcome = state.analyse_document(str(path.resolve()), version, text)
        assert outcome is not None and outcome.findings is not None
        assert _am202(outcome.findings) == _am202(lab.check(text)), f"version {version}"


# The last line of each function, toggled by a keystroke that leaves every op in place: what the
# findings are read from besides the ops (SQL text upgrade() runs, statements that are no op).
_SLOT_LINES = (
    "    pass",
    "    helper()",  # unrecognised: the function may do anything
    "    connection.execute(sa.text('ALTER TABLE a ADD COLUMN x integer'))",
    "    connection.execute(sa.text('ALTER TABLE b ADD CONSTRAINT fk_1 UNIQUE USING INDEX ix_1'))",
)


@pytest.mark.parametrize("seed", [7, 8, 9, 10])
def test_keystrokes_that_leave_every_op_in_place_find_what_a_fresh_check_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """The findings are kept while both sides' ops are the very same objects and nothing else they
    read changed (comments typed, a statement that is no op, SQL text) — and only then."""
    matched: list[int] = []
    real_missing = am202_downgrade_mismatch.DowngradeMismatch._missing

    def counting_missing(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        matched.append(1)
        return real_missing(self, *args, **kwargs)

    monkeypatch.setattr(am202_downgrade_mismatch.DowngradeMismatch, "_missing", counting_missing)
    rng = random.Random(seed)
    root, lab = _typed_and_fresh(tmp_path)
    # A comment between two ops (one above the first statement would not be typed incrementally).
    up = [*_ops(rng, False, (1, 2)), "    # why", *_ops(rng, False), _SLOT_LINES[0]]
    down = [*_ops(rng, True, (1, 2)), "    # why", *_ops(rng, True), _SLOT_LINES[0]]
    path = root / "migrations" / "versions" / lab.name
    state = WorkspaceState(IndexCache(None))
    state.load([Folder(None, root)])
    quiet = 0
    for version in range(2, 70):
        side = up if rng.random() < 0.5 else down
        roll = rng.random()
        if roll < 0.35:  # typing in the comment
            side[1] += rng.choice("abc ")
            quiet += 1
        elif roll < 0.7:  # the last statement becomes another that is no op
            side[-1] = rng.choice(_SLOT_LINES)
            quiet += 1
        else:  # an op replaced
            side[rng.choice([0, *range(2, len(side) - 1)])] = _ops(rng, side is down)[0]
        text = revision_source("a1", None, upgrade="\n".join(up), downgrade="\n".join(down))
        outcome = state.analyse_document(str(path.resolve()), version, text)
        assert outcome is not None and outcome.findings is not None
        assert _am202(outcome.findings) == _am202(lab.check(text)), f"version {version}"
    typed_checks = len(matched) - (70 - 2)  # lab.check matched every version afresh
    assert typed_checks < 70 - 2 - quiet / 2  # the quiet keystrokes mostly kept the findings

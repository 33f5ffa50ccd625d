"""AM307 non-linear-history: with `linear = true`, every merge revision and branch point is reported,
and the user's own child of a branch point gets the rebase onto the other line's tip."""

from __future__ import annotations

import ast
from pathlib import Path

from alembic_ls.analysis.parser import parse_revision
from alembic_ls.fixes import apply_edits, build_edits
from alembic_ls.settings import Settings

LINEAR = Settings(linear=True)


def newer(path: Path) -> None:
    path.write_text(path.read_text().replace("Create Date: 2024-01-01", "Create Date: 2024-06-01"))


def by_file(history, settings: Settings = LINEAR) -> dict[str, list]:
    found: dict[str, list] = {}
    for finding in history.findings(settings, codes=["AM307"]):
        found.setdefault(Path(finding.path).name.split("_")[0], []).append(finding)
    return found


def test_quiet_unless_linear_is_set(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1"), ("c3", "a1"))
    assert history.findings(codes=["AM307"]) == []


def test_quiet_on_a_straight_line(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1"), ("c3", "b2"))
    assert by_file(history) == {}


def test_branch_point_children_and_a_merge_are_reported(write_history) -> None:
    history = write_history(
        ("a1", None),
        ("b2", "a1"),
        ("c3", "a1"),
        ("m4", ("b2", "c3"), {"upgrade": "    pass", "downgrade": "    pass"}),
    )
    found = by_file(history)
    assert sorted(found) == ["b2", "c3", "m4"]
    assert "Branch point: a1 also has c3 after it" in found["b2"][0].message
    assert "Merge revision: m4 joins b2, c3" in found["m4"][0].message
    # The lines meet again in m4: rebasing either child onto the other's tip would loop.
    assert all(f.fix is None for per_file in found.values() for f in per_file)
    down_line = next(i for i, t in enumerate(history.files["m4"].read_text().splitlines()) if "down_rev" in t)
    assert found["m4"][0].span.line == down_line


def test_own_child_is_rebased_onto_the_tip_of_the_other_line(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1"), ("b3", "b2"), ("c3", "a1"), ("c4", "c3"))
    newer(history.files["c3"])
    found = by_file(history)
    assert found["b2"][0].fix is None
    fix = found["c3"][0].fix
    assert fix is not None and fix.kind == "rebase" and not fix.safe
    assert fix.params["onto"] == "b3"  # the tip of b2's line, not b2: c3's line follows it whole
    assert "rebase it onto b3" in found["c3"][0].message
    path = history.files["c3"]
    text = path.read_text()
    fixed = apply_edits(text, build_edits(str(path), text, fix.kind, fix.params))
    ast.parse(fixed)
    assert parse_revision(str(path), fixed).down_revision.values == ("b3",)
    path.write_text(fixed)
    assert history.index().graph.heads == ("c4",)
    assert by_file(history) == {}
    assert history.findings(LINEAR, codes=["AM301", "AM306"]) == []


def test_ignored_like_any_rule(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1"), ("c3", "a1"))
    assert by_file(history, Settings(linear=True, ignore=("AM307",))) == {}
    assert sorted(by_file(history, Settings(select=("AM307",)))) == ["b2", "c3"]

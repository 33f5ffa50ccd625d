"""Fix recipes are typed values: what a rule builds is what comes back from the client, and a payload
that does not fit its recipe is refused before any edit is built (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alembic_ls.fixes import RECIPES, FixRefused
from alembic_ls.fixes.headers import ReplaceText
from alembic_ls.fixes.nullable_first import NullableFirst
from alembic_ls.fixes.recipe import from_wire
from alembic_ls.settings import Settings
from alembic_ls.workspace_check import run_check

DEMO = Path(__file__).resolve().parents[2] / "examples" / "blog"


def test_every_fix_the_demo_offers_survives_the_trip_through_json() -> None:
    result = run_check([DEMO], Settings(), fix=False, use_cache=False)
    fixes = [f.fix for f in result.findings if f.fix is not None]
    assert fixes
    for fix in fixes:
        wire = json.loads(json.dumps({"kind": fix.kind, "params": fix.params}))
        assert from_wire(wire["kind"], wire["params"]) == fix.recipe


def test_recipes_with_tuples_come_back_as_tuples() -> None:
    recipe = ReplaceText(3, 1, 9, "abc", "abd", ({"line": 1, "col": 11, "end_col": 14},))
    assert from_wire("replace-text", json.loads(json.dumps(recipe.params()))) == recipe


def test_every_recipe_kind_is_registered_once() -> None:
    assert {cls.kind for cls in RECIPES.values()} == set(RECIPES)
    assert {"derive-downgrade", "nullable-first", "command", "suppress-line"} <= set(RECIPES)


@pytest.mark.parametrize(
    ("kind", "params", "refusal"),
    [
        ("teleport", {}, "unknown fix 'teleport'"),
        ("nullable-first", {"line": 3}, "missing `column`"),
        ("nullable-first", {"line": "3", "column": "c"}, "nullable-first.line is '3'"),
        ("nullable-first", {"line": True, "column": "c"}, "nullable-first.line is True"),
        ("nullable-first", {"line": 3, "column": "c", "dialect": 5}, "nullable-first.dialect is 5"),
        ("replace-text", {"line": 0, "col": 0, "end_col": 1, "old": "a", "new": "b", "also": [3]}, "also"),
        ("nullable-first", [1, 2], "not an object"),
    ],
)
def test_a_payload_that_does_not_fit_is_refused(kind: str, params: object, refusal: str) -> None:
    with pytest.raises(FixRefused, match=refusal.replace("(", r"\(")):
        from_wire(kind, params)


def test_optional_fields_may_be_left_out() -> None:
    assert from_wire("nullable-first", {"line": 3, "column": "c"}) == NullableFirst(3, "c", None)

"""AM102 on real histories: an empty revision others build on is not a leftover to delete (dispatch's
"Initial core revision", neutron's branch starts and milestone no-ops, quay's removed backfill)."""

from __future__ import annotations

from pathlib import Path

EMPTY = "    pass"


def _am102(history) -> dict[str, str]:
    return {Path(f.path).name: f.message for f in history.findings(codes=["AM102"])}


def test_an_empty_base_with_children_is_the_start_of_the_history(write_history) -> None:
    history = write_history(("a1", None, {"upgrade": EMPTY, "downgrade": EMPTY}), ("b2", "a1"))
    assert _am102(history) == {}


def test_an_empty_labelled_branch_root_is_quiet(write_history) -> None:
    history = write_history(
        ("a1", None),
        ("c1", "a1", {"upgrade": EMPTY, "downgrade": EMPTY, "labels": "contract"}),
        ("c2", "c1"),
        ("e1", "a1", {"labels": "expand"}),
    )
    assert _am102(history) == {}


def test_an_empty_revision_whose_body_says_why_is_quiet(write_history) -> None:
    why = "    # since the model moved, this is a no-op kept so databases that ran it still resolve\n    pass"
    history = write_history(("a1", None), ("b2", "a1", {"upgrade": why, "downgrade": EMPTY}), ("c3", "b2"))
    assert _am102(history) == {}


def test_an_empty_revision_in_the_middle_is_not_to_be_deleted(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1", {"upgrade": EMPTY, "downgrade": EMPTY}), ("c3", "b2"))
    message = _am102(history)["b2_change.py"]
    assert "Later revisions build on it, so keep it" in message
    assert "Delete it" not in message


def test_an_empty_new_head_is_still_a_leftover(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1", {"upgrade": EMPTY, "downgrade": EMPTY}))
    assert "Delete it, change the models" in _am102(history)["b2_change.py"]

"""AM306's fix writes the header lines in Alembic's form: `Revises: <id>`, and `Revises: ` for a base."""

from __future__ import annotations

from collections.abc import Callable

import pytest


@pytest.mark.parametrize("empty", ["Revises:", "Revises: ", "Revises:   "])
def test_an_empty_revises_is_filled_after_one_space(
    lab, make_revision: Callable[..., str], empty: str
) -> None:
    text = make_revision("b2", "a1").replace("Revises: a1\n", f"{empty}\n")
    fixed = lab.fix_clears(text, "AM306")
    assert fixed == make_revision("b2", "a1")  # `Revises: a1`, as script.py.mako writes it


def test_an_id_replaced_by_nothing_keeps_alembics_form(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", None, revises="679e695af6ba")
    fixed = lab.fix_clears(text, "AM306")
    assert "\nRevises: \n" in fixed  # label, one space, nothing: what Alembic writes for a base
    assert fixed == make_revision("b2", None)


def test_a_revision_id_without_its_space_is_rewritten_in_alembics_form(
    lab, make_revision: Callable[..., str]
) -> None:
    text = make_revision("b2", "a1").replace("Revision ID: b2\n", "Revision ID:old9\n")
    fixed = lab.fix_clears(text, "AM306")
    assert fixed == make_revision("b2", "a1")


def test_only_the_wrong_line_changes(lab, make_revision: Callable[..., str]) -> None:
    merge = make_revision("m1", ("a1", "b2"), revises="b2, a1")  # another order: not a mismatch
    text = merge.replace("Revision ID: m1\n", "Revision ID: old9\n")
    fixed = lab.apply(text, lab.one(text, "AM306"))
    assert fixed == merge


def test_a_crlf_file_keeps_its_line_breaks(lab, make_revision: Callable[..., str]) -> None:
    text = make_revision("b2", "a1").replace("Revises: a1\n", "Revises:\n").replace("\n", "\r\n")
    fixed = lab.apply(text, lab.one(text, "AM306"))
    assert fixed == make_revision("b2", "a1").replace("\n", "\r\n")

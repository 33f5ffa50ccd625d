"""Setting the baseline in pyproject.toml's text: everything else stays byte for byte."""

from __future__ import annotations

import pytest

from alembic_ls.adoption.pyproject_edit import EditRefused, set_baseline

TEAM = """\
# The team's pyproject: comments, order and spacing are theirs.
[project]
name = "shop"   # keep me
description = \"\"\"
[tool.alembic-ls]
baseline = "not a table: text in a string"
\"\"\"

[tool.alembic-ls]
# rules we agreed on
select = ["ALL"]
baseline = "3c4d"  # legacy
ignore = [
    "AM103",  # why: data fixes
]

# ruff's, below
[tool.ruff]
line-length = 100
"""


def test_no_file_yet() -> None:
    assert set_baseline(None, ["ab12"]) == '[tool.alembic-ls]\nbaseline = ["ab12"]\n'
    assert set_baseline(None, {"a/migrations": ["ab12", "cd34"]}) == (
        '[tool.alembic-ls.baseline]\n"a/migrations" = ["ab12", "cd34"]\n'
    )


def test_an_existing_baseline_is_replaced_in_place() -> None:
    assert set_baseline(TEAM, ["ab12", "cd34"]) == TEAM.replace(
        'baseline = "3c4d"  # legacy\n', 'baseline = ["ab12", "cd34"]\n'
    )


def test_a_table_goes_after_the_tables_pairs() -> None:
    expected = TEAM.replace('baseline = "3c4d"  # legacy\n', "").replace(
        "]\n\n# ruff's", ']\n\n[tool.alembic-ls.baseline]\n"a/m" = ["ab12"]\n"b/m" = ["cd34"]\n\n# ruff\'s'
    )
    assert set_baseline(TEAM, {"a/m": ["ab12"], "b/m": ["cd34"]}) == expected


def test_a_table_replaces_a_table_and_back() -> None:
    before = (
        '[tool.alembic-ls.baseline]\n"a/m" = "x"\n"b/m" = [\n  "y",\n]\n# about ruff\n\n[tool.ruff]\nx = 1\n'
    )
    assert set_baseline(before, {"a/m": ["z"]}) == (
        '[tool.alembic-ls.baseline]\n"a/m" = ["z"]\n# about ruff\n\n[tool.ruff]\nx = 1\n'
    )
    assert set_baseline(before, ["z"]) == (
        '[tool.alembic-ls]\nbaseline = ["z"]\n# about ruff\n\n[tool.ruff]\nx = 1\n'
    )


def test_no_table_yet_appends_one() -> None:
    assert set_baseline('[project]\nname = "x"\n', ["ab12"]) == (
        '[project]\nname = "x"\n\n[tool.alembic-ls]\nbaseline = ["ab12"]\n'
    )
    # A file without a final newline gets one before what follows it.
    assert set_baseline('[project]\nname = "x"', ["ab12"]) == (
        '[project]\nname = "x"\n\n[tool.alembic-ls]\nbaseline = ["ab12"]\n'
    )
    # Only a sub-table so far: [tool.alembic-ls] may still be declared after it.
    assert set_baseline('[tool.alembic-ls.severity]\nAM104 = "error"\n', ["ab12"]) == (
        '[tool.alembic-ls.severity]\nAM104 = "error"\n\n[tool.alembic-ls]\nbaseline = ["ab12"]\n'
    )


def test_windows_line_endings_are_kept() -> None:
    before = '[tool.alembic-ls]\r\nselect = ["ALL"]\r\n'
    assert (
        set_baseline(before, ["ab12"]) == '[tool.alembic-ls]\r\nselect = ["ALL"]\r\nbaseline = ["ab12"]\r\n'
    )


def test_keys_are_quoted_as_toml_strings() -> None:
    text = set_baseline(None, {'we"ird\\path': ["ab12"]})
    assert text == '[tool.alembic-ls.baseline]\n"we\\"ird\\\\path" = ["ab12"]\n'


def test_a_layout_with_no_safe_place_is_refused() -> None:
    with pytest.raises(EditRefused, match="set it by hand"):
        set_baseline('[tool]\nalembic-ls.select = ["AM1"]\n', ["ab12"])
    with pytest.raises(EditRefused, match="set it by hand"):
        set_baseline('tool = {alembic-ls = {select = ["AM1"]}}\n', ["ab12"])
    with pytest.raises(EditRefused, match="cannot read TOML"):
        set_baseline("[tool.alembic-ls\n", ["ab12"])

"""A mistyped rule code is a configuration error (exit 2) naming the code and the closest real one,
on the command line and in pyproject.toml — never a warning followed by "All checks passed"."""

from __future__ import annotations

import pytest
from test_cli_errors import alembic_ls


@pytest.mark.parametrize("flag", ["--select", "--ignore"])
def test_a_mistyped_code_on_the_command_line_is_a_usage_error(write_history, flag: str) -> None:
    history = write_history(("a1", None))
    run = alembic_ls("check", flag, "AM1,AM2O1", cwd=history.root)  # letter O, not zero
    assert run.returncode == 2
    assert f"argument {flag}: unknown rule code `AM2O1`; did you mean `AM201`?" in run.stderr
    assert run.stdout == ""  # no check ran: nothing passed


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('select = ["AM2O1"]', "unknown rule code `AM2O1` in `select`; did you mean `AM201`?"),
        ('ignore = ["AM1", "am1O4"]', "unknown rule code `AM1O4` in `ignore`; did you mean `AM104`?"),
        ('severity = {AM2O1 = "error"}', "unknown rule code `AM2O1` in `severity`; did you mean `AM201`?"),
        (
            'severity = {AM1 = "error"}',
            "`severity` takes whole rule codes (one entry per rule), not the prefix `AM1`",
        ),
        ('select = ["XX1"]', "unknown rule code `XX1` in `select` (`alembic-ls rules` lists them)"),
    ],
)
def test_a_mistyped_code_in_pyproject_is_a_configuration_error(
    write_history, table: str, expected: str
) -> None:
    history = write_history(("a1", None), ("b2", "a1"))
    (history.root / "pyproject.toml").write_text(f"[tool.alembic-ls]\n{table}\n")
    run = alembic_ls("check", cwd=history.root)
    assert run.returncode == 2
    assert f"alembic-ls: error: {history.root / 'pyproject.toml'} [tool.alembic-ls]: {expected}" in run.stderr
    assert "All checks passed" not in run.stdout and run.stdout == ""


@pytest.mark.parametrize("codes", ["AM2", "AM", "ALL", "AM201,AM104", "am2"])
def test_prefixes_and_whole_codes_stay_valid(write_history, codes: str) -> None:
    history = write_history(("a1", None), ("b2", "a1"))
    (history.root / "pyproject.toml").write_text(f"[tool.alembic-ls]\nignore = {codes.split(',')!r}\n")
    run = alembic_ls("check", "--select", codes, cwd=history.root)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "All checks passed (2 revision files)."


def test_one_project_with_a_bad_code_fails_the_run_without_all_checks_passed(write_history) -> None:
    good = write_history(("a1", None))
    bad = write_history(("a1", None))
    (bad.root / "pyproject.toml").write_text('[tool.alembic-ls]\nselect = ["AM2O1"]\n')
    run = alembic_ls("check", str(good.root), str(bad.root), cwd=good.root.parent)
    assert run.returncode == 2
    assert "unknown rule code `AM2O1`" in run.stderr
    assert "All checks passed" not in run.stdout

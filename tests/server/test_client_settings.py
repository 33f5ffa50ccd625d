"""Client settings: camelCase keys, bad values reported, pyproject winning where committed."""

from __future__ import annotations

from pathlib import Path

from alembic_ls.rules.base import Severity
from alembic_ls.workspace.client_settings import effective_settings, parse_client_settings, unwrap


def test_parse_and_unwrap() -> None:
    problems: list[str] = []
    settings = parse_client_settings(
        unwrap({"alembicLs": {"select": ["AM1"], "diagnoseClosedFiles": False, "interpreter": "python3"}}),
        problems,
    )
    assert problems == []
    assert settings.rules == {"select": ["AM1"]}
    assert settings.diagnose_closed_files is False
    assert settings.interpreter == ("python3",)


def test_bad_values_keep_defaults_and_say_why() -> None:
    problems: list[str] = []
    settings = parse_client_settings(
        {"severity": {"AM104": "loud"}, "trusted": "yes", "agentTimeout": 0}, problems
    )
    assert settings.rules == {} and settings.trusted is True and settings.agent_timeout == 60.0
    assert len(problems) == 3 and "severity.AM104" in problems[0]


def test_pyproject_wins_per_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.alembic-ls]\nignore = ["AM101"]\n')
    problems: list[str] = []
    client = parse_client_settings({"ignore": ["AM104"], "severity": {"AM104": "error"}}, problems)
    settings = effective_settings(tmp_path, client, problems)
    assert settings.ignore == ("AM101",)
    assert settings.severity == {"AM104": Severity.ERROR}
    assert problems == []


def test_a_broken_pyproject_is_reported(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.alembic-ls\n")
    problems: list[str] = []
    settings = effective_settings(tmp_path, parse_client_settings({"ignore": ["AM104"]}, problems), problems)
    assert settings.ignore == ("AM104",)
    assert len(problems) == 1 and "pyproject.toml" in problems[0]


def test_baseline_shapes_from_the_client_and_from_pyproject(tmp_path: Path) -> None:
    problems: list[str] = []
    as_string = parse_client_settings({"baseline": "ab12"}, problems)
    assert effective_settings(tmp_path, as_string, problems).baseline == "ab12"
    folder = tmp_path / "workspace"
    table = parse_client_settings({"baseline": {"svc/migrations": ["ab12", "cd34"]}}, problems)
    settings = effective_settings(tmp_path, table, problems, folder)
    assert settings.baseline == {"svc/migrations": ("ab12", "cd34")} and settings.baseline_root == folder
    assert problems == []
    # Committed to pyproject, the table's keys are relative to the pyproject's folder.
    (tmp_path / "pyproject.toml").write_text('[tool.alembic-ls]\nbaseline = {"svc/migrations" = "ef56"}\n')
    settings = effective_settings(tmp_path, table, problems, folder)
    assert settings.baseline == {"svc/migrations": ("ef56",)} and settings.baseline_root == tmp_path.resolve()
    bad = parse_client_settings({"baseline": [1]}, problems)
    assert bad.rules == {} and "`baseline` must be a revision id" in problems[-1]


def test_linear_from_the_client_and_pyproject_wins(tmp_path: Path) -> None:
    problems: list[str] = []
    client = parse_client_settings({"linear": True}, problems)
    assert effective_settings(tmp_path, client, problems).linear is True
    assert problems == []
    parse_client_settings({"linear": "on"}, problems)
    assert problems and "`linear` must be true or false" in problems[0]
    (tmp_path / "pyproject.toml").write_text("[tool.alembic-ls]\nlinear = false\n")
    assert effective_settings(tmp_path, client, []).linear is False

"""`[tool.alembic-ls]` settings: parsing, validation with clear messages, and discovery."""

from __future__ import annotations

from pathlib import Path

import pytest

from alembic_ls.rules.base import Severity
from alembic_ls.settings import ConfigError, Settings, load_settings, parse_settings


def test_every_key_is_read_and_normalised() -> None:
    settings = parse_settings(
        {
            "select": ["am1", " AM201 "],
            "ignore": "am103",
            "severity": {"am104": "ERROR", "AM306": "hint"},
            "baseline": " 3c4d5e6f7081 ",
            "dialect": "PostgreSQL",
        },
        "pyproject.toml [tool.alembic-ls]",
    )
    assert settings == Settings(
        select=("AM1", "AM201"),
        ignore=("AM103",),
        severity={"AM104": Severity.ERROR, "AM306": Severity.HINT},
        baseline="3c4d5e6f7081",
        dialect="postgresql",
        source="pyproject.toml [tool.alembic-ls]",
    )


def test_defaults_select_everything() -> None:
    settings = parse_settings({}, "x")
    assert settings.select is None and settings.ignore == () and settings.severity == {}
    assert settings.baseline is None and settings.dialect is None


def test_camel_case_keys_from_lsp_clients() -> None:
    assert parse_settings({"Select": ["AM1"], "baseline": "abc"}, "lsp").select == ("AM1",)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"selekt": ["AM1"]},
            "where: unknown key `selekt`; expected one of: select, ignore, severity, baseline, dialect, "
            "linear",
        ),
        ({"per-file-ignores": {}}, "unknown key `per-file-ignores`"),
        ({"select": "AM1", "exclude": ["x"]}, "unknown key `exclude`"),
        ({"select": [1, 2]}, "where: `select` must be a list of rule codes, got [1, 2]"),
        ({"ignore": {"AM1": True}}, "`ignore` must be a list of rule codes"),
        ({"severity": ["AM104"]}, '`severity` must be a table like {AM104 = "error"}'),
        (
            {"severity": {"AM104": "loud"}},
            "`severity.AM104` must be one of error, warning, info, hint, got 'loud'",
        ),
        (
            {"baseline": 12},
            "`baseline` must be a revision id, a list of revision ids, or a table of script location = "
            "revision id(s), got 12",
        ),
        ({"baseline": "  "}, "`baseline` must be a revision id, a list of revision ids"),
        ({"baseline": ["abc", 3]}, "`baseline` must be a revision id, a list of revision ids"),
        ({"baseline": ["abc", " "]}, "`baseline` must be a revision id, a list"),
        ({"baseline": []}, "`baseline` is an empty list: name a revision, or remove the key"),
        (
            {"baseline": {"a/migrations": 3}},
            '`baseline."a/migrations"` must be a revision id or a list of revision ids, got 3',
        ),
        ({"baseline": {"a/migrations": {"x": "y"}}}, '`baseline."a/migrations"` must be a revision id'),
        ({"baseline": {"a": []}}, '`baseline."a"` is an empty list'),
        ({"baseline": {"a/m": "x", "./a/m/": "y"}}, "`baseline` names the script location 'a/m' twice"),
        ({"dialect": 5}, '`dialect` must be a string such as "postgresql"'),
        ({"linear": "yes"}, "`linear` must be true or false, got 'yes'"),
        ({"deploy": "maintenance"}, '`deploy` must be "online" or "offline", got \'maintenance\''),
    ],
)
def test_bad_settings_name_the_key(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_settings(table, "where")
    assert message in str(raised.value)
    assert str(raised.value).startswith("where: ")


def test_baseline_shapes() -> None:
    def parsed(value: object) -> object:
        return parse_settings({"baseline": value}, "where").baseline

    assert parsed(" 3c4d ") == "3c4d"  # the original form, kept as written
    assert parsed(["3c4d", " 9b8a ", "3c4d"]) == ("3c4d", "9b8a")
    assert parsed({"services\\a\\migrations": "3c4d", "./b/migrations/": ["9b8a", "7e6f"]}) == {
        "services/a/migrations": ("3c4d",),
        "b/migrations": ("9b8a", "7e6f"),
    }


def test_load_settings_knows_the_folder_of_the_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.alembic-ls.baseline]\n"svc/migrations" = ["ab12"]\n')
    settings = load_settings(tmp_path / "svc")
    assert settings.baseline == {"svc/migrations": ("ab12",)}
    assert settings.baseline_root == tmp_path.resolve()


def test_merged_replaces_only_given_keys() -> None:
    base = Settings(select=("AM1",), ignore=("AM103",), baseline="abc")
    merged = base.merged(select=("AM2",), ignore=None, baseline=None)
    assert merged.select == ("AM2",) and merged.ignore == ("AM103",) and merged.baseline == "abc"


def test_load_settings_finds_the_nearest_pyproject_with_the_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.alembic-ls]\nignore = ["AM101"]\n')
    inner = tmp_path / "service"
    (inner / "db").mkdir(parents=True)
    (inner / "pyproject.toml").write_text('[project]\nname = "service"\n')  # no table: keep looking
    settings = load_settings(inner / "db")
    assert settings.ignore == ("AM101",)
    assert settings.source == f"{(tmp_path / 'pyproject.toml').resolve()} [tool.alembic-ls]"


def test_load_settings_without_any_table_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    assert load_settings(tmp_path) == Settings()


def test_unknown_key_in_pyproject_names_file_table_and_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.alembic-ls]\nbaseline = "abc"\nsellect = ["AM1"]\n')
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path)
    message = str(raised.value)
    assert str(tmp_path.resolve() / "pyproject.toml") in message
    assert "[tool.alembic-ls]" in message and "unknown key `sellect`" in message


def test_broken_toml_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.alembic-ls\nselect = \n")
    with pytest.raises(ConfigError, match="cannot read TOML"):
        load_settings(tmp_path)


def test_table_that_is_not_a_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool]\n"alembic-ls" = "on"\n')
    with pytest.raises(ConfigError, match="must be a table"):
        load_settings(tmp_path)


def test_linear_is_read_from_pyproject_and_turns_am307_on(tmp_path: Path) -> None:
    from alembic_ls.checker import enabled_rules

    assert parse_settings({}, "where").linear is False
    (tmp_path / "pyproject.toml").write_text("[tool.alembic-ls]\nlinear = true\n")
    settings = load_settings(tmp_path)
    assert settings.linear is True
    codes = {rule.code for rule in enabled_rules(settings)}
    assert "AM307" in codes and "AM412" not in codes  # only the rule the setting names
    assert "AM307" not in {rule.code for rule in enabled_rules(Settings())}
    # Turned on even when `select` does not name it; `ignore` still wins.
    assert "AM307" in {r.code for r in enabled_rules(Settings(select=("AM1",), linear=True))}
    assert "AM307" not in {r.code for r in enabled_rules(Settings(ignore=("AM3",), linear=True))}

"""Typed settings: `[tool.alembic-ls]` in pyproject.toml, overridable by the CLI or the LSP client.

Keys (pyproject spelling; LSP clients send the camelCase form of the same names):
  select = ["AM1", "AM201"]    codes or prefixes to enable ("ALL" = every rule)
  ignore = ["AM103"]           codes or prefixes to disable
  severity = {AM104 = "error"} per-rule severity (whole codes)
  An unknown code in select/ignore/severity is a ConfigError (a typo must not turn a check off).
  baseline = "3f2a9c1d7e4b"    only revisions after this one are checked; also a list (several heads)
                               or a table of script location -> revision(s) (alembic_ls/baseline.py)
  dialect = "postgresql"       overrides the dialect read from sqlalchemy.url
  linear = true                the team keeps a straight history: merges and branch points are
                               findings (AM307, on even when `select` does not name it)
  deploy = "offline"           migrations run with the application stopped: the rules about live
                               traffic (locks, code still using what is dropped) are off
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from alembic_ls.baseline import BaselineError, BaselineSetting, parse_baseline
from alembic_ls.rules.base import Severity
from alembic_ls.rules.code_patterns import unknown_code_problem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TABLE = "alembic-ls"
KEYS = ("select", "ignore", "severity", "baseline", "dialect", "linear", "deploy")
DEPLOYS = ("online", "offline")


class ConfigError(Exception):
    """Bad configuration, phrased for a person: it names the file and the key."""


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] | None = None  # None: every rule that is not opt-in
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    baseline: BaselineSetting | None = None
    dialect: str | None = None
    linear: bool = False  # turns on the rules whose `enabled_by` is "linear" (AM307)
    # "offline": migrations run with every server stopped (a maintenance window), so the rules
    # about live traffic (Rule.about_live_traffic) have nothing to say.
    deploy: str = "online"
    source: str | None = None  # where the settings came from, for messages
    # The folder a per-project baseline table's keys are relative to (the pyproject's); None: the
    # project's own folder.
    baseline_root: Path | None = None

    def merged(self, **overrides: Any) -> Settings:
        """Settings with the given keys replaced (those whose value is not None)."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _string_list(value: object, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: `{key}` must be a list of rule codes, got {value!r}")
    return tuple(v.strip().upper() for v in value)


def parse_settings(table: dict[str, Any], where: str) -> Settings:
    """Validate a `[tool.alembic-ls]` table (or the same keys from an LSP client)."""
    normalised = {_snake(k): v for k, v in table.items()}
    unknown = sorted(set(normalised) - set(KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown key `{unknown[0]}`; expected one of: {', '.join(KEYS)}")
    select = normalised.get("select")
    severity_raw = normalised.get("severity", {})
    if not isinstance(severity_raw, dict):
        raise ConfigError(f'{where}: `severity` must be a table like {{AM104 = "error"}}')
    severity: dict[str, Severity] = {}
    allowed = ", ".join(s.value for s in Severity)
    for code, level in severity_raw.items():
        try:
            severity[str(code).upper()] = Severity(str(level).lower())
        except ValueError:
            raise ConfigError(f"{where}: `severity.{code}` must be one of {allowed}, got {level!r}") from None
    try:
        raw_baseline = normalised.get("baseline")
        baseline = parse_baseline(raw_baseline) if raw_baseline is not None else None
    except BaselineError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    dialect = normalised.get("dialect")
    if dialect is not None and not isinstance(dialect, str):
        raise ConfigError(f'{where}: `dialect` must be a string such as "postgresql"')
    linear = normalised.get("linear", False)
    if not isinstance(linear, bool):
        raise ConfigError(f"{where}: `linear` must be true or false, got {linear!r}")
    deploy = normalised.get("deploy", "online")
    if deploy not in DEPLOYS:
        raise ConfigError(f'{where}: `deploy` must be "online" or "offline", got {deploy!r}')
    selected = _string_list(select, "select", where) if select is not None else None
    ignored = _string_list(normalised.get("ignore", []), "ignore", where)
    problem = (
        unknown_code_problem(selected or (), "select")
        or unknown_code_problem(ignored, "ignore")
        or unknown_code_problem(severity, "severity", prefixes=False)
    )
    if problem is not None:
        raise ConfigError(f"{where}: {problem}")
    return Settings(
        select=selected,
        ignore=ignored,
        severity=severity,
        baseline=baseline,
        dialect=dialect.lower() if isinstance(dialect, str) else None,
        linear=linear,
        deploy=deploy,
        source=where,
    )


def _snake(key: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in key).lstrip("_")


def find_pyproject(start: Path) -> Path | None:
    """Nearest pyproject.toml at or above `start` that has a [tool.alembic-ls] table."""
    start = start.resolve()
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            try:
                with open(candidate, "rb") as handle:
                    data = tomllib.load(handle)
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"{candidate}: cannot read TOML: {exc}") from exc
            if TABLE in data.get("tool", {}):
                return candidate
    return None


def load_settings(start: Path) -> Settings:
    pyproject = find_pyproject(start)
    if pyproject is None:
        return Settings()
    with open(pyproject, "rb") as handle:
        table = tomllib.load(handle)["tool"][TABLE]
    where = f"{pyproject} [tool.{TABLE}]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    return replace(parse_settings(table, where), baseline_root=pyproject.parent)

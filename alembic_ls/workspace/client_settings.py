"""Client settings (camelCase, VS Code section `alembicLs`) and how they meet pyproject.toml.

Clients send the settings in `initializationOptions`, answer `workspace/configuration` for the
section `alembicLs` per workspace folder, and push changes with `workspace/didChangeConfiguration`.
The rule settings (`select`, `ignore`, `severity`, `baseline`, `dialect`) are the pyproject keys in
camelCase; a key the team committed to `[tool.alembic-ls]` wins over the client's value, so one
developer's editor cannot quietly disagree with CI.

A bad value never stops the server: it is reported (`problems`) and that key keeps its default.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from alembic_ls.settings import KEYS, TABLE, ConfigError, Settings, find_pyproject, parse_settings
from alembic_ls.wording import CLI, Wording, wording_for

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SECTION = "alembicLs"


@dataclass(frozen=True)
class ClientSettings:
    """Everything a client may set; `raw` keeps the original object for other server parts."""

    rules: dict[str, Any] = field(default_factory=dict)  # pyproject-spelled rule keys the client set
    diagnose_closed_files: bool = True
    interpreter: tuple[str, ...] | None = None
    alembic_config: str | None = None
    drift_on_save: bool = True
    agent_timeout: float = 60.0
    trusted: bool = True
    wording: Wording = CLI  # `editorActions`: whose actions messages name (alembic_ls.wording)
    raw: dict[str, Any] = field(default_factory=dict)


def unwrap(options: object) -> dict[str, Any]:
    """The settings object from initializationOptions / didChangeConfiguration payloads.

    Accepts the object itself or one wrapped as `{"alembicLs": {...}}` (what VS Code sends).
    """
    if not isinstance(options, dict):
        return {}
    inner = options.get(SECTION)
    if isinstance(inner, dict):
        return inner
    return options


def parse_client_settings(data: object, problems: list[str]) -> ClientSettings:
    """Typed settings from a client's camelCase object; bad values land in `problems`."""
    if data is None:
        return ClientSettings()
    if not isinstance(data, dict):
        problems.append(f"`{SECTION}` settings must be an object, got {type(data).__name__}")
        return ClientSettings()
    # The rule keys are single words, so their camelCase and pyproject spellings agree.
    rules = {key: data[key] for key in KEYS if data.get(key) is not None}
    if rules:
        try:
            parse_settings(rules, f"client setting `{SECTION}`")
        except ConfigError as exc:
            problems.append(str(exc))
            rules = {}
    return ClientSettings(
        rules=rules,
        diagnose_closed_files=_bool(data, "diagnoseClosedFiles", True, problems),
        interpreter=_command(data, problems),
        alembic_config=_string(data, "alembicConfig", problems),
        drift_on_save=_bool(data, "driftOnSave", True, problems),
        agent_timeout=_seconds(data, problems),
        trusted=_bool(data, "trusted", True, problems),
        wording=wording_for(_string(data, "editorActions", problems)),
        raw=dict(data),
    )


def merge_client_objects(*objects: dict[str, Any]) -> dict[str, Any]:
    """Later objects win key by key (initializationOptions, then workspace/configuration)."""
    merged: dict[str, Any] = {}
    for obj in objects:
        merged.update({k: v for k, v in obj.items() if v is not None})
    return merged


def effective_settings(
    project_root: Path, client: ClientSettings, problems: list[str], folder: Path | None = None
) -> Settings:
    """pyproject `[tool.alembic-ls]` keys the team committed, then the client's, then defaults.

    A per-project baseline table is keyed relative to the pyproject holding it, or, from the
    client, relative to the workspace `folder` (the folder its settings.json belongs to)."""
    committed: dict[str, Any] = {}
    where = "settings"
    pyproject: Path | None = None
    try:
        pyproject = find_pyproject(project_root)
        if pyproject is not None:
            with open(pyproject, "rb") as handle:
                table = tomllib.load(handle).get("tool", {}).get(TABLE, {})
            where = f"{pyproject} [tool.{TABLE}]"
            if not isinstance(table, dict):
                raise ConfigError(f"{where}: must be a table")
            parse_settings(table, where)  # validate the team's table as a whole
            committed = {_snake(k): v for k, v in table.items()}
    except (ConfigError, OSError, tomllib.TOMLDecodeError) as exc:
        problems.append(str(exc))
        committed = {}
    chosen = {key: client.rules[key] for key in KEYS if key in client.rules}
    chosen.update(committed)
    if not chosen:
        return Settings()
    source = where if committed else f"client setting `{SECTION}`"
    root = pyproject.parent if pyproject is not None and "baseline" in committed else folder
    try:
        return replace(parse_settings(chosen, source), baseline_root=root)
    except ConfigError as exc:  # both halves were valid alone; be safe anyway
        problems.append(str(exc))
        return Settings()


def _snake(key: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in key).lstrip("_")


def _bool(data: dict[str, Any], key: str, default: bool, problems: list[str]) -> bool:
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        problems.append(f"client setting `{SECTION}.{key}` must be true or false, got {value!r}")
        return default
    return value


def _string(data: dict[str, Any], key: str, problems: list[str]) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        problems.append(f"client setting `{SECTION}.{key}` must be a string, got {value!r}")
        return None
    return value


def _command(data: dict[str, Any], problems: list[str]) -> tuple[str, ...] | None:
    value = data.get("interpreter")
    if value is None or value == []:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.append(
            f'client setting `{SECTION}.interpreter` must be a command such as ["uv", "run", "python"], '
            f"got {value!r}"
        )
        return None
    return tuple(value)


def _seconds(data: dict[str, Any], problems: list[str]) -> float:
    value = data.get("agentTimeout")
    if value is None:
        return 60.0
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        problems.append(f"client setting `{SECTION}.agentTimeout` must be a positive number, got {value!r}")
        return 60.0
    return float(value)

"""Find Alembic projects on disk without importing anything.

Recognised layouts: alembic.ini `[alembic]`, pyproject `[tool.alembic]` (alembic >= 1.16) and the
Flask-Migrate layout (a `migrations/` folder with env.py and versions/, whose alembic.ini has no
`script_location`). Several projects may live in one folder tree.
"""

from __future__ import annotations

import configparser
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from alembic_ls.env_locations import url_override_line
from alembic_ls.version_layout import default_layout, folder_dialect

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "node_modules",
        "__pycache__",
        "site-packages",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "build",
        "dist",
    }
)


class ProjectError(Exception):
    """A configuration problem, phrased for the user (names the file and key)."""


@dataclass(frozen=True)
class Project:
    root: Path  # the folder holding the configuration (or the Flask app folder)
    config_file: Path | None
    script_location: Path
    version_locations: tuple[Path, ...]
    recursive_version_locations: bool = False
    sqlalchemy_url: str | None = None
    kind: str = "ini"  # "ini" | "pyproject" | "flask"
    warnings: tuple[str, ...] = field(default=(), compare=False)
    # Separate histories sharing this script directory (env.py picks one at run time), each its own
    # version locations; () when the locations hold one history.
    histories: tuple[tuple[Path, ...], ...] = ()
    # What alembic-ls inferred because the configuration did not say (version_layout), for `check`.
    assumed: tuple[str, ...] = field(default=(), compare=False)

    @property
    def dialect(self) -> str | None:
        """Database dialect named by sqlalchemy.url, when it is a real URL."""
        if not self.sqlalchemy_url:
            return None
        match = re.match(r"^([a-zA-Z0-9_]+)(\+[a-zA-Z0-9_]+)?://", self.sqlalchemy_url)
        if not match or match.group(1) == "driver":  # the `alembic init` placeholder
            return None
        name = match.group(1).lower()
        return "postgresql" if name in ("postgres", "postgresql") else name

    @property
    def name(self) -> str:
        return str(self.script_location)

    def owns(self, path: Path) -> bool:
        """Is `path` inside one of this project's version locations (as Alembic loads them)?"""
        # Alembic lists the folder, so a symlinked file in it is one of its revisions wherever the
        # link points: resolve the folders, not the file name.
        path = path.parent.resolve() / path.name
        for location in self.version_locations:
            if self.recursive_version_locations:
                if location == path.parent or location in path.parents:
                    return True
            elif path.parent == location:
                return True
        return False

    def history_dialect(self, path: Path) -> str | None:
        """The database the history holding `path` is for, when its folder is named after one."""
        if len(self.histories) < 2:
            return None
        locations = self.histories[self.history_of(path)]
        dialects = {folder_dialect(location) for location in locations}
        return dialects.pop() if len(dialects) == 1 else None

    def history_of(self, path: Path) -> int:
        """Which of `histories` holds `path` (0 when the project has one history)."""
        for number, locations in enumerate(self.histories):
            for location in locations:
                if location == path.parent or (self.recursive_version_locations and location in path.parents):
                    return number
        return 0


def _split_locations(raw: str, separator: str | None) -> list[str]:
    if separator is None:
        # Alembic's legacy behaviour: split on spaces and/or commas.
        return [p for p in re.split(r", *|(?: +)", raw.strip()) if p]
    table = {"os": os.pathsep, ":": ":", ";": ";", "space": " ", "newline": "\n", ",": ","}
    if separator not in table:
        raise ProjectError(f"unknown path_separator {separator!r}; expected one of {list(table)}")
    parts = raw.split(table[separator]) if separator != "space" else raw.split()
    return [p.strip() for p in parts if p.strip()]


def _resolve_location(value: str, base: Path) -> Path:
    """Resolve a script/version location, including the `package:path` resource form."""
    match = re.match(r"^([A-Za-z_][\w.]*):(.+)$", value)
    if match and not re.match(r"^[A-Za-z]:[\\/]", value):  # not a Windows drive letter
        package, sub = match.group(1), match.group(2)
        package_dir = Path(*package.split("."))
        for candidate_root in (base, base / "src", *[Path(p) for p in sys.path if p]):
            candidate = candidate_root / package_dir
            if candidate.is_dir():
                return (candidate / sub).resolve()
        return (base / package_dir / sub).resolve()
    path = Path(value)
    return (path if path.is_absolute() else base / path).resolve()


def load_ini(ini_path: Path) -> Project | None:
    """Project described by an alembic.ini; None when the file has no usable [alembic] section."""
    here = str(ini_path.parent.resolve())
    parser = configparser.ConfigParser(defaults={"here": here})
    try:
        parser.read(ini_path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise ProjectError(f"{ini_path}: cannot read: {exc}") from exc
    if not parser.has_section("alembic"):
        return None
    try:
        section = dict(parser.items("alembic"))
    except configparser.Error as exc:
        raise ProjectError(f"{ini_path}: [alembic]: {exc}") from exc
    script_location = section.get("script_location")
    if not script_location:
        flask_dir = ini_path.parent
        if (flask_dir / "env.py").is_file():
            return _project(flask_dir, ini_path, flask_dir, section, kind="flask")
        pyproject = _find_pyproject_with_alembic(ini_path.parent)
        if pyproject is not None:
            return load_pyproject(pyproject, url=section.get("sqlalchemy.url"))
        return None
    script_dir = _resolve_location(script_location, ini_path.parent)
    return _project(ini_path.parent.resolve(), ini_path, script_dir, section, kind="ini")


def _project(root: Path, config: Path, script_dir: Path, section: dict[str, str], kind: str) -> Project:
    separator = section.get("path_separator") or section.get("version_path_separator")
    raw_locations = section.get("version_locations")
    try:
        parts = _split_locations(raw_locations, separator) if raw_locations else []
    except ProjectError as exc:
        raise ProjectError(f"{config}: [alembic]: {exc}") from exc
    recursive = section.get("recursive_version_locations", "false").strip().lower() in (
        "true",
        "1",
        "yes",
        "on",
    )
    project = Project(
        root=root.resolve(),
        config_file=config.resolve(),
        script_location=script_dir.resolve(),
        version_locations=tuple(
            dict.fromkeys(_resolve_location(p, config.parent) for p in parts)
            if parts
            else [(script_dir / "versions").resolve()]
        ),
        recursive_version_locations=recursive,
        sqlalchemy_url=section.get("sqlalchemy.url"),
        kind=kind,
    )
    project = _with_url_from_env(project)
    return project if parts or recursive else _with_default_layout(project, config.parent)


def _with_url_from_env(project: Project) -> Project:
    """A URL env.py replaces at run time says nothing about the database."""
    if not project.sqlalchemy_url:
        return project
    line = url_override_line(project.script_location / "env.py")
    if line is None:
        return project
    note = f"sqlalchemy.url in {project.config_file.name if project.config_file else 'the configuration'} is "
    note += f"not the database: env.py sets it at run time (line {line})"
    return replace(project, sqlalchemy_url=None, assumed=(*project.assumed, note))


def _with_default_layout(project: Project, base: Path) -> Project:
    """A project whose configuration names no version locations, where its revisions really are."""
    layout = default_layout(project.script_location, base.resolve())
    return replace(
        project,
        version_locations=layout.version_locations,
        recursive_version_locations=layout.recursive,
        histories=layout.histories,
        assumed=(*project.assumed, *layout.assumed),
    )


def _read_toml(path: Path) -> dict[str, Any]:
    """The parsed file; {} for one that never mentions alembic (not parsed at all)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read TOML: {exc}") from exc
    if b"alembic" not in raw:
        # Not an Alembic configuration whatever else it holds: a template such as
        # `{{cookiecutter.project}}/pyproject.toml` that is not valid TOML is none of our business.
        return {}
    try:
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
        return data
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProjectError(f"{path}: cannot read TOML: {exc}") from exc


def _find_pyproject_with_alembic(start: Path) -> Path | None:
    candidate = start / "pyproject.toml"
    if candidate.is_file() and "alembic" in _read_toml(candidate).get("tool", {}):
        return candidate
    return None


def load_pyproject(path: Path, url: str | None = None) -> Project | None:
    table = _read_toml(path).get("tool", {}).get("alembic")
    if not isinstance(table, dict) or "script_location" not in table:
        return None
    here = str(path.parent.resolve())

    def expand(value: object, key: str) -> str:
        if not isinstance(value, str):
            raise ProjectError(f"{path}: [tool.alembic] {key} must be a string")
        return value.replace("%(here)s", here)

    script_dir = _resolve_location(expand(table["script_location"], "script_location"), path.parent)
    raw = table.get("version_locations")
    if raw is None:
        locations = []
    elif isinstance(raw, list):
        locations = [_resolve_location(expand(v, "version_locations"), path.parent) for v in raw]
    else:
        raise ProjectError(f"{path}: [tool.alembic] version_locations must be a list of strings")
    recursive = bool(table.get("recursive_version_locations", False))
    project = Project(
        root=path.parent.resolve(),
        config_file=path.resolve(),
        script_location=script_dir.resolve(),
        version_locations=tuple(dict.fromkeys(p.resolve() for p in locations or [script_dir / "versions"])),
        recursive_version_locations=recursive,
        sqlalchemy_url=url,
        kind="pyproject",
    )
    project = _with_url_from_env(project)
    return project if locations or recursive else _with_default_layout(project, path.parent)


def _walk(root: Path) -> Iterator[tuple[Path, list[str]]]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        yield Path(dirpath), filenames


def discover_projects(roots: Iterable[Path]) -> tuple[list[Project], list[str]]:
    """All Alembic projects under the given folders (or the project of a given file).

    Returns (projects, errors); a broken configuration is reported, never raised.
    """
    projects: dict[Path, Project] = {}
    errors: list[str] = []

    def add(loader: Any, *args: Any) -> None:
        try:
            project = loader(*args)
        except ProjectError as exc:
            errors.append(str(exc))
            return
        if project is not None and project.script_location not in projects:
            projects[project.script_location] = project

    for root in roots:
        root = root.resolve()
        if root.is_file():
            owner = project_for_path(root)
            if owner is not None:
                projects.setdefault(owner.script_location, owner)
            continue
        env_dirs: list[Path] = []
        for directory, filenames in _walk(root):
            if "alembic.ini" in filenames:
                add(load_ini, directory / "alembic.ini")
            if "pyproject.toml" in filenames:
                add(load_pyproject, directory / "pyproject.toml")
            if "env.py" in filenames and (directory / "versions").is_dir():
                env_dirs.append(directory)
        for env_dir in env_dirs:
            if env_dir.resolve() not in projects:
                # Flask-Migrate (or a renamed ini): a script directory nobody's config names.
                projects[env_dir.resolve()] = _flask_project(env_dir)
    return sorted(projects.values(), key=lambda p: str(p.script_location)), errors


def project_for_path(path: Path) -> Project | None:
    """The project owning a file, by walking up from it to a configuration."""
    path = path.resolve()
    for parent in path.parents:
        for loader, name in ((load_ini, "alembic.ini"), (load_pyproject, "pyproject.toml")):
            config = parent / name
            if config.is_file():
                try:
                    project = loader(config)
                except ProjectError:
                    continue
                if project is not None and (project.owns(path) or project.script_location in path.parents):
                    return project
        if (parent / "env.py").is_file() and (parent / "versions").is_dir():
            return _flask_project(parent)
    return None


def _flask_project(env_dir: Path) -> Project:
    project = Project(
        root=env_dir.parent.resolve(),
        config_file=None,
        script_location=env_dir.resolve(),
        version_locations=((env_dir / "versions").resolve(),),
        kind="flask",
    )
    return _with_default_layout(project, env_dir.parent)

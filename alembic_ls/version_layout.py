"""Where a project keeps its revision files when its configuration does not say.

Alembic reads `version_locations` from alembic.ini or pyproject; without it, `<script_location>/versions`.
Many real projects set the locations elsewhere, and a linter that trusted the configuration alone would
see no history at all (and call every file a stray). In order:

1. env.py sets them in code (`env_locations`): those locations; several possible values (one per
   database, chosen at run time) are separate histories.
2. `versions/` holds one sub-folder per database (`versions/postgresql/`, `versions/sqlite/`) and nothing
   at its top: one history per folder.
3. Most revision files (and at least three) sit in sub-folders of `versions/` (neutron's
   `versions/<release>/expand/`, which its own CLI lists as version locations): `versions/` is read
   recursively. A file or two in a sub-folder, or a few next to a history at the top of `versions/`, stay
   strays (AM305): that is the mistake AM305 is for.

Every inference is recorded as a sentence in `Layout.assumed`, which `check` prints.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from alembic_ls.env_locations import read_env_locations

DATABASE_FOLDERS = frozenset(
    {"postgresql", "postgres", "pg", "sqlite", "mysql", "mariadb", "mssql", "oracle", "sqlserver"}
)
_DIALECT_OF_WORD = {"postgres": "postgresql", "pg": "postgresql", "sqlserver": "mssql"}
# Fewer revision files than this in sub-folders is a misplaced file or two, not a layout.
MIN_SUBFOLDER_HISTORY = 3
_SNIFF_BYTES = 65536


@dataclass(frozen=True)
class Layout:
    version_locations: tuple[Path, ...]
    recursive: bool = False
    histories: tuple[tuple[Path, ...], ...] = ()  # separate histories (each its own locations), if several
    assumed: tuple[str, ...] = field(default=())


def _dialect(word: str) -> str | None:
    word = word.lower()
    return _DIALECT_OF_WORD.get(word, word) if word in DATABASE_FOLDERS else None


def folder_dialect(folder: Path) -> str | None:
    """The database a history's folder is named after (`sqlite_versions`, `versions/postgresql`)."""
    for word in re.split(r"[^a-z0-9]+", folder.name.lower()):
        if word in DATABASE_FOLDERS:
            return _DIALECT_OF_WORD.get(word, word)
    return None


def _looks_like_revision(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    return b"down_revision" in head and b"revision" in head


def _revision_files(folder: Path) -> list[str]:
    try:
        with os.scandir(folder) as entries:
            return [
                e.path
                for e in entries
                if e.name.endswith(".py") and not e.name.startswith("__init__") and e.is_file()
            ]
    except OSError:
        return []


def _subfolder_counts(versions: Path) -> dict[Path, int]:
    """Revision-looking files in each top-level sub-folder of `versions/`, counted recursively."""
    counts: dict[Path, int] = {}
    try:
        subfolders = sorted(e.path for e in os.scandir(versions) if e.is_dir() and e.name != "__pycache__")
    except OSError:
        return counts
    for subfolder in subfolders:
        total = 0
        for directory, dirnames, filenames in os.walk(subfolder):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            total += sum(
                1
                for name in filenames
                if name.endswith(".py")
                and not name.startswith("__init__")
                and _looks_like_revision(os.path.join(directory, name))
            )
        if total:
            counts[Path(subfolder)] = total
    return counts


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base)) or "."
    except ValueError:
        return str(path)


def _from_env(script_dir: Path, base: Path) -> Layout | None:
    assignments = read_env_locations(script_dir / "env.py", base)
    if not assignments:
        return None
    choices = list(dict.fromkeys(a.locations for a in assignments if a.locations))
    # A fallback the project no longer fills (pepys-import's empty `versions/` beside its two
    # per-database folders) is not a history.
    filled = [c for c in choices if any(_looks_like_revision(f) for p in c for f in _revision_files(p))]
    choices = filled or choices
    lines = ", ".join(str(n) for n in sorted({a.line for a in assignments}))
    if len(choices) == 1:
        where = ", ".join(_relative(p, base) for p in choices[0])
        return Layout(choices[0], assumed=(f"version_locations {where} (set in env.py, line {lines})",))
    if not choices:
        return None
    union = tuple(dict.fromkeys(p for choice in choices for p in choice))
    names = "; ".join(", ".join(_relative(p, base) for p in choice) for choice in choices)
    return Layout(
        union,
        histories=tuple(choices),
        assumed=(f"env.py (line {lines}) picks one of {len(choices)} histories at run time: {names}",),
    )


def _from_folders(versions: Path, base: Path) -> Layout | None:
    counts = _subfolder_counts(versions)
    if not counts:
        return None
    at_top = sum(1 for path in _revision_files(versions) if _looks_like_revision(path))
    if not at_top and len(counts) >= 2 and all(_dialect(p.name) is not None for p in counts):
        folders = tuple(counts)
        names = ", ".join(_relative(p, base) for p in folders)
        return Layout(
            folders,
            histories=tuple((p,) for p in folders),
            assumed=(f"one history per database folder: {names}",),
        )
    in_subfolders = sum(counts.values())
    if in_subfolders <= at_top or in_subfolders < MIN_SUBFOLDER_HISTORY:
        return None  # a history at the top, or a file or two below it: those are strays (AM305)
    return Layout(
        (versions,),
        recursive=True,
        assumed=(
            f"{in_subfolders} revision files in sub-folders of {_relative(versions, base)}: "
            "read recursively, as the project's own tooling must load them",
        ),
    )


def default_layout(script_dir: Path, base: Path) -> Layout:
    """The version locations of a project whose configuration names none (`base`: the config's folder)."""
    versions = (script_dir / "versions").resolve()
    return _from_env(script_dir, base) or _from_folders(versions, base) or Layout((versions,))

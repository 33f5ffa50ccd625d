"""Where a fix may write: inside the project it was asked to fix, never through a link to elsewhere.

A revision file can be a symlink (or sit under a symlinked folder) whose target lives outside the
project: a shared checkout, another project, a system file. Writing the fix would change that
file for everyone who uses it, so such a file is reported and left alone. The project's folders
are its root (the folder holding alembic.ini or pyproject.toml) and the version locations its
configuration names, which Alembic itself writes new revisions to.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic_ls.project import Project


def project_folders(project: Project) -> tuple[Path, ...]:
    return (project.root.resolve(), *(location.resolve() for location in project.version_locations))


def refusal(project: Project, path: str | Path) -> str | None:
    """Why a fix must not write `path` (None: it may)."""
    target = Path(os.path.realpath(path))
    folders = project_folders(project)
    if any(folder == target or folder in target.parents for folder in folders):
        return None
    link = " is a symlink to" if os.path.islink(path) else " resolves to"
    return (
        f"{path}{link} {target}, outside the project {folders[0]}: "
        "fixes never write outside the project they check"
    )

"""What git says about the working tree: modified, staged and untracked files (absolute paths).

`git status --porcelain=v1 -z`; None when git is missing or may not run there (vcs/git_process), or
the folder is not in a repository.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from alembic_ls.vcs.git_process import GitUnavailable, run_git

GIT_TIMEOUT_S = 5.0


@dataclass
class GitChanges:
    top: Path
    staged: set[str] = field(default_factory=set)  # in the index, differing from HEAD (added or modified)
    modified: set[str] = field(default_factory=set)  # in the working tree, not staged
    untracked: set[str] = field(default_factory=set)

    def changed(self, path: str) -> bool:
        return path in self.staged or path in self.modified


def _run(args: list[str], cwd: Path) -> str | None:
    try:
        done = run_git(args, cwd, GIT_TIMEOUT_S)
    except GitUnavailable:
        return None
    return done.stdout if done.returncode == 0 else None


def git_changes(folder: Path) -> GitChanges | None:
    top = _run(["rev-parse", "--show-toplevel"], folder)
    if not top:
        return None
    root = Path(top.strip()).resolve()
    output = _run(["status", "--porcelain=v1", "-z", "--untracked-files=all"], folder)
    if output is None:
        return None
    changes = GitChanges(root)
    entries = output.split("\0")
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) < 4:
            continue
        x, y, path = entry[0], entry[1], os.path.realpath(root / entry[3:])
        if x in "RC":
            index += 1  # a rename carries the old path as the next entry
        if x == "?" and y == "?":
            changes.untracked.add(path)
            continue
        if x not in " ?!":
            changes.staged.add(path)
        if y not in " ?!":
            changes.modified.add(path)
    return changes

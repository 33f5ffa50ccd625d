"""`check --diff-base REF`: the files added or changed since REF, and their text at REF.

The base is where the current branch left REF (`git merge-base REF HEAD`), so a pull request is
compared with what it started from, not with commits that landed on REF since; when the history
between them is not there (a shallow clone that fetched REF alone), REF itself. The working tree is
compared, so uncommitted and untracked files count: a new revision need not be committed to be
checked. Git runs as a subprocess (vcs/git_process); nothing here writes to the repository.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from alembic_ls.vcs.git_process import GitUnavailable, run_git

GIT_TIMEOUT_S = 30.0


class BaseRefError(Exception):
    """The base cannot be used; the message says why, for the user."""


@dataclass
class DiffBase:
    top: Path  # the repository's root, resolved
    ref: str  # as the user gave it
    commit: str  # what the working tree is compared with
    changed: set[str] = field(default_factory=set)  # real paths: added or modified since `commit`
    added: set[str] = field(default_factory=set)  # real paths: not in `commit` at all (a subset)

    def touches(self, path: str) -> bool:
        """Was `path` added or changed since the base?"""
        return os.path.realpath(path) in self.changed

    def text_at_base(self, path: str) -> str | None:
        """The file's text at the base commit; None when it did not exist there."""
        if path in self.added:
            return None
        relative = os.path.relpath(os.path.realpath(path), self.top).replace(os.sep, "/")
        shown = _git(["show", f"{self.commit}:{relative}"], self.top)
        if shown is None:
            return None
        return shown.decode("utf-8", errors="replace")


def diff_base(folder: Path, ref: str) -> DiffBase:
    """The files changed under `folder`'s repository since `ref`; BaseRefError when git is missing,
    `folder` is not in a repository, or `ref` is not a commit there."""
    if shutil.which("git") is None:
        raise BaseRefError("--diff-base needs git, and git is not on PATH")
    start = folder if folder.is_dir() else folder.parent
    top = _text(["rev-parse", "--show-toplevel"], start)
    if not top:
        raise BaseRefError(f"--diff-base: {folder} is not in a git repository")
    root = Path(top.strip()).resolve()
    resolved = _text(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    if not resolved:
        raise BaseRefError(
            f"--diff-base: unknown git ref {ref!r} (in a CI clone, fetch it first: "
            f"`git fetch origin {ref.removeprefix('origin/')}`)"
        )
    merge_base = _text(["merge-base", resolved.strip(), "HEAD"], root)
    commit = (merge_base or resolved).strip()
    found = DiffBase(root, ref, commit)
    diff = _text(["diff", "--name-status", "--no-renames", "-z", commit, "--"], root)
    if diff is None:
        raise BaseRefError(f"--diff-base: git could not compare the working tree with {ref!r}")
    fields = diff.split("\0")
    for status, name in zip(fields[0::2], fields[1::2], strict=False):  # a trailing NUL: odd count
        if not name or status.startswith("D"):
            continue  # a deleted file has nothing to check
        path = os.path.realpath(root / name)
        found.changed.add(path)
        if status.startswith("A"):
            found.added.add(path)
    untracked = _text(["ls-files", "--others", "--exclude-standard", "-z"], root) or ""
    for name in filter(None, untracked.split("\0")):
        path = os.path.realpath(root / name)
        found.changed.add(path)
        found.added.add(path)
    return found


def _text(args: list[str], cwd: Path) -> str | None:
    output = _git(args, cwd)
    return output.decode("utf-8", errors="surrogateescape") if output is not None else None


def _git(args: list[str], cwd: Path) -> bytes | None:
    try:
        done = run_git(args, cwd, GIT_TIMEOUT_S, text=False)
    except GitUnavailable:
        return None
    return done.stdout if done.returncode == 0 else None

"""Which revision ids the team already has: the ones written at the git base of this work.

The base is where this checkout left the shared history: `git merge-base HEAD <ref>`, `<ref>` being
the default branch (origin/HEAD, else origin/main, origin/master, main, master), else HEAD's
upstream, else HEAD itself. A revision id written anywhere in the version folders at that commit
(as a revision, or as someone's down_revision) is one others have pulled, may have applied to a
database, and must never be rewritten. New files, uncommitted ones and commits made on this branch
only are not at the base.

The answer is static (git's objects, never the network); it errs on the side of "shared": when git
fails half-way, every id asked about counts as shared.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from alembic_ls.vcs.git_process import GitUnavailable, run_git

GIT_TIMEOUT_S = 5.0
DEFAULT_BRANCHES = ("refs/remotes/origin/HEAD", "origin/main", "origin/master", "main", "master")
UPSTREAM = "@{upstream}"


class GitFailed(Exception):
    pass


def _git(args: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> tuple[int, str]:
    try:
        done = run_git(args, cwd, GIT_TIMEOUT_S)
    except GitUnavailable as exc:
        raise GitFailed(str(exc)) from None
    if done.returncode not in ok:
        raise GitFailed(done.stderr.strip())
    return done.returncode, done.stdout


def repository_top(folder: Path) -> Path | None:
    """The work tree holding `folder`; None when it is not in a git repository (or git is missing)."""
    try:
        _code, out = _git(["rev-parse", "--show-toplevel"], folder)
    except GitFailed:
        return None
    return Path(out.strip()).resolve() if out.strip() else None


def _commit(top: Path, ref: str) -> str | None:
    code, out = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top, ok=(0, 1, 128))
    return out.strip() if code == 0 and out.strip() else None


def base_commit(top: Path) -> str | None:
    """The commit this checkout shares with the team; None when HEAD has no commit yet."""
    found = base_ref(top)
    return found[1] if found is not None else None


def base_ref(top: Path) -> tuple[str, str] | None:
    """(the ref the base was found from, as a person names it; the base commit). None when HEAD has
    no commit yet. Raises GitFailed when git does."""
    head = _commit(top, "HEAD")
    if head is None:
        return None
    for ref in (*DEFAULT_BRANCHES, UPSTREAM):
        if _commit(top, ref) is not None:
            code, out = _git(["merge-base", "HEAD", ref], top, ok=(0, 1))
            if code == 0 and out.strip():
                return ref.removeprefix("refs/remotes/"), out.strip()
    return "HEAD", head  # one lone branch: what is committed is what others may have


def blobs_at(top: Path, commit: str, folders: Sequence[Path]) -> dict[str, str]:
    """{real path: blob id} of the files under `folders` at `commit` (one `git ls-tree`)."""
    specs = [str(f.resolve().relative_to(top)) for f in folders if f.is_dir() and _inside(f, top)]
    if not specs:
        return {}
    _code, out = _git(["ls-tree", "-r", "-z", commit, "--", *specs], top)
    found = {}
    for entry in filter(None, out.split("\0")):
        meta, _, name = entry.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob":
            found[os.path.realpath(top / name)] = parts[2]
    return found


def blob_text(top: Path, blob: str) -> str | None:
    try:
        _code, out = _git(["cat-file", "blob", blob], top)
    except GitFailed:
        return None
    return out


def shared_ids(folders: Sequence[Path], ids: Iterable[str]) -> frozenset[str] | None:
    """The ids among `ids` written in the base commit's copy of `folders` (the version locations).

    None: the folders are not in a git repository, so nothing can be said.
    """
    wanted = sorted(set(ids))
    existing = [f for f in folders if f.is_dir()]
    if not existing or not wanted:
        return frozenset() if existing else None
    top = repository_top(existing[0])
    if top is None:
        return None
    try:
        base = base_commit(top)
        if base is None:  # a repository without a commit: nobody has anything yet
            return frozenset()
        specs = [str(f.resolve().relative_to(top)) for f in existing if _inside(f, top)]
        if not specs:
            return frozenset()
        patterns = [part for rid in wanted for part in ("-e", rid)]
        code, out = _git(["grep", "-h", "-o", "-w", "-F", *patterns, base, "--", *specs], top, ok=(0, 1))
    except GitFailed:
        return frozenset(wanted)
    found = {line.strip() for line in out.splitlines()} if code == 0 else set()
    return frozenset(found & set(wanted))


def _inside(folder: Path, top: Path) -> bool:
    resolved = folder.resolve()
    return resolved == top or top in resolved.parents

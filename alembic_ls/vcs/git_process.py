"""The one place alembic-ls starts git, and never in, above or below a folder the editor has not
trusted: a repository's own configuration can name programs for git to run (`core.fsmonitor`,
`diff.external`, a pager...), so opening an untrusted repository must not run them. Every caller
(the git base of AM105 and the rebase fix, `check --diff-base`, the drift check's working-tree
state) goes through `run_git`; alembic_ls.workspace says which folders are untrusted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Literal, overload

_untrusted: frozenset[Path] = frozenset()


class GitUnavailable(Exception):
    """git may not run there, is not installed, or did not start or finish in time."""


def refuse_git_in(folders: Iterable[Path]) -> None:
    """From now on, run no git in, above or below `folders` (replacing the folders set before)."""
    global _untrusted
    _untrusted = frozenset(Path(os.path.realpath(folder)) for folder in folders)


def refused(cwd: Path) -> bool:
    if not _untrusted:
        return False
    here = Path(os.path.realpath(cwd))
    return any(here == f or f in here.parents or here in f.parents for f in _untrusted)


@overload
def run_git(
    args: list[str], cwd: Path, timeout: float, text: Literal[True] = True
) -> subprocess.CompletedProcess[str]: ...
@overload
def run_git(
    args: list[str], cwd: Path, timeout: float, text: Literal[False]
) -> subprocess.CompletedProcess[bytes]: ...
def run_git(
    args: list[str], cwd: Path, timeout: float, text: bool = True
) -> subprocess.CompletedProcess[str] | subprocess.CompletedProcess[bytes]:
    """`git ARGS` in `cwd`, output captured; GitUnavailable instead of starting it where refused."""
    if refused(cwd):
        raise GitUnavailable("the workspace is not trusted: git is not run there")
    git = shutil.which("git")
    if git is None:
        raise GitUnavailable("git is not installed")
    try:
        return subprocess.run(
            [git, *args], cwd=cwd, capture_output=True, text=text, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitUnavailable(str(exc)) from None

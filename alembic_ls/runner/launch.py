"""How to start the agent: the project's own way of running Python, detected, always overridable.

Order: the `interpreter` setting; `uv run` when a uv.lock is found; `poetry run` with a poetry.lock; a
`.venv`/`venv` folder; an activated virtual environment; finally the interpreter alembic-ls itself runs in.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from alembic_ls.agent import AGENT_MODULE, PAYLOAD_DIR


@dataclass(frozen=True)
class Launch:
    prefix: tuple[str, ...]  # e.g. ("uv", "run", "--frozen", "python") or ("/p/.venv/bin/python",)
    cwd: Path
    reason: str  # why this interpreter: shown in the log and in error messages

    @property
    def argv(self) -> list[str]:
        return [*self.prefix, "-m", AGENT_MODULE]

    @property
    def command_line(self) -> str:
        return shlex.join(self.argv)

    def environment(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The agent sees only its own package on PYTHONPATH, never alembic-ls's site-packages."""
        env = dict(os.environ if base is None else base)
        env["PYTHONPATH"] = str(PAYLOAD_DIR)
        env.pop("PYTHONHOME", None)
        env["PYTHONUNBUFFERED"] = "1"
        own_env = os.path.realpath(sys.prefix)
        active = env.get("VIRTUAL_ENV")
        if active and os.path.realpath(active) == own_env and sys.prefix != sys.base_prefix:
            # The language server's own venv is "active": `poetry run`/`uv run` would pick it up.
            env.pop("VIRTUAL_ENV")
            own_bin = os.path.realpath(os.path.dirname(sys.executable))
            parts = env.get("PATH", "").split(os.pathsep)
            env["PATH"] = os.pathsep.join(p for p in parts if p and os.path.realpath(p) != own_bin)
        return env


def _venv_python(folder: Path) -> Path | None:
    for candidate in (folder / "bin" / "python", folder / "Scripts" / "python.exe"):
        if candidate.is_file():
            return candidate
    return None


def _search_dirs(root: Path, stop: Path | None) -> list[Path]:
    """The project folder and its parents, up to (and including) the workspace folder when given."""
    root = root.resolve()
    dirs = [root]
    if stop is None:
        return [*dirs, *root.parents]
    stop = stop.resolve()
    if stop != root and stop not in root.parents:
        return dirs
    for parent in root.parents:
        dirs.append(parent)
        if parent == stop:
            break
    return dirs


def detect_launch(
    project_root: Path,
    workspace_root: Path | None = None,
    configured: Sequence[str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
) -> Launch:
    """Pick the interpreter for a project. `which` is injectable so tests need no real uv/poetry."""
    cwd = project_root.resolve()
    if configured:
        return Launch(tuple(configured), cwd, "the `interpreter` setting")
    dirs = _search_dirs(project_root, workspace_root)
    for folder in dirs:
        if (folder / "uv.lock").is_file():
            uv = which("uv")
            if uv:
                return Launch((uv, "run", "--frozen", "python"), cwd, f"uv.lock in {folder}")
        if (folder / "poetry.lock").is_file():
            poetry = which("poetry")
            if poetry:
                return Launch((poetry, "run", "python"), cwd, f"poetry.lock in {folder}")
    for folder in dirs:
        for name in (".venv", "venv"):
            python = _venv_python(folder / name)
            if python is not None:
                return Launch((str(python),), cwd, f"the virtual environment {folder / name}")
    active = os.environ.get("VIRTUAL_ENV") or os.environ.get("CONDA_PREFIX")
    if active and os.path.realpath(active) != os.path.realpath(sys.prefix):
        python = _venv_python(Path(active))
        if python is not None:
            return Launch((str(python),), cwd, f"the active environment {active}")
    return Launch(
        (sys.executable,),
        cwd,
        "the interpreter alembic-ls runs in (no uv.lock, poetry.lock or .venv found; "
        "set the `interpreter` setting to choose another)",
    )

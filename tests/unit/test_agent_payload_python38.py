"""The agent runs in the project's own interpreter, as old as Python 3.8, while the rest of alembic-ls
needs 3.10: mypy and ruff read the payload as 3.10 code for type checking, so only an old interpreter
tells whether it still imports there (a `str | None` evaluated at run time, a TypedDict feature 3.8
lacks). Skipped, with the reason, where no CPython 3.8 is installed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from alembic_ls.agent import AGENT_MODULE, PAYLOAD_DIR

FIND_PYTHON = Path(__file__).resolve().parents[2] / ".ci" / "find-python"
MODULES = sorted(p.stem for p in (PAYLOAD_DIR / AGENT_MODULE).glob("*.py") if p.stem != "__init__")


def _python38() -> str:
    found = subprocess.run(["bash", str(FIND_PYTHON), "3.8"], capture_output=True, text=True).stdout.strip()
    if not found:
        pytest.skip("no CPython 3.8 here (pyenv or PATH)")
    return found


def test_every_payload_module_and_every_wire_shape_loads_on_python_3_8() -> None:
    shapes = (
        "from alembic_ls_agent import protocol\n"
        "from typing import _TypedDictMeta\n"
        "names = [n for n, v in vars(protocol).items() if isinstance(v, _TypedDictMeta)]\n"
        "assert len(names) > 20, names\n"
        "print(len(names))\n"
    )
    imports = "".join(f"import {AGENT_MODULE}.{module}\n" for module in MODULES)
    env = {**os.environ, "PYTHONPATH": str(PAYLOAD_DIR)}
    ran = subprocess.run(
        [_python38(), "-B", "-c", imports + shapes],
        capture_output=True,
        text=True,
        env=env,
        cwd=PAYLOAD_DIR,
    )
    assert ran.returncode == 0, ran.stderr

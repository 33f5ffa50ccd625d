"""How the agent is started: detected from the project (uv, poetry, .venv), always overridable."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from alembic_ls.agent import PAYLOAD_DIR
from alembic_ls.runner.launch import Launch, detect_launch


def fake_venv(folder: Path) -> Path:
    python = folder / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\n")
    return python


def which_from(found: dict[str, str]) -> Callable[[str], str | None]:
    return lambda name: found.get(name)


@pytest.fixture(autouse=True)
def _no_active_venv(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.delenv("CONDA_PREFIX", raising=False)


def test_the_interpreter_setting_always_wins(tmp_path: Path) -> None:
    (tmp_path / "uv.lock").write_text("")
    launch = detect_launch(
        tmp_path, None, ["/opt/py/bin/python", "-X", "dev"], which=which_from({"uv": "/u"})
    )
    assert launch.argv == ["/opt/py/bin/python", "-X", "dev", "-m", "alembic_ls_agent"]
    assert launch.reason == "the `interpreter` setting"


def test_uv_lock_means_uv_run(tmp_path: Path) -> None:
    (tmp_path / "uv.lock").write_text("")
    fake_venv(tmp_path / ".venv")
    launch = detect_launch(tmp_path, None, None, which=which_from({"uv": "/bin/uv"}))
    assert launch.prefix == ("/bin/uv", "run", "--frozen", "python")
    assert launch.reason == f"uv.lock in {tmp_path.resolve()}"
    assert launch.command_line == "/bin/uv run --frozen python -m alembic_ls_agent"


def test_poetry_lock_means_poetry_run(tmp_path: Path) -> None:
    (tmp_path / "poetry.lock").write_text("")
    launch = detect_launch(tmp_path, None, None, which=which_from({"poetry": "/bin/poetry"}))
    assert launch.prefix == ("/bin/poetry", "run", "python")


def test_a_lock_file_without_its_tool_falls_back_to_the_venv(tmp_path: Path) -> None:
    (tmp_path / "uv.lock").write_text("")
    python = fake_venv(tmp_path / ".venv")
    launch = detect_launch(tmp_path, None, None, which=which_from({}))
    assert launch.prefix == (str(python),)


def test_a_venv_in_a_parent_folder_up_to_the_workspace(tmp_path: Path) -> None:
    project = tmp_path / "workspace" / "services" / "api"
    project.mkdir(parents=True)
    python = fake_venv(tmp_path / "workspace" / ".venv")
    assert detect_launch(project, tmp_path / "workspace", None, which=which_from({})).prefix == (str(python),)
    # Not above the workspace folder: that environment belongs to something else.
    fake_venv(tmp_path / "outer" / "venv")
    inner = tmp_path / "outer" / "ws" / "proj"
    inner.mkdir(parents=True)
    launch = detect_launch(inner, tmp_path / "outer" / "ws", None, which=which_from({}))
    assert launch.prefix == (sys.executable,) and "set the `interpreter` setting" in launch.reason


def test_an_activated_environment_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    python = fake_venv(tmp_path / "env")
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / "env"))
    project = tmp_path / "project"
    project.mkdir()
    launch = detect_launch(project, project, None, which=which_from({}))
    assert launch.prefix == (str(python),) and launch.reason.startswith("the active environment")


def test_the_agent_environment_hides_the_servers_own(monkeypatch: pytest.MonkeyPatch) -> None:
    own_bin = os.path.dirname(sys.executable)
    base = {"PATH": os.pathsep.join([own_bin, "/usr/bin"]), "PYTHONPATH": "/x", "PYTHONHOME": "/y"}
    if sys.prefix != sys.base_prefix:
        base["VIRTUAL_ENV"] = sys.prefix
    env = Launch((sys.executable,), Path.cwd(), "").environment(base)
    assert env["PYTHONPATH"] == str(PAYLOAD_DIR) and "PYTHONHOME" not in env
    if sys.prefix != sys.base_prefix:  # alembic-ls runs in a venv: `poetry run` must not pick it up
        assert "VIRTUAL_ENV" not in env and own_bin not in env["PATH"].split(os.pathsep)

"""Every agent failure explained to a VS Code user names VS Code's actions, never a shell command to run or a
setting spelled as only other editors spell it; other clients keep the command-line wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from alembic_ls.agent.payload.alembic_ls_agent import protocol
from alembic_ls.project import Project
from alembic_ls.runner.errors import AGENT_DIED, AGENT_START_FAILED, INTERPRETER_MISSING, TIMEOUT, AgentError
from alembic_ls.runner.messages import explain
from alembic_ls.wording import CLI, VSCODE, wording_for

KINDS = [
    protocol.DATABASE_UNREACHABLE,
    protocol.MULTIPLE_HEADS,
    protocol.NOT_UP_TO_DATE,
    protocol.USER_CODE,
    protocol.MIGRATION_FAILED,
    protocol.ALEMBIC_MISSING,
    protocol.COMMAND_ERROR,
    protocol.CANCELLED,
    protocol.CRASHED,
    protocol.BAD_REQUEST,
    protocol.INTERNAL,
    INTERPRETER_MISSING,
    AGENT_START_FAILED,
    AGENT_DIED,
    TIMEOUT,
]


def project(tmp_path: Path) -> Project:
    versions = (tmp_path / "migrations" / "versions").resolve()
    versions.mkdir(parents=True)
    return Project(
        tmp_path.resolve(),
        tmp_path / "alembic.ini",
        versions.parent,
        (versions,),
        sqlalchemy_url="sqlite:///x.db",
    )


def errors(owner: Project, kind: str) -> list[AgentError]:
    revision = str(owner.version_locations[0] / "7a8b9c0d1e2f_x.py")
    found = [AgentError(kind, "it failed", extra={"heads": ["a", "b"], "current": ["a"], "timeout": 8})]
    if kind in (protocol.USER_CODE, protocol.DATABASE_UNREACHABLE):
        for exc_type in ("NameError", "ImportError", "SyntaxError", "ValueError"):
            found.append(AgentError(kind, "it failed", file=revision, line=3, exc_type=exc_type))
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_vscode_users_are_told_vscode_actions(tmp_path: Path, kind: str) -> None:
    owner = project(tmp_path)
    for error in errors(owner, kind):
        message = explain(error, owner, "upgrade head", wording=VSCODE)
        assert "`alembic " not in message and "`alembic-ls " not in message, message
        assert "`interpreter`" not in message and "`agentTimeout`" not in message, message


def test_the_steps_vscode_users_take() -> None:
    project_error = AgentError(protocol.NOT_UP_TO_DATE, "behind", extra={"heads": ["b"], "current": ["a"]})
    message = explain(project_error, _fake_project(), "generate migration", wording=VSCODE)
    assert '"Alembic: Upgrade Head" in the Command Palette' in message
    timeout = explain(
        AgentError(TIMEOUT, "", extra={"timeout": 8}), _fake_project(), "upgrade", wording=VSCODE
    )
    assert "`alembicLs.agentTimeout` setting" in timeout


def test_other_clients_keep_the_command_line_wording() -> None:
    assert wording_for(None) is CLI and wording_for("neovim") is CLI and wording_for("vscode") is VSCODE
    message = explain(AgentError(protocol.NOT_UP_TO_DATE, "behind"), _fake_project(), "generate migration")
    assert "`alembic upgrade head`" in message


def _fake_project() -> Project:
    root = Path("/nonexistent/blog")
    return Project(root, root / "alembic.ini", root / "migrations", (root / "migrations" / "versions",))

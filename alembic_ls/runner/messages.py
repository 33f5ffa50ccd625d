"""Agent errors as sentences a person can act on: what happened, where, and what to do next."""

from __future__ import annotations

import os
import re
from pathlib import Path

from alembic_ls.agent.payload.alembic_ls_agent import protocol
from alembic_ls.project import Project
from alembic_ls.runner.errors import (
    AGENT_DIED,
    AGENT_START_FAILED,
    BAD_REPLY,
    INTERPRETER_MISSING,
    TIMEOUT,
    AgentError,
)
from alembic_ls.runner.launch import Launch
from alembic_ls.wording import CLI, Wording

COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")
_DRIVER_PREFIX = re.compile(r"^\((?:[\w.]+)\)\s*")


def mask_password(text: str) -> str:
    return _PASSWORD_IN_URL.sub(r"\1***@", text)


def compose_file(project: Project, levels: int = 3) -> Path | None:
    """A docker compose file in the project folder or a few folders above it."""
    folder = project.root
    for _ in range(levels + 1):
        for name in COMPOSE_FILES:
            if (folder / name).is_file():
                return folder / name
        if folder.parent == folder:
            break
        folder = folder.parent
    return None


def relative(path: str | None, project: Project) -> str:
    if not path:
        return "?"
    try:
        return os.path.relpath(path, project.root) if Path(path).is_relative_to(project.root) else path
    except ValueError:
        return path


def driver_reason(detail: str) -> str:
    """`(psycopg.OperationalError) connection failed: ... Connection refused\\n...` -> the short reason."""
    first = _DRIVER_PREFIX.sub("", detail.strip().splitlines()[0] if detail.strip() else detail)
    return mask_password(first.rstrip(". "))


def database_url(error: AgentError, project: Project) -> str:
    url = error.extra.get("url") or project.sqlalchemy_url
    return mask_password(str(url)) if url else "(no sqlalchemy.url configured)"


def _config_name(project: Project) -> str:
    return relative(str(project.config_file), project) if project.config_file else "env.py"


def _stderr_hint(error: AgentError) -> str:
    stderr = str(error.extra.get("stderr") or "").strip()
    return f" Last output: {stderr.splitlines()[-1]}" if stderr else ""


def _where(path: str | None, project: Project) -> str:
    """What kind of file raised, for the reader who does not know the layout."""
    if not path:
        return "the project's code"
    if Path(path).name == "env.py":
        return "the Alembic environment"
    if project.owns(Path(path)):
        return "a revision"
    return "the project's code imported by env.py"


def _seconds(value: object) -> str:
    return f"{value:g}" if isinstance(value, int | float) else "?"


def explain(
    error: AgentError,
    project: Project,
    action: str,
    launch: Launch | None = None,
    wording: Wording = CLI,
) -> str:
    kind = error.kind
    detail = mask_password(error.detail)
    if kind == protocol.DATABASE_UNREACHABLE and error.file and project.owns(Path(error.file)):
        # Connected, then lost mid-revision (the server stopped or the network went): say where it
        # stopped and how to find out what stuck, not just "start the database".
        return (
            f"Lost the connection to the database {database_url(error, project)} while running "
            f"{relative(error.file, project)}:{error.line}: {driver_reason(detail)}. "
            "Whatever the database had not committed was rolled back. When it is reachable again, run "
            f"{wording.current} to see which revision it is at, then run {action} again."
        )
    if kind == protocol.DATABASE_UNREACHABLE:
        compose = compose_file(project)
        start = (
            f"Start it with `docker compose up -d` (in {compose.parent}, which has {compose.name})"
            if compose
            else "Start the database server"
        )
        return (
            f"Cannot reach the database {database_url(error, project)}: {driver_reason(detail)}. "
            f"{start}, or correct sqlalchemy.url in {_config_name(project)}; then run {action} again."
        )
    if kind == protocol.MULTIPLE_HEADS:
        heads = error.extra.get("heads")
        listed = f" ({', '.join(heads)})" if isinstance(heads, list) and heads else ""
        return (
            f"The revision history has several heads{listed}, so {action} cannot choose one. "
            f"Merge them first ({wording.merge_heads}), then run {action} again."
        )
    if kind == protocol.NOT_UP_TO_DATE:
        current = error.extra.get("current")
        heads = error.extra.get("heads")
        state = ""
        if isinstance(current, list) and isinstance(heads, list):
            state = f" (it is at {', '.join(current) or 'base'}; the head is {', '.join(heads)})"
        return (
            f"The database is not up to date{state}: autogenerate compares the models with a database at "
            f"the head revision. Upgrade it first ({wording.upgrade_head}), then run {action} again."
        )
    if kind == protocol.USER_CODE:
        where = f"{relative(error.file, project)}:{error.line}"
        what = f"{error.exc_type}: {detail}" if error.exc_type else detail
        if error.exc_type == "NameError":
            step = f"Fix that line ({wording.add_missing_import})"
        elif error.exc_type in ("ImportError", "ModuleNotFoundError"):
            python = launch.command_line if launch else "the project's interpreter"
            step = (
                f"Make sure that module is installed where the agent runs ({python}) and importable from "
                f"{project.root} (see `prepend_sys_path` in alembic.ini)"
            )
        elif error.exc_type == "SyntaxError":
            step = "Fix the syntax error"
        else:
            step = "Fix it"
        return f"{what}, at {where} ({_where(error.file, project)}). {step}, then run {action} again."
    if kind == protocol.MIGRATION_FAILED:
        where = f"{relative(error.file, project)}:{error.line}"
        statement = error.extra.get("statement")
        sql = f" Statement: {statement}." if statement else ""
        return (
            f"The database refused a statement at {where}: "
            f"{driver_reason(detail)}.{sql} Fix the revision (or the database state), "
            f"then run {action} again."
        )
    if kind == protocol.ALEMBIC_MISSING:
        executable = error.extra.get("executable") or "?"
        python = error.extra.get("python") or "?"
        reason = f", chosen because of {launch.reason}" if launch else ""
        return (
            f"alembic is not installed in the project's environment ({executable}, Python {python}{reason}). "
            "Install it there (`pip install alembic`, `uv add alembic` or `poetry add alembic`), or set the "
            f"{wording.setting('interpreter')} setting to an interpreter that has it."
        )
    if kind == INTERPRETER_MISSING:
        return (
            f"Cannot start the agent: {detail}. Install it, or set the "
            f"{wording.setting('interpreter')} setting "
            '(for example ["/path/to/project/.venv/bin/python"]).'
        )
    if kind == AGENT_START_FAILED:
        how = f" ({launch.reason})" if launch else ""
        return (
            f"The agent could not start{how}: {detail}.{_stderr_hint(error)} "
            "Check that the command works in a "
            f"terminal in the project folder, or set the {wording.setting('interpreter')} setting."
        )
    if kind == AGENT_DIED:
        return (
            f"The agent stopped while running {action} ({detail}).{_stderr_hint(error)} "
            f"It starts again by itself: run {action} again."
        )
    if kind == TIMEOUT:
        return (
            f"{action} did not finish within {_seconds(error.extra.get('timeout'))} s, "
            "so the agent was stopped; it "
            "starts again on the next command. If the database is slow or a lock is held, raise the "
            f"{wording.setting('agentTimeout')} setting; a hanging env.py or model import also causes this."
        )
    if kind == protocol.CANCELLED:
        return f"{action} was cancelled."
    if kind == protocol.CRASHED:
        return f"The process running {action} died: {detail}. Run it again; if it repeats, see the log."
    if kind == protocol.SCRATCH_UNSAFE:
        return (
            f"{detail} Make env.py use `config.get_main_option('sqlalchemy.url')` "
            "so scratch checks can point "
            "it at a throwaway database."
        )
    if kind == protocol.NOT_CONFIRMED:
        return (
            f'{action} was not run: {detail}. Run it again with "confirmed": true once the user has agreed.'
        )
    if kind == protocol.BAD_TARGET:
        return f"{action} was not run: {detail}."
    if kind == protocol.COMMAND_ERROR:
        return f"alembic refused {action}: {detail}"
    if kind == protocol.BAD_REQUEST:
        return f"alembic-ls sent the agent a request it could not run ({detail}); please report this."
    if kind == BAD_REPLY:
        return (
            f"alembic-ls could not read the agent's answer to {action} ({detail}): the two disagree on the "
            "protocol, which is a bug; please report it, with the alembic-ls log."
        )
    where = f" at {relative(error.file, project)}:{error.line}" if error.file else ""
    return (
        f"{action} failed unexpectedly{where}: {error.exc_type or 'error'}: {detail}. "
        "The full traceback is in the alembic-ls log."
    )

"""`alembic-ls trace [PATH]`: find the project, refuse what is not PostgreSQL, trace, print."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from alembic_ls.operations.session import ProjectSession
from alembic_ls.operations.trace import render_trace, run_trace
from alembic_ls.project import Project, discover_projects
from alembic_ls.reporting import display_path
from alembic_ls.runner.launch import detect_launch
from alembic_ls.runner.process import AgentProcess
from alembic_ls.settings import Settings
from alembic_ls.workspace_check import project_settings

EXIT_CLEAN, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _say(message: str) -> None:
    print(f"alembic-ls: {message}", file=sys.stderr)


def trace_command(args: argparse.Namespace) -> int:
    projects, errors = discover_projects([args.path])
    for error in errors:
        _say(f"error: {error}")
    if errors or not projects:
        if not errors:
            _say(f"error: no Alembic project found under {args.path}")
        return EXIT_USAGE
    if len(projects) > 1:
        listed = ", ".join(str(p.root) for p in projects)
        _say(f"error: {args.path} holds {len(projects)} projects ({listed}): give the one to trace")
        return EXIT_USAGE
    project = projects[0]
    dialect = _dialect(args.database_url) if args.database_url else project.dialect
    if dialect != "postgresql":
        what = f"the database is {dialect}" if dialect else "no PostgreSQL URL is known"
        _say(
            f"error: trace reads PostgreSQL's locks, and {what}: give a PostgreSQL server with "
            "--database-url postgresql://user@host/postgres (a scratch database is made on it)"
        )
        return EXIT_USAGE
    settings = project_settings(project, None)

    def session_for() -> tuple[ProjectSession, Callable[[], Awaitable[None]]]:
        launch = detect_launch(project.root, None, args.interpreter)
        agent = AgentProcess(launch, timeout=args.agent_timeout)
        _say(f"{project.script_location}: running Alembic with {launch.command_line} ({launch.reason})")
        return ProjectSession(project, agent, settings, report=_say), agent.stop

    report = run_trace(session_for, args.database_url, args.revision, not args.no_seed)
    output = render_trace(report, args.output_format, display_path)
    if output:
        print(output)
    if report.database and not report.dropped:
        _say(f"warning: the scratch database {report.database} could not be dropped")
    if report.failure:
        _say(f"error: {report.failure}")
        return EXIT_FAILED
    return EXIT_CLEAN


def _dialect(url: str) -> str:
    return url.split(":", 1)[0].split("+", 1)[0]


def traces_for(
    paths: Sequence[Path],
    overrides: Settings | None,
    interpreter: list[str] | None,
    timeout: float,
    server_url: str | None,
) -> dict[str, list[dict[str, Any]]]:
    """`check --database scratch --trace`: each PostgreSQL project's trace, by revision file (real
    path); a project on another database is said and skipped, a failed trace is said."""
    projects, _errors = discover_projects(paths)  # `check` itself reports the errors
    traced: dict[str, list[dict[str, Any]]] = {}
    for project in projects:
        dialect = _dialect(server_url) if server_url else project.dialect
        if dialect != "postgresql":
            _say(f"note: {project.script_location}: not traced (trace reads PostgreSQL's locks)")
            continue
        settings = project_settings(project, overrides)

        def session_for(
            project: Project = project, settings: Settings = settings
        ) -> tuple[ProjectSession, Callable[[], Awaitable[None]]]:
            launch = detect_launch(project.root, None, interpreter)
            agent = AgentProcess(launch, timeout=timeout)
            return ProjectSession(project, agent, settings, report=_say), agent.stop

        report = run_trace(session_for, server_url, None, True)
        if report.failure:
            _say(f"warning: {project.script_location}: trace stopped: {report.failure}")
        for record in report.records:
            traced.setdefault(os.path.realpath(str(record["file"])), []).append(record)
    return traced

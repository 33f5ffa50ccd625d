"""`alembic-ls check --database scratch`: the scratch checks of every project, as findings."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from alembic_ls.checker import enabled_rules
from alembic_ls.operations.scratch import scratch_check
from alembic_ls.operations.session import ProjectSession
from alembic_ls.project import Project
from alembic_ls.rules.base import Finding
from alembic_ls.runner.launch import detect_launch
from alembic_ls.runner.process import AgentProcess
from alembic_ls.settings import Settings


def _stderr(message: str) -> None:
    print(f"alembic-ls: {message}", file=sys.stderr)


async def _check_all(
    projects: Sequence[tuple[Project, Settings]],
    interpreter: list[str] | None,
    timeout: float,
    server_url: str | None,
    say: Callable[[str], None],
    verbose: bool,
) -> list[Finding]:
    findings: list[Finding] = []
    for project, settings in projects:
        launch = detect_launch(project.root, None, interpreter)
        agent = AgentProcess(launch, timeout=timeout, log=say if verbose else None)
        say(f"{project.script_location}: running Alembic with {launch.command_line} ({launch.reason})")
        prefix = project.root.name

        def report(message: str, prefix: str = prefix) -> None:
            say(f"{prefix}: {message}")

        session = ProjectSession(project, agent, settings, report=report)
        try:
            outcome = await scratch_check(session, server_url)
        finally:
            await agent.stop()
        enabled = {rule.code for rule in enabled_rules(settings)}
        findings.extend(f for f in outcome.findings if f.code in enabled)
    return findings


def scratch_findings(
    projects: Sequence[tuple[Project, Settings]],
    interpreter: list[str] | None = None,
    timeout: float = 600.0,
    server_url: str | None = None,
    say: Callable[[str], None] = _stderr,
    verbose: bool = False,
) -> list[Finding]:
    found = asyncio.run(_check_all(projects, interpreter, timeout, server_url, say, verbose))
    return sorted(found, key=lambda f: (Path(f.path), f.span.line, f.code))

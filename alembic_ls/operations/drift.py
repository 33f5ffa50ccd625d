"""The drift check (AM601): compare models and database through the agent, place findings on model lines.

Nothing is written: the agent runs autogenerate's comparison on a read-only connection. When the database
is not at the head revision, comparing is meaningless (every unapplied revision would show up), so the
report says so instead of listing differences.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from alembic_ls.agent.payload.alembic_ls_agent import protocol
from alembic_ls.drift.locate import locate
from alembic_ls.operations.inspect import pending_revisions
from alembic_ls.operations.session import ProjectSession, short
from alembic_ls.rules.base import Finding
from alembic_ls.runner.errors import AgentError


@dataclass
class DriftReport:
    ok: bool
    message: str
    findings: list[Finding] = field(default_factory=list)
    diffs: list[protocol.Diff] = field(default_factory=list)
    model_files: list[str] = field(default_factory=list)
    up_to_date: bool = True
    suggestion: str | None = None


async def drift(session: ProjectSession) -> DriftReport:
    try:
        answer = await session.drift()
    except AgentError as error:
        return DriftReport(False, session.explain(await session.enrich(error), "the drift check"))
    sources = answer.get("sources") or {}
    model_files = sorted({s["file"] for s in sources.values()})
    if not answer["upToDate"]:
        current = answer["current"]
        graph, pending = await session.on_index(
            lambda index: (index.graph, pending_revisions(index.graph, current))
        )
        heads = ", ".join(short(h) for h in graph.heads)
        where = (
            "does not exist yet"
            if answer.get("databaseMissing")
            else f"is {len(pending)} revision(s) behind the head ({heads})"
        )
        return DriftReport(
            True,
            f"Not compared: the database {where}; upgrade it first, then models and migrations can be "
            "compared.",
            model_files=model_files,
            up_to_date=False,
        )
    diffs = answer["diffs"]
    fallback = model_files[0] if model_files else str(session.project.script_location / "env.py")
    root = str(session.project.root)
    located = locate(diffs, sources, fallback, lambda message: {"project": root, "message": message})
    if not diffs:
        message = "Models and migrations agree: autogenerate would find nothing to do."
    else:
        message = f"{len(diffs)} difference(s) between the models and the database at head."
    return DriftReport(
        True, message, located.findings, diffs, model_files, suggestion=located.suggestion if diffs else None
    )

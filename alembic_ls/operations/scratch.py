"""CI check on a scratch database: upgrade base -> heads, drift (`alembic check`), then the round trip.

The scratch database is a temporary SQLite file, or one made with CREATE DATABASE on the server named by
the project's URL (or `server_url`); it is dropped afterwards whatever happens. Every problem becomes a
Finding on the revision file and line it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from alembic_ls.agent.payload.alembic_ls_agent import protocol
from alembic_ls.analysis.revision_file import Span
from alembic_ls.analysis.source_text import split_lines
from alembic_ls.operations.scratch_database import scratch_database
from alembic_ls.operations.session import ProjectSession, short
from alembic_ls.rules.base import Finding
from alembic_ls.rules.registry import RULES
from alembic_ls.runner.errors import AgentError

UPGRADE_FAILS, DOWNGRADE_FAILS, DOWNGRADE_INCOMPLETE = "AM701", "AM702", "AM703"
MODEL_DRIFT, DATABASE_UNREACHABLE, ENVIRONMENT_ERROR = "AM601", "AM603", "AM605"
CHECK_COMMAND = "`alembic-ls check --database scratch`"


@dataclass
class ScratchReport:
    findings: list[Finding] = field(default_factory=list)
    database: str | None = None  # the scratch database, password masked
    dropped: bool = False


def _lines(path: str) -> list[str]:
    try:
        return split_lines(Path(path).read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return []


def line_span(path: str, line: int | None) -> Span:
    """The whole of a 1-based line (line 1 when unknown)."""
    index = max((line or 1) - 1, 0)
    lines = _lines(path)
    text = lines[index] if index < len(lines) else ""
    start = len(text) - len(text.lstrip())
    return Span(index, start, index, len(text))


def _finding(code: str, path: str, span: Span, message: str) -> Finding:
    return Finding(code, message, path, span, RULES[code].severity)


def _url_line(session: ProjectSession) -> tuple[str, Span]:
    config = session.project.config_file
    if config is None:
        env = session.project.script_location / "env.py"
        return str(env), line_span(str(env), 1)
    for number, text in enumerate(_lines(str(config)), start=1):
        if text.strip().startswith("sqlalchemy.url"):
            return str(config), line_span(str(config), number)
    return str(config), line_span(str(config), 1)


def error_finding(session: ProjectSession, error: AgentError, action: str) -> Finding:
    """An agent failure as a finding where it can be fixed."""
    message = session.explain(error, action)
    if error.kind == protocol.DATABASE_UNREACHABLE:
        path, span = _url_line(session)
        return _finding(DATABASE_UNREACHABLE, path, span, message)
    if error.file and session.project.owns(Path(error.file)):
        return _finding(UPGRADE_FAILS, error.file, line_span(error.file, error.line), message)
    if error.file:
        return _finding(ENVIRONMENT_ERROR, error.file, line_span(error.file, error.line), message)
    env = str(session.project.script_location / "env.py")
    return _finding(ENVIRONMENT_ERROR, env, line_span(env, 1), message)


async def _downgrade_line(session: ProjectSession, rid: str) -> tuple[str, Span] | None:
    rev = (await session.graph()).revisions.get(rid)
    if rev is None:
        return None
    function = rev.downgrade
    span = function.name_span if function is not None else (rev.revision.span if rev.revision else None)
    return rev.path, line_span(rev.path, (span.line + 1) if span else 1)


async def scratch_check(session: ProjectSession, server_url: str | None = None) -> ScratchReport:
    report = ScratchReport()
    try:
        async with scratch_database(session, server_url) as scratch:
            report.database = scratch.display
            report.findings.extend(await _checks(scratch.session))
    except AgentError as error:  # the scratch database could not be made
        report.findings.append(error_finding(session, error, CHECK_COMMAND))
        return report
    report.dropped = scratch.dropped
    return report


async def _checks(session: ProjectSession) -> list[Finding]:
    try:
        revisions = (await session.history())["revisions"]
    except AgentError as error:
        return [error_finding(session, error, CHECK_COMMAND)]
    if not revisions:
        return []
    session.report(f"upgrade base -> heads ({len(revisions)} revisions)")
    try:
        await session.upgrade("heads")
    except AgentError as error:
        return [error_finding(session, error, CHECK_COMMAND)]
    findings = await _drift(session, revisions)
    findings.extend(await _round_trip(session, revisions))
    return findings


async def _drift(session: ProjectSession, revisions: list[protocol.RevisionInfo]) -> list[Finding]:
    session.report("comparing the models with the migrated database (alembic check)")
    try:
        diffs = (await session.drift())["diffs"]
    except AgentError as error:
        return [error_finding(session, error, CHECK_COMMAND)]
    if not diffs:
        return []
    head = next((r for r in revisions if r["isHead"]), revisions[0])
    path = head["path"]
    rev = await session.on_index(lambda index: index.get(path))
    line = rev.revision.span.line + 1 if rev is not None and rev.revision is not None else 1
    return [
        _finding(
            MODEL_DRIFT,
            path,
            line_span(path, line),
            f"The models differ from the database after `upgrade heads`: {diff['text']}. No migration "
            'covers it: generate one (`alembic revision --autogenerate -m "..."`).',
        )
        for diff in diffs
    ]


async def _round_trip(session: ProjectSession, revisions: list[protocol.RevisionInfo]) -> list[Finding]:
    """Heads to base, one revision at a time: downgrade it, upgrade it again, downgrade it again."""
    plan: list[tuple[Literal["upgrade", "downgrade"], str, str]] = []  # (method, target, revision)
    for rev in revisions:  # walk_revisions order: heads first
        rid = rev["revision"]
        plan += [("downgrade", f"{rid}-1", rid), ("upgrade", rid, rid), ("downgrade", f"{rid}-1", rid)]
    session.report(f"round trip: downgrade, upgrade, downgrade each of {len(revisions)} revisions")
    try:
        outcomes = await session.migrations([(m, {"target": t}) for m, t, _r in plan], stop_on_error=True)
    except AgentError as error:
        return [error_finding(session, error, CHECK_COMMAND)]
    for number, failed in enumerate(outcomes):
        if not isinstance(failed, AgentError):
            continue
        method, _target, rid = plan[number]
        if failed.kind not in (protocol.USER_CODE, protocol.MIGRATION_FAILED):
            return [error_finding(session, failed, CHECK_COMMAND)]
        reason = session.explain(failed, CHECK_COMMAND)
        if method == "upgrade":
            where = await _downgrade_line(session, rid)
            path, span = where if where else (failed.file or "", line_span(failed.file or "", failed.line))
            return [
                _finding(
                    DOWNGRADE_INCOMPLETE,
                    path,
                    span,
                    f"After downgrading {short(rid)}, upgrading it again fails, so its downgrade does not "
                    f"undo its upgrade. {reason}",
                )
            ]
        path = failed.file or (await _downgrade_line(session, rid) or ("", Span(0, 0, 0, 0)))[0]
        return [
            _finding(
                DOWNGRADE_FAILS,
                path,
                line_span(path, failed.line),
                f"Downgrade of {short(rid)} fails. {reason}",
            )
        ]
    return []

"""`alembic-ls trace`: each revision's upgrade run on a scratch PostgreSQL database, one transaction
per revision, with what every statement did (the locks it took, the tables it rewrote, how long it
ran, the op call it came from) — then rolled back, and the revision applied for real so the next one
starts from its parent.

Static rules guess what a migration locks; this reads it from PostgreSQL (`pg_locks`), as Eugene does
for SQL scripts. The scratch database is created and dropped as `check --database scratch` does: the
project's own database is never touched. A revision that runs statements outside the transaction
(`autocommit_block()`, for CONCURRENTLY) cannot be traced in one and is recorded as not traced.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from alembic_ls.agent.payload.alembic_ls_agent import protocol
from alembic_ls.analysis.index import ProjectIndex
from alembic_ls.operations.scratch_database import scratch_database
from alembic_ls.operations.session import ProjectSession
from alembic_ls.runner.errors import AgentError

NOT_IN_A_TRANSACTION = "runs statements outside a transaction (autocommit_block): not traced"


@dataclass
class TraceReport:
    # {"revision", "file", "line" (1-based), "op", "sql", "locks": [{"relation", "mode"}], "rewrite",
    #  "rewritten", "ms"}; or {"revision", "file", "line", "not_traced": why} for a whole revision.
    records: list[dict[str, Any]] = field(default_factory=list)
    failure: str | None = None  # the revision whose upgrade failed, and why
    database: str | None = None  # the scratch database, password masked
    dropped: bool = False


async def trace_project(
    session: ProjectSession, server_url: str | None = None, revision: str | None = None, seed: bool = True
) -> TraceReport:
    report = TraceReport()
    try:
        async with scratch_database(session, server_url) as scratch:
            report.database = scratch.display
            await _trace_all(scratch.session, report, revision, seed)
    except AgentError as error:
        report.failure = report.failure or session.explain(error, "`alembic-ls trace`")
    else:
        report.dropped = scratch.dropped
    return report


async def _trace_all(session: ProjectSession, report: TraceReport, only: str | None, seed: bool) -> None:
    order = list(reversed((await session.history())["revisions"]))  # walk_revisions gives heads first
    wanted = _match(order, only) if only else None
    for entry in order:
        rid, path = entry["revision"], entry["path"]
        if wanted is None or rid == wanted:
            session.report(f"tracing {rid[:12]}")
            outside = await _outside_transaction(session, path)
            if outside is not None:
                report.records.append(
                    {"revision": rid, "file": path, "line": outside, "not_traced": NOT_IN_A_TRANSACTION}
                )
            else:
                try:
                    traced = await session.trace(rid, seed)
                except AgentError as error:
                    report.failure = f"{rid[:12]}: {session.explain(error, '`alembic-ls trace`')}"
                    return
                for record in traced["records"]:
                    report.records.append({"revision": rid, "file": traced["file"], **record})
        try:
            await session.upgrade(rid)
        except AgentError as error:
            report.failure = f"{rid[:12]}: {session.explain(error, '`alembic-ls trace`')}"
            return
        if rid == wanted:
            return


def _match(order: list[protocol.RevisionInfo], wanted: str) -> str:
    found = [e["revision"] for e in order if e["revision"].startswith(wanted)]
    if len(found) != 1:
        problem = "is ambiguous" if found else "is not in the project"
        raise AgentError("bad-request", f"revision {wanted!r} {problem}")
    return found[0]


async def _outside_transaction(session: ProjectSession, path: str) -> int | None:
    """The 1-based line of the revision's first statement run in an autocommit block, if any."""

    def first(index: ProjectIndex) -> int | None:
        rev = index.get(path)
        if rev is None:
            return None
        lines = [op.span.line + 1 for op in rev.ops_in("upgrade") if op.in_autocommit_block]
        return min(lines) if lines else None

    found: int | None = await session.on_index(first)
    return found


def run_trace(
    session_for: Callable[[], tuple[ProjectSession, Callable[[], Awaitable[None]]]],
    server_url: str | None,
    revision: str | None,
    seed: bool,
) -> TraceReport:
    """Synchronously, for the command line: `session_for()` gives a session and how to stop its agent."""

    async def run() -> TraceReport:
        session, stop = session_for()
        try:
            return await trace_project(session, server_url, revision, seed)
        finally:
            await stop()

    return asyncio.run(run())


def render_trace(report: TraceReport, fmt: str, shown_path: Callable[[str], str]) -> str:
    if fmt == "json":
        return json.dumps(report.records, indent=2)
    out = []
    for record in report.records:
        where = f"{shown_path(str(record['file']))}:{record['line']}:"
        if "not_traced" in record:
            out.append(f"{where} {record['revision'][:12]} {record['not_traced']}")
            continue
        locks = ", ".join(f"{lock['mode']} {lock['relation']}" for lock in record["locks"]) or "no new lock"
        rewrite = f" · rewrite {', '.join(record['rewritten'])}" if record["rewrite"] else ""
        out.append(f"{where} {record['op']}  {locks}{rewrite} · {record['ms']:.0f} ms")
    return "\n".join(out)

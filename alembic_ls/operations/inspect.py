"""Read-only commands: current, heads, history, and the status pushed to clients. None of them writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alembic_ls.analysis.graph import RevisionGraph
from alembic_ls.operations.result import OperationResult
from alembic_ls.operations.session import ProjectSession, short
from alembic_ls.runner.errors import AgentError


def applied_set(graph: RevisionGraph, current: list[str]) -> set[str]:
    applied: set[str] = set()
    for rid in current:
        applied.add(rid)
        applied |= graph.ancestors(rid)
    return applied


def pending_revisions(graph: RevisionGraph, current: list[str]) -> list[str]:
    """Revisions on disk that the database has not applied, oldest first (linear in the graph's size)."""
    applied = applied_set(graph, current)
    depth: dict[str, int] = {}

    def depth_of(rid: str) -> int:
        # Longest path down to a base, iteratively: a history is thousands of revisions deep.
        stack = [rid]
        while stack:
            top = stack[-1]
            if top in depth:
                stack.pop()
                continue
            parents = [p for p in graph.parents(top) if p in graph.revisions and p not in graph.in_cycle]
            waiting = [p for p in parents if p not in depth]
            if waiting:
                stack.extend(waiting)
                continue
            depth[top] = 1 + max((depth.get(p, 0) for p in parents), default=0)
            stack.pop()
        return depth[rid]

    missing = [rid for rid in graph.revisions if rid not in applied]
    return sorted(missing, key=lambda rid: (depth_of(rid), rid))


def describe_position(graph: RevisionGraph, current: list[str]) -> str:
    if not current:
        return "no revision applied (empty database)"
    names = []
    for rid in current:
        tag = " (head)" if rid in graph.heads else ""
        rev = graph.revisions.get(rid)
        message = f' "{rev.message}"' if rev is not None and rev.message else ""
        names.append(f"{short(rid)}{tag}{message}")
    return ", ".join(names)


async def current(session: ProjectSession) -> OperationResult:
    try:
        answer = await session.current()
    except AgentError as error:
        return await session.failure(error, "current")
    revisions = answer["current"]
    graph, pending = await session.on_index(
        lambda index: (index.graph, pending_revisions(index.graph, revisions))
    )
    message = f"The database is at {describe_position(graph, revisions)}."
    if answer["databaseMissing"]:
        message = "The database does not exist yet (no SQLite file): no revision applied."
    if pending:
        message += f" {len(pending)} revision{'s' if len(pending) != 1 else ''} not applied: " + ", ".join(
            short(p) for p in pending
        )
        message += "."
    elif revisions:
        message += " Nothing to upgrade."
    return OperationResult(
        True,
        message,
        {"current": revisions, "heads": list(graph.heads), "pending": pending},
    )


async def heads(session: ProjectSession) -> OperationResult:
    try:
        answer = await session.heads()
    except AgentError as error:
        return await session.failure(error, "heads")
    found = answer["heads"]
    listed = "; ".join(f'{short(h["revision"])} "{h["message"] or ""}"' for h in found)
    if len(found) == 1:
        message = f"One head: {listed}."
    elif not found:
        message = "No revisions yet."
    else:
        unlabelled = [h for h in found if not h["branchLabels"]]
        message = f"{len(found)} heads: {listed}."
        if len(unlabelled) > 1:
            wording = session.wording
            message += (
                f" {wording.upgrade_head_command} cannot choose between them: merge them first "
                f"({wording.merge_heads_command})."
            )
    return OperationResult(True, message, {"heads": found})


async def history(session: ProjectSession) -> OperationResult:
    try:
        read, walked = await session.current_and_history()
    except AgentError as error:
        return await session.failure(error, "history")
    if isinstance(walked, AgentError):
        return await session.failure(walked, "history")
    current_ids = [] if isinstance(read, AgentError) else read["current"]
    graph, applied = await session.on_index(
        lambda index: (index.graph, applied_set(index.graph, current_ids))
    )
    lines = []
    revisions: list[dict[str, object]] = []
    for rev in walked["revisions"]:
        is_current = rev["revision"] in current_ids
        is_applied = None if isinstance(read, AgentError) else rev["revision"] in applied
        revisions.append({**rev, "applied": is_applied, "current": is_current})
        parents = ", ".join(short(p) for p in rev["downRevisions"]) or "<base>"
        tags = [t for t, on in (("head", rev["isHead"]), ("current", is_current)) if on]
        tag = f" ({', '.join(tags)})" if tags else ""
        lines.append(f"{parents} -> {short(rev['revision'])}{tag}, {rev['message'] or ''}")
    message = f"{len(revisions)} revisions; the database is at {describe_position(graph, current_ids)}."
    data: dict[str, Any] = {"revisions": revisions, "current": current_ids, "text": "\n".join(lines)}
    if isinstance(read, AgentError):
        data["databaseError"] = session.explain(read, "history")
        message = f"{len(revisions)} revisions (the database could not be read: see databaseError)."
    return OperationResult(True, message, data)


@dataclass
class DatabasePosition:
    """What `alembic_version` says, with the revision files it is compared to."""

    current: list[str] | None  # None: the database could not be read
    heads: list[str]
    pending: int
    missing: bool = False  # the database does not exist yet (no SQLite file)
    error: str | None = None  # why it could not be read, for the user

    def status_entry(
        self, script_location: str, drift: int = 0, drift_not_compared: str | None = None
    ) -> dict[str, Any]:
        """One project's entry of the `alembic-ls/status` notification."""
        return {
            "scriptLocation": script_location,
            "current": self.current,
            "heads": self.heads,
            "pending": self.pending,
            "drift": drift,
            "databaseError": self.error,
            "driftNotCompared": drift_not_compared,
        }


async def position(session: ProjectSession) -> DatabasePosition:
    """Where the database is. Reads alembic_version only."""
    try:
        answer = await session.current()
    except AgentError as error:
        explained = session.explain(await session.enrich(error), "reading the current revision")
        graph = await session.graph()
        return DatabasePosition(None, list(graph.heads), 0, error=explained)
    revisions = answer["current"]
    heads, pending = await session.on_index(
        lambda index: (list(index.graph.heads), len(pending_revisions(index.graph, revisions)))
    )
    return DatabasePosition(revisions, heads, pending, missing=answer["databaseMissing"])


async def status(session: ProjectSession) -> dict[str, Any]:
    """One project's entry of the `alembic-ls/status` notification. Reads alembic_version only."""
    return (await position(session)).status_entry(str(session.project.script_location))

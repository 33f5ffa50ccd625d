"""Merge heads (the AM301 action): one merge revision whose down_revision names every head."""

from __future__ import annotations

from pathlib import Path

from alembic_ls.operations import new_revision
from alembic_ls.operations.result import OperationResult
from alembic_ls.operations.session import ProjectSession, short
from alembic_ls.runner.errors import AgentError


async def merge_heads(session: ProjectSession, message: str = "merge heads") -> OperationResult:
    heads = (await session.graph()).heads
    if len(heads) < 2:
        only = f" ({short(heads[0])})" if heads else ""
        return OperationResult(True, f"Nothing to merge: the project has one head{only}.", {"created": []})
    session.report(f"merging {', '.join(short(h) for h in heads)}")
    try:
        answer = await session.merge(message.strip() or "merge heads")
    except AgentError as error:
        return await session.failure(error, "merge heads")
    created = answer["created"]
    if not created:
        return OperationResult(False, "alembic wrote no merge revision.", {"error": "not-created"})
    path = Path(created[0]["path"])
    done = await new_revision.finish(session, path)
    remaining = done.heads
    return OperationResult(
        True,
        f"Merged {', '.join(short(h) for h in heads)} in {path.name}; the project now has "
        f"{len(remaining)} head{'s' if len(remaining) != 1 else ''}. {new_revision.describe(done)}",
        {
            "revision": created[0]["revision"],
            "path": str(path),
            "merged": list(heads),
            "heads": list(remaining),
            "findings": new_revision.findings_json(done),
        },
        show=[path],
    )

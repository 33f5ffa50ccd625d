"""Generate a migration with autogenerate, and the rule book's "delete and regenerate" for the newest one."""

from __future__ import annotations

from pathlib import Path

from alembic_ls.operations import new_revision
from alembic_ls.operations.inspect import applied_set
from alembic_ls.operations.migrate import upgrade
from alembic_ls.operations.result import OperationResult
from alembic_ls.operations.session import ProjectSession, short
from alembic_ls.runner.errors import AgentError


async def generate(session: ProjectSession, message: str) -> OperationResult:
    message = message.strip()
    if not message:
        return OperationResult(
            False,
            'A migration needs a message saying what it does (for example "add score to post").',
            {"error": "no-message"},
        )
    session.report(f'autogenerate "{message}"')
    try:
        answer = await session.generate(message)
    except AgentError as error:
        return await session.failure(error, "generate migration")
    created = answer["created"]
    if answer["noChanges"] or not created:
        return OperationResult(
            True,
            "No changes detected: the models match the database, so no migration was written.",
            {"noChanges": True, "created": []},
        )
    path = Path(created[0]["path"])
    session.report(f"linting {path.name}")
    done = await new_revision.finish(session, path)
    changes = answer["changes"]
    what = f" ({'; '.join(changes[:4])}{'; ...' if len(changes) > 4 else ''})" if changes else ""
    text = f"Generated {path.name}{what}. {new_revision.describe(done)} Review it, then upgrade."
    return OperationResult(
        True,
        text,
        {
            "noChanges": False,
            "revision": created[0]["revision"],
            "path": str(path),
            "changes": changes,
            "importsAdded": done.imports_added,
            "findings": new_revision.findings_json(done),
        },
        show=[path],
    )


async def regenerate(session: ProjectSession, revision: str, confirmed: bool = False) -> OperationResult:
    """Delete the newest revision and autogenerate it again with the same message.

    Refused for a revision with children (others build on it) or one the database has applied (the
    database would be left at a revision that no longer exists). When the database is behind the
    revision's parent, autogenerate needs it upgraded first: that applies revisions the user has not
    chosen to apply (which may drop columns), so it needs `confirmed`. The original file is put back
    when generating fails or finds nothing to write.
    """
    graph = await session.graph()
    matches = [rid for rid in graph.revisions if rid.startswith(revision.strip())] if revision.strip() else []
    if len(matches) != 1:
        what = "matches several revisions" if matches else "is not a revision of this project"
        return OperationResult(False, f"`{revision}` {what}.", {"error": "unknown-revision"})
    rid = matches[0]
    rev = graph.revisions[rid]
    if graph.children.get(rid):
        kids = ", ".join(short(k) for k in graph.children[rid])
        return OperationResult(
            False,
            f"{short(rid)} is not the newest revision ({kids} build on it): only a head can be regenerated.",
            {"error": "not-newest"},
        )
    try:
        current = (await session.current())["current"]
    except AgentError as error:
        return await session.failure(error, "regenerate")
    if rid in applied_set(graph, current):
        return OperationResult(
            False,
            f"{short(rid)} is applied to the database; regenerating it would leave the database at a "
            "revision that no longer exists. Downgrade it first (Downgrade -1), then regenerate.",
            {"error": "applied"},
        )
    applied = await session.on_index(lambda index: applied_set(index.graph, current))
    behind = [p for p in rev.parents if p not in applied]
    if behind and not confirmed:
        parents = ", ".join(short(p) for p in behind)
        return OperationResult(
            False,
            f"Regenerate was not run: autogenerate needs the database at {parents} "
            f"(the parent of {short(rid)}) first, and it is not there yet, so regenerating would upgrade "
            'your database. Upgrade it yourself first, or run regenerate again with "confirmed": true once '
            "the user has agreed.",
            {"error": "not-confirmed"},
        )
    message = rev.message or Path(rev.path).stem
    path = Path(rev.path)
    original = path.read_bytes()
    path.unlink()
    try:
        result = await _generate_again(session, rev.parents, current, message)
    except BaseException:  # cancelled or crashed half way: never lose the user's file
        path.write_bytes(original)
        raise
    if not result.ok or result.data.get("noChanges"):
        path.write_bytes(original)
        reason = (
            result.message
            if not result.ok
            else "autogenerate found no changes (the revision is probably hand-written or a data migration)."
        )
        return OperationResult(
            False,
            f"Regenerate stopped: {reason} {path.name} is unchanged.",
            {"error": "not-regenerated"},
            steps=result.steps,
        )
    result.steps = [f"removed {path.name}", *result.steps]
    result.message = f"Regenerated {short(rid)} as {short(result.data['revision'])}: {result.message}"
    return result


async def _generate_again(
    session: ProjectSession, parents: tuple[str, ...], current: list[str], message: str
) -> OperationResult:
    """With the old file gone: bring the database to the new head if needed, then autogenerate."""
    applied = await session.on_index(lambda index: applied_set(index.graph, current))
    steps: list[str] = []
    if any(p not in applied for p in parents):
        moved = await upgrade(session, "head")
        steps.append(moved.message)
        if not moved.ok:
            return OperationResult(False, moved.message, {"error": "upgrade-failed"}, steps=steps)
    result = await generate(session, message)
    result.steps = [*steps, *result.steps]
    if result.ok and not result.data.get("noChanges"):
        result.steps.append(f"generated {Path(result.data['path']).name}")
    return result

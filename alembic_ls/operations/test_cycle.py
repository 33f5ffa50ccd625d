"""The rule book's check before committing: upgrade → downgrade → upgrade of the newest revision.

By default it runs on a scratch database (see scratch_database.py), one per head, brought to the head's
parent(s) first; the configured database is not touched. Running it on the configured database is an
explicit choice that needs `confirmed: true`, as a downgrade does: it drops what the newest revision
added, data included.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from alembic_ls.agent.payload.alembic_ls_agent import protocol
from alembic_ls.operations.agent_methods import Migration
from alembic_ls.operations.migrate import STOPPED_IN_A_REVISION, revisions_text, where_now
from alembic_ls.operations.result import OperationResult
from alembic_ls.operations.scratch_database import ScratchDatabase, scratch_database
from alembic_ls.operations.session import ProjectSession, short
from alembic_ls.runner.errors import AgentError

SCRATCH, CONFIGURED = "scratch", "configured"
ACTION = "the test cycle"

# One step of a cycle: (method, target, role); the role says what its failure means.
Step = tuple[Literal["upgrade", "downgrade"], str, str]


async def run_test_cycle(
    session: ProjectSession,
    database: str = SCRATCH,
    confirmed: bool = False,
    server_url: str | None = None,
) -> OperationResult:
    if database == CONFIGURED:
        if not confirmed:
            return OperationResult(
                False,
                "The test cycle on your database was not run: it downgrades the database, which can drop "
                "columns and their data. Run it on a scratch database (the default), or again with "
                '"confirmed": true once the user has agreed.',
                {"error": "not-confirmed"},
            )
        return await _on_configured(session)
    if database != SCRATCH:
        return OperationResult(
            False,
            f'`database` is "{SCRATCH}" (the default) or "{CONFIGURED}", not {database!r}.',
            {"error": "bad-argument"},
        )
    return await _on_scratch(session, server_url)


async def _on_scratch(session: ProjectSession, server_url: str | None) -> OperationResult:
    try:
        heads = (await session.heads())["heads"]
    except AgentError as error:
        return await session.failure(error, ACTION)
    if not heads:
        return OperationResult(
            False, "The project has no revisions yet: nothing to test.", {"error": "empty"}
        )
    sentences: list[str] = []
    steps: list[str] = []
    for head in heads:
        result = await _cycle_of(session, head, server_url)
        steps += result.steps
        if not result.ok:
            result.steps = steps
            return result
        sentences.append(result.message)
    return OperationResult(
        True,
        " ".join(sentences),
        {"passed": True, "database": SCRATCH, "heads": [h["revision"] for h in heads]},
        steps=steps,
    )


async def _cycle_of(
    session: ProjectSession, head: protocol.RevisionInfo, server_url: str | None
) -> OperationResult:
    """One head on its own scratch database, so no other branch is in the way of its downgrade."""
    rid = head["revision"]
    parents = head["downRevisions"]
    # Downgrading to one parent of a merge revision brings back all of its parents.
    plan: list[Step] = [("upgrade", p, "prepare") for p in parents]
    plan += [("upgrade", rid, "up"), ("downgrade", parents[0] if parents else "base", "down")]
    plan += [("upgrade", rid, "again")]
    try:
        async with scratch_database(session, server_url) as scratch:
            result = await _run(scratch, plan, head)
    except AgentError as error:
        result = await session.failure(error, ACTION)
        result.message = f"Test cycle not run: no scratch database could be made. {result.message}"
        return result
    dropped = (
        "scratch database dropped"
        if scratch.dropped
        else f"the scratch database {scratch.display} could not be dropped: drop it by hand"
    )
    if result.ok:
        name = short(rid)
        start = f" (brought to {', '.join(short(p) for p in parents)} first)" if parents else ""
        result.message = (
            f"Test cycle passed on a scratch database {scratch.display}{start}: upgraded {name}, "
            f"downgraded {name}, upgraded {name}; {dropped}."
        )
    else:
        result.message += f" Your database was not touched; {dropped}."
    result.data["scratchDropped"] = scratch.dropped
    return result


def _failed_at(role: str, scratch: ScratchDatabase, head: protocol.RevisionInfo, target: str) -> str:
    name = f'{short(head["revision"])} "{head["message"] or ""}"'
    where = f"on a scratch database {scratch.display}"
    if role == "prepare":
        return f"Test cycle could not start {where}: upgrading to {short(target)} (before {name}) fails."
    if role == "up":
        return f"Test cycle failed {where}: upgrading {name} fails."
    if role == "down":
        return f"Test cycle failed {where}: the downgrade of {name} fails."
    return (
        f"Test cycle failed {where}: after downgrading {name}, upgrading it again fails, so its downgrade "
        "does not undo its upgrade."
    )


async def _run(scratch: ScratchDatabase, plan: list[Step], head: protocol.RevisionInfo) -> OperationResult:
    session = scratch.session

    def on_step(index: int, done: protocol.MigrateResult) -> None:
        if index < len(plan):
            session.report(_step_line(plan[index], done["steps"]))

    migrations: list[Migration] = [(m, {"target": t}) for m, t, _r in plan]
    try:
        outcomes = await session.migrations(migrations, stop_on_error=True, on_step=on_step)
    except AgentError as error:
        return await session.failure(error, ACTION)
    steps: list[str] = []
    for (method, target, role), outcome in zip(plan, outcomes, strict=False):
        if isinstance(outcome, AgentError):
            result = await session.failure(outcome, ACTION)
            result.message = f"{_failed_at(role, scratch, head, target)} {result.message}"
            result.steps = [*steps, f"{method} {short(target)}: failed"]
            return result
        steps.append(_step_line((method, target, role), outcome["steps"]))
    return OperationResult(True, "", {"passed": True}, steps=steps)


def _step_line(step: Step, done: Sequence[protocol.StepInfo]) -> str:
    method, target, _role = step
    verb = "reverted" if method == "downgrade" else "applied"
    return f"{method} {short(target)}: {verb} {revisions_text(done) or 'nothing'}"


async def _on_configured(session: ProjectSession) -> OperationResult:
    """`downgrade -1`, then `upgrade head`, on the configured database (the user confirmed it)."""
    try:
        before = await session.current()
    except AgentError as error:
        return await session.failure(error, ACTION)
    if not before["current"]:
        return OperationResult(
            False,
            "The database has no revision applied, so there is nothing to downgrade: run Upgrade first, "
            "then the test cycle.",
            {"error": "empty-database"},
        )
    # The user confirmed this run: the agent refuses a downgrade of a real database otherwise.
    migrations: list[Migration] = [
        ("downgrade", {"target": "-1", "confirmed": True}),
        ("upgrade", {"target": "head"}),
    ]
    plan = [(method, params["target"]) for method, params in migrations]
    steps: list[str] = []

    def on_step(index: int, done: protocol.MigrateResult) -> None:
        if index < len(plan):
            method, target = plan[index]
            verb = "reverted" if method == "downgrade" else "applied"
            session.report(f"{method} {target}: {verb} {revisions_text(done['steps']) or 'nothing'}")

    try:
        outcomes = await session.migrations(migrations, on_step=on_step)
    except AgentError as error:
        return await session.failure(error, ACTION)
    for (method, target), outcome in zip(plan, outcomes, strict=False):
        if isinstance(outcome, AgentError):
            result = await session.failure(outcome, f"{method} {target}")
            result.message = f"Test cycle failed at `{method} {target}` on your database: {result.message}"
            if outcome.kind in STOPPED_IN_A_REVISION:
                result.message += await where_now(session)
            result.steps = [*steps, f"{method} {target}: failed"]
            return result
        verb = "reverted" if method == "downgrade" else "applied"
        steps.append(f"{method} {target}: {verb} {revisions_text(outcome['steps']) or 'nothing'}")
    return OperationResult(
        True,
        "Test cycle passed on your database (sqlalchemy.url): " + "; then ".join(steps) + ".",
        {"passed": True, "database": CONFIGURED},
        steps=steps,
    )

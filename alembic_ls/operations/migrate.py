"""Commands that change the database: upgrade, downgrade (only when confirmed) and the test cycle."""

from __future__ import annotations

from typing import Any

from alembic_ls.agent.payload.alembic_ls_agent import protocol
from alembic_ls.operations.inspect import describe_position
from alembic_ls.operations.result import OperationResult
from alembic_ls.operations.session import ProjectSession, short
from alembic_ls.runner.errors import AgentError

STOPPED_IN_A_REVISION = (protocol.USER_CODE, protocol.MIGRATION_FAILED)


def _revisions(steps: list[dict[str, Any]]) -> str:
    names = [f'{short(s.get("revision"))} "{s.get("message") or ""}"' for s in steps]
    return ", ".join(names)


async def _where_now(session: ProjectSession) -> str:
    try:
        answer = await session.call("current")
    except AgentError:
        return ""
    return f" The database is now at {describe_position(await session.graph(), answer.get('current', []))}."


async def upgrade(session: ProjectSession, target: str = "head") -> OperationResult:
    session.report(f"upgrade {target}")
    try:
        answer = await session.call("upgrade", {"target": target})
    except AgentError as error:
        result = await session.failure(error, f"upgrade {target}")
        if error.kind in STOPPED_IN_A_REVISION:
            result.message += await _where_now(session)
        return result
    steps: list[dict[str, Any]] = answer.get("steps", [])
    if not steps:
        return OperationResult(
            True, f"Nothing to upgrade: the database is already at {target}.", {"applied": []}
        )
    last = steps[-1].get("revision")
    message = (
        f"Upgraded to {short(last)}: applied {len(steps)} revision{'s' if len(steps) != 1 else ''} "
        f"({_revisions(steps)})."
    )
    return OperationResult(
        True,
        message,
        {"applied": [s.get("revision") for s in steps]},
        steps=[f'applied {short(s.get("revision"))} "{s.get("message") or ""}"' for s in steps],
    )


async def downgrade(session: ProjectSession, target: str = "-1", confirmed: bool = False) -> OperationResult:
    if not confirmed:
        return OperationResult(
            False,
            f"Downgrade {target} was not run: it changes the database and can drop columns and their data. "
            'Run it again with "confirmed": true once the user has agreed.',
            {"error": "not-confirmed"},
        )
    session.report(f"downgrade {target}")
    try:
        answer = await session.call("downgrade", {"target": target})
    except AgentError as error:
        result = await session.failure(error, f"downgrade {target}")
        if error.kind in STOPPED_IN_A_REVISION:
            result.message += await _where_now(session)
        return result
    steps: list[dict[str, Any]] = answer.get("steps", [])
    if not steps:
        return OperationResult(True, f"Nothing to downgrade for target {target}.", {"reverted": []})
    message = f"Reverted {len(steps)} revision{'s' if len(steps) != 1 else ''} ({_revisions(steps)})."
    message += await _where_now(session)
    return OperationResult(
        True,
        message,
        {"reverted": [s.get("revision") for s in steps]},
        steps=[f'reverted {short(s.get("revision"))} "{s.get("message") or ""}"' for s in steps],
    )


async def run_test_cycle(session: ProjectSession) -> OperationResult:
    """The rule book's check before committing: `downgrade -1`, then `upgrade head`, each step reported."""
    try:
        before = await session.call("current")
    except AgentError as error:
        return await session.failure(error, "the test cycle")
    if not before.get("current"):
        return OperationResult(
            False,
            "The database has no revision applied, so there is nothing to downgrade: run Upgrade first, "
            "then the test cycle.",
            {"error": "empty-database"},
        )
    plan = [("downgrade", "-1"), ("upgrade", "head")]
    steps: list[str] = []

    def on_progress(progress: dict[str, Any]) -> None:
        index = progress.get("step")
        outcome = progress.get("outcome") or {}
        if not isinstance(index, int) or index >= len(plan):
            return
        method, target = plan[index]
        if outcome.get("ok"):
            done = outcome["result"].get("steps", [])
            verb = "reverted" if method == "downgrade" else "applied"
            session.report(f"{method} {target}: {verb} {_revisions(done) or 'nothing'}")

    try:
        answer = await session.call(
            "batch",
            {"steps": [{"method": m, "params": {"target": t}} for m, t in plan], "stopOnError": True},
            progress=on_progress,
        )
    except AgentError as error:
        return await session.failure(error, "the test cycle")
    for (method, target), outcome in zip(plan, answer["results"], strict=False):
        if not outcome["ok"]:
            failed = AgentError.from_agent(outcome["error"])
            result = await session.failure(failed, f"{method} {target}")
            result.message = f"Test cycle failed at `{method} {target}`: {result.message}"
            if failed.kind in STOPPED_IN_A_REVISION:
                result.message += await _where_now(session)
            result.steps = [*steps, f"{method} {target}: failed"]
            return result
        done = outcome["result"].get("steps", [])
        verb = "reverted" if method == "downgrade" else "applied"
        steps.append(f"{method} {target}: {verb} {_revisions(done) or 'nothing'}")
    return OperationResult(
        True,
        "Test cycle passed: " + "; then ".join(steps) + ".",
        {"passed": True},
        steps=steps,
    )

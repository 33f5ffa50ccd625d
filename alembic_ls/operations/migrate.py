"""Commands that change the database: upgrade, and downgrade (only when confirmed)."""

from __future__ import annotations

from collections.abc import Sequence

from alembic_ls.agent.payload.alembic_ls_agent import protocol
from alembic_ls.operations.inspect import describe_position
from alembic_ls.operations.result import OperationResult
from alembic_ls.operations.session import ProjectSession, short
from alembic_ls.runner.errors import AgentError

STOPPED_IN_A_REVISION = (protocol.USER_CODE, protocol.MIGRATION_FAILED)


def revisions_text(steps: Sequence[protocol.StepInfo]) -> str:
    names = [f'{short(s["revision"])} "{s["message"] or ""}"' for s in steps]
    return ", ".join(names)


async def where_now(session: ProjectSession) -> str:
    try:
        answer = await session.current()
    except AgentError:
        return ""
    return f" The database is now at {describe_position(await session.graph(), answer['current'])}."


async def upgrade(session: ProjectSession, target: str = "head") -> OperationResult:
    session.report(f"upgrade {target}")
    try:
        answer = await session.upgrade(target)
    except AgentError as error:
        result = await session.failure(error, f"upgrade {target}")
        if error.kind in STOPPED_IN_A_REVISION:
            result.message += await where_now(session)
        return result
    steps = answer["steps"]
    if not steps:
        return OperationResult(
            True, f"Nothing to upgrade: the database is already at {target}.", {"applied": []}
        )
    last = steps[-1]["revision"]
    message = (
        f"Upgraded to {short(last)}: applied {len(steps)} revision{'s' if len(steps) != 1 else ''} "
        f"({revisions_text(steps)})."
    )
    return OperationResult(
        True,
        message,
        {"applied": [s["revision"] for s in steps]},
        steps=[f'applied {short(s["revision"])} "{s["message"] or ""}"' for s in steps],
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
        answer = await session.downgrade(target, confirmed=True)
    except AgentError as error:
        result = await session.failure(error, f"downgrade {target}")
        if error.kind in STOPPED_IN_A_REVISION:
            result.message += await where_now(session)
        return result
    steps = answer["steps"]
    if not steps:
        return OperationResult(True, f"Nothing to downgrade for target {target}.", {"reverted": []})
    message = f"Reverted {len(steps)} revision{'s' if len(steps) != 1 else ''} ({revisions_text(steps)})."
    message += await where_now(session)
    return OperationResult(
        True,
        message,
        {"reverted": [s["revision"] for s in steps]},
        steps=[f'reverted {short(s["revision"])} "{s["message"] or ""}"' for s in steps],
    )

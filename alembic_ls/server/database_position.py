"""The database's position, as the agent last read it, in the editor: AM602 and "Upgrade to here".

The agent reads alembic_version for the `alembic-ls/status` notification; the position is handed to
the project's checker (on the analysis thread), so AM602 findings travel with every other finding:
published by the diagnostics engine, selected and suppressed like the rest. Only the files whose
applied-or-not state changed are re-checked, and clients that can are asked to fetch code lenses again.
"""

from __future__ import annotations

import contextlib
import logging

from lsprotocol import types

from alembic_ls.rules.am602_database_behind_head import UPGRADE
from alembic_ls.server.server import AlembicLanguageServer
from alembic_ls.workspace.state import ProjectState

logger = logging.getLogger("alembic_ls.agent")

CODE = "AM602"
NOT_APPLIED = "Not applied · Upgrade to here"


async def learn_position(
    server: AlembicLanguageServer, state: ProjectState, current: tuple[str, ...] | None
) -> None:
    """Record the database's current revisions (None: unknown) and update what depends on them."""

    def job() -> tuple[ProjectState | None, list[str]]:
        location = state.project.script_location
        fresh = next((p for p in server.state.projects if p.project.script_location == location), None)
        if fresh is None:
            return None, []
        return fresh, server.state.set_database(fresh, current)

    fresh, changed = await server.analyse(job)
    if fresh is None or not changed:
        return
    server.session.diagnostics.recheck(fresh, changed)
    refresh_code_lenses(server)


def refresh_code_lenses(server: AlembicLanguageServer) -> None:
    workspace = server.client_capabilities.workspace
    code_lens = workspace.code_lens if workspace else None
    if not (code_lens and code_lens.refresh_support):
        return

    async def ask() -> None:
        with contextlib.suppress(Exception):  # a client that fails the request keeps its old lenses
            await server.workspace_code_lens_refresh_async(None)

    server.spawn(ask(), "workspace/codeLens/refresh")


def upgrade_lens(project: ProjectState, rid: str, at: types.Range, uri: str) -> types.CodeLens | None:
    """Analysis thread: "Not applied · Upgrade to here" above a revision the database has not applied."""
    checker = project.checker
    applied = checker.context.applied_revisions()
    if applied is None or rid in applied or CODE not in checker.enabled_codes:
        return None
    if rid not in project.index.graph.revisions:
        return None
    command = types.Command(title=NOT_APPLIED, command=UPGRADE, arguments=[{"project": uri, "target": rid}])
    return types.CodeLens(range=at, command=command)

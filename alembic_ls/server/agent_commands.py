"""`workspace/executeCommand` handlers for the database commands (run through the project's agent).

Each command: finds the project (`args["project"]`, optional with one project), refuses in an untrusted
workspace, reports work-done progress (cancellable: cancelling stops the request in the agent), opens
generated files and SQL with `window/showDocument` (a client without it is told where they are: see
`telling`), and answers `{"ok", "message", ...}`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from alembic_ls import operations
from alembic_ls.operations import OperationResult, ProjectSession
from alembic_ls.operations.session import Deadline
from alembic_ls.server import sql_files
from alembic_ls.server.agent_hub import untrusted_message
from alembic_ls.server.commands import CommandRegistry, Result, resolve_project
from alembic_ls.server.paths import path_to_uri
from alembic_ls.server.progress import progress_of
from alembic_ls.server.project_gate import ProjectBusy
from alembic_ls.server.project_missing import no_project_message
from alembic_ls.server.server import AlembicLanguageServer
from alembic_ls.server.telling import can_show_documents, show_document
from alembic_ls.server.trace_locks import TRACE_LOCKS, run_trace_locks

logger = logging.getLogger("alembic_ls.agent")

Operation = Callable[[ProjectSession], Awaitable[OperationResult]]


def _text(args: dict[str, Any], key: str, default: str = "") -> str:
    value = args.get(key, default)
    return value if isinstance(value, str) else default


async def _show(server: AlembicLanguageServer, paths: list[Path]) -> bool:
    if not paths or not can_show_documents(server):
        return False
    shown = True
    for path in paths:
        shown = await show_document(server, path_to_uri(str(path.resolve()))) is True and shown
    return shown


def _files_changed(server: AlembicLanguageServer, paths: list[str]) -> None:
    """Tell the static side about revision files the command created or removed on disk."""
    for path in paths:
        server.session.diagnostics.file_changed_on_disk(str(Path(path).resolve()))


async def _no_project(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    message = await server.query(lambda: no_project_message(server, args), "", "explaining no project")
    return {"ok": False, "message": message or "No Alembic project found.", "error": "noProject"}


async def _run(
    server: AlembicLanguageServer,
    args: dict[str, Any],
    title: str,
    operation: Operation,
    *,
    changes_database: bool = False,
) -> Result:
    state = await server.query(lambda: resolve_project(server, args), None, "finding the project")
    if state is None:
        return await _no_project(server, args)
    if not state.client.trusted:
        return {"ok": False, "message": untrusted_message(state.client.wording), "error": "untrusted"}
    hub = server.session.agents
    # agentTimeout bounds the whole command, from now: waiting for the project included.
    deadline = Deadline.after(state.client.agent_timeout)
    no_files: set[str] = set()
    before = await server.query(lambda: set(state.index.files), no_files, "listing revision files")
    async with progress_of(server, title, cancellable=True) as progress:
        try:
            async with hub.gate(state).command(title, deadline.left()):
                session = hub.session(state, progress.report)
                session.deadline = deadline
                result = await operation(session)
        except ProjectBusy as busy:
            return _busy(title, busy, deadline)
        except asyncio.CancelledError:
            if not progress.cancelled:
                raise
            return {"ok": False, "message": f"{title} was cancelled.", "error": "cancelled"}
    created = [str(p) for p in result.show if p.suffix == ".py"]
    # A stat per revision file: thousands of them, so not on the event loop.
    removed = await asyncio.to_thread(lambda: [p for p in before if not Path(p).exists()])
    _files_changed(server, [*created, *removed])
    body = result.to_json()
    if result.show:
        body["shown"] = await _show(server, result.show)
    if changes_database or created or removed:
        hub.refresh_status(server)
        hub.drift.schedule(server, state)
    return body


def _busy(title: str, busy: ProjectBusy, deadline: Deadline) -> Result:
    return {
        "ok": False,
        "message": f"{title} did not start within {deadline.seconds:g} s: {busy.holder} was still running on "
        "this project. Run it again when that has finished, or raise the `agentTimeout` setting.",
        "error": "busy",
    }


async def generate_migration(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    message = _text(args, "message")
    return await _run(server, args, "generate migration", lambda s: operations.generate(s, message))


async def upgrade(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    target = _text(args, "target", "head") or "head"
    return await _run(
        server, args, f"upgrade {target}", lambda s: operations.upgrade(s, target), changes_database=True
    )


async def downgrade(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    target = _text(args, "target", "-1") or "-1"
    confirmed = args.get("confirmed") is True
    return await _run(
        server,
        args,
        f"downgrade {target}",
        lambda s: operations.downgrade(s, target, confirmed),
        changes_database=confirmed,
    )


async def test_cycle(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    """On a scratch database by default; `database: "configured"` needs `confirmed: true` (it downgrades)."""
    database = _text(args, "database", "scratch") or "scratch"
    confirmed = args.get("confirmed") is True
    return await _run(
        server,
        args,
        "test cycle",
        lambda s: operations.run_test_cycle(s, database, confirmed),
        changes_database=database == "configured" and confirmed,
    )


async def current(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    return await _run(server, args, "current", operations.current)


async def heads(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    return await _run(server, args, "heads", operations.heads)


async def history(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    return await _run(server, args, "history", operations.history)


async def merge_heads(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    message = _text(args, "message", "merge heads") or "merge heads"
    return await _run(server, args, "merge heads", lambda s: operations.merge_heads(s, message))


async def regenerate(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    revision = _text(args, "revision")
    confirmed = args.get("confirmed") is True  # needed when the database must be upgraded first
    return await _run(
        server,
        args,
        f"regenerate {revision}",
        lambda s: operations.regenerate(s, revision, confirmed),
        changes_database=True,
    )


async def show_sql(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    revision = _text(args, "revision")

    async def write(session: ProjectSession) -> OperationResult:
        result = await operations.show_sql(session, revision)
        for path in result.show:
            sql_files.written(server, path)  # removed when the server shuts down
        return result

    return await _run(server, args, f"SQL of {revision}", write)


async def check_drift(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    """Run the drift check now; its findings are published on the model files as with a save."""
    state = await server.query(lambda: resolve_project(server, args), None, "finding the project")
    if state is None:
        return await _no_project(server, args)
    if not state.client.trusted:
        return {"ok": False, "message": untrusted_message(state.client.wording), "error": "untrusted"}
    watcher = server.session.agents.drift
    async with progress_of(server, "drift check", cancellable=True):
        try:
            report = await watcher.check(server, state)
        except ProjectBusy as busy:
            return _busy("drift check", busy, Deadline.after(state.client.agent_timeout))
    watcher.publish(server, state, report)
    return {
        "ok": report.ok,
        "message": report.message,
        "upToDate": report.up_to_date,
        "differences": report.diffs,
        "findings": [
            {"code": f.code, "path": f.path, "line": f.span.line + 1, "message": f.message}
            for f in report.findings
        ],
        "suggestedMessage": report.suggestion,
    }


async def restart_agent(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    stopped = await server.session.agents.pool.restart()
    server.session.agents.refresh_status(server)
    return {"ok": True, "message": f"Stopped {stopped} agent(s); each starts again on its next command."}


async def refresh_status(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    server.session.agents.refresh_status(server)
    return {"ok": True, "message": "alembic-ls/status will be sent for every trusted project."}


async def trace_locks(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    return await run_trace_locks(server, args, _run)


COMMANDS: dict[str, Callable[[AlembicLanguageServer, dict[str, Any]], Awaitable[Result]]] = {
    "alembic-ls.generateMigration": generate_migration,
    "alembic-ls.upgrade": upgrade,
    "alembic-ls.downgrade": downgrade,
    "alembic-ls.testCycle": test_cycle,
    "alembic-ls.current": current,
    "alembic-ls.heads": heads,
    "alembic-ls.history": history,
    "alembic-ls.mergeHeads": merge_heads,
    "alembic-ls.regenerate": regenerate,
    "alembic-ls.showSql": show_sql,
    "alembic-ls.checkDrift": check_drift,
    "alembic-ls.restartAgent": restart_agent,
    "alembic-ls.refreshStatus": refresh_status,
    TRACE_LOCKS: trace_locks,
}


def register(registry: CommandRegistry) -> None:
    for name, handler in COMMANDS.items():
        registry.add(name, handler)

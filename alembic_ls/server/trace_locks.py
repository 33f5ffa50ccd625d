"""The editor's "Trace locks": the command runs `alembic-ls trace` on one revision (a scratch
PostgreSQL database, never the project's own; trusted workspaces only), keeps its records with the
project, and shows them — an inlay hint at the end of each traced op's line (`AccessExclusiveLock
account · rewrite account · 3 ms`), a hover on that line, and AM704/AM705 among the file's
diagnostics — until the file is edited (the records then no longer match its lines)."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from lsprotocol import types

from alembic_ls.analysis.revision_file import Span
from alembic_ls.operations.result import OperationResult
from alembic_ls.operations.session import ProjectSession
from alembic_ls.operations.trace import trace_project
from alembic_ls.server.paths import uri_to_path
from alembic_ls.server.positions import to_range
from alembic_ls.server.server import AlembicLanguageServer
from alembic_ls.workspace.state import ProjectState
from alembic_ls.workspace.traces import Record, hint_label

TRACE_LOCKS = "alembic-ls.traceLocks"
LENS_TITLE = "Trace locks"


def records_for(server: AlembicLanguageServer, path: str) -> tuple[ProjectState, list[Record]] | None:
    """Analysis thread: the project of `path` and the file's current trace records, if any."""
    state = server.state.project_for(path)
    traces = server.state.traces.get(state.project.script_location) if state else None
    found = traces.get(path) if traces is not None else None
    return (state, list(found)) if state is not None and found else None


def trace_lens(state: ProjectState, at: types.Range, uri: str) -> types.CodeLens | None:
    """The "Trace locks" lens above `revision = ...`, where a trace can run (trusted, PostgreSQL)."""
    if not state.client.trusted or state.project.dialect != "postgresql":
        return None
    command = types.Command(title=LENS_TITLE, command=TRACE_LOCKS, arguments=[{"uri": uri}])
    return types.CodeLens(range=at, command=command)


Runner = Callable[
    [AlembicLanguageServer, dict[str, Any], str, Callable[[ProjectSession], Awaitable[OperationResult]]],
    Awaitable[dict[str, Any]],
]


async def run_trace_locks(server: AlembicLanguageServer, args: dict[str, Any], run: Runner) -> dict[str, Any]:
    """`alembic-ls.traceLocks {uri}` (`run`: agent_commands' runner, gate and progress included)."""
    uri = args.get("uri")
    path = uri_to_path(uri) if isinstance(uri, str) else None
    if path is None:
        return {"ok": False, "message": f"{TRACE_LOCKS} needs {{uri}} of a revision file"}

    def revision() -> tuple[ProjectState, str] | None:
        state = server.state.project_for(path)
        rev = state.index.get(path) if state else None
        return (state, rev.revision_id) if state and rev and rev.revision_id else None

    found = await server.query(revision, None, "finding the revision")
    if found is None:
        return {"ok": False, "message": f"{path} is not a revision file of a project"}
    state, rid = found
    if state.project.dialect != "postgresql":
        return {
            "ok": False,
            "message": "Trace locks reads PostgreSQL's locks; the project's database is not PostgreSQL.",
        }

    async def trace(session: ProjectSession) -> OperationResult:
        report = await trace_project(session, None, rid)
        ok = report.failure is None
        message = f"traced {rid[:12]}: {len(report.records)} statement(s)" if ok else str(report.failure)
        return OperationResult(ok, message, data={"records": report.records})

    body = await run(server, {**args, "project": uri}, f"trace locks {rid[:12]}", trace)
    records = body.get("records")
    if body.get("ok") and isinstance(records, list):

        def keep() -> None:
            traces = server.state.traces.get(state.project.script_location)
            if traces is not None:
                traces.store(records, {path: server.state.text_of(path)})

        await server.query(keep, None, "keeping the trace")
        server.session.diagnostics.recheck(state, [path])
        _refresh_inlay_hints(server)
    return body


def _refresh_inlay_hints(server: AlembicLanguageServer) -> None:
    workspace = server.client_capabilities.workspace
    inlay = workspace.inlay_hint if workspace else None
    if not (inlay and inlay.refresh_support):
        return

    async def ask() -> None:
        with contextlib.suppress(Exception):  # a client that fails the request keeps its old hints
            await server.workspace_inlay_hint_refresh_async(None)

    server.spawn(ask(), "workspace/inlayHint/refresh")


def hover_text(records: list[Record], line: int) -> str | None:
    """Markdown for a hover on 0-based `line`, when a traced statement came from it."""
    here = [r for r in records if r.get("line") == line + 1]
    if not here:
        return None
    parts = ["**Traced on PostgreSQL** (`alembic-ls trace`)"]
    for record in here:
        if "not_traced" in record:
            parts.append(str(record["not_traced"]))
            continue
        parts.append(f"`{record.get('sql', '')[:200]}`\n\n{hint_label(record)}")
    return "\n\n".join(parts)


def register(server: AlembicLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
    async def inlay_hints(params: types.InlayHintParams) -> list[types.InlayHint] | None:
        snapshot = server.snapshot(params.text_document.uri)
        if snapshot is None:
            return None
        path, _version, text = snapshot

        def job() -> list[types.InlayHint]:
            found = records_for(server, path)
            if found is None:
                return []
            lines = text.splitlines()
            hints: list[types.InlayHint] = []
            for record in found[1]:
                line = int(record.get("line", 0)) - 1
                if not 0 <= line < len(lines) or not params.range.start.line <= line <= params.range.end.line:
                    continue
                end = to_range_end(lines, line, server.encoding)
                hints.append(types.InlayHint(position=end, label=hint_label(record), padding_left=True))
            return hints

        return await server.query(job, [], "inlayHint")


def to_range_end(lines: list[str], line: int, encoding: str) -> types.Position:
    return to_range(Span(line, len(lines[line]), line, len(lines[line])), lines, encoding).end

"""`alembic-ls.revisionGraph {project?, full?, since?}`: the revision graph as data and as an SVG picture.

The graph is the one the server holds now, open documents' text included; the findings are those the
editor shows (a file nothing was published for yet is checked on the spot); the database marks come
from the last `alembic-ls/status` the agent computed (a read of alembic_version, never a write) and
are absent when there is none: untrusted workspace, no agent, or a database it could not reach. In a
trusted workspace whose status was never read, the command asks for it (the notification follows).

Result: `{"ok", "message", "project", "graph": GraphModel.to_json(), "svg", "current": [str] | null,
"databaseError": str | null}`.
"""

from __future__ import annotations

from typing import Any

from alembic_ls.graphview.model import build_model
from alembic_ls.rules.base import Finding
from alembic_ls.server.commands import CommandRegistry, Result, resolve_project
from alembic_ls.server.project_missing import no_project_message
from alembic_ls.server.server import AlembicLanguageServer
from alembic_ls.workspace.state import ProjectState, WorkspaceState

COMMAND = "alembic-ls.revisionGraph"


def shown_findings(workspace: WorkspaceState, state: ProjectState) -> dict[str, list[Finding]]:
    """Analysis thread: each revision's findings as published, checking the files never published."""
    findings: dict[str, list[Finding]] = {}
    for rev in state.index.graph.revisions.values():
        published = state.published.get(rev.path)
        findings[rev.path] = published if published is not None else workspace.check(state, rev.path) or []
    return findings


def database_marks(server: AlembicLanguageServer, state: ProjectState) -> tuple[list[str] | None, str | None]:
    """(current revisions, database error) from the last status; (None, None) when the state is unknown."""
    if not state.client.trusted:
        return None, None
    status = server.session.agents.known_status(state)
    if status is None:
        return None, None
    current = status.get("current")
    error = status.get("databaseError")
    return (list(current) if isinstance(current, list) else None), (error if isinstance(error, str) else None)


def graph_result(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    """Analysis thread: the command's answer."""
    state = resolve_project(server, args)
    if state is None:
        return {"ok": False, "message": no_project_message(server, args), "error": "noProject"}
    since = args.get("since")
    since = since if isinstance(since, str) and since.strip() else None
    current, database_error = database_marks(server, state)
    status_unknown = state.client.trusted and server.session.agents.known_status(state) is None
    try:
        model = build_model(
            state.index.graph,
            shown_findings(server.state, state),
            current=current,
            since=since.strip() if since else None,
            full=args.get("full") is True,
        )
    except KeyError as exc:
        return {"ok": False, "message": f"since: {exc.args[0]}", "error": "unknown-revision"}
    # Imported when a graph is drawn: its XML escaping pulls in urllib.request, http.client and
    # email (1.3 MB of every server's memory) for a view most sessions never open.
    from alembic_ls.graphview.render import render_svg

    graph = state.index.graph
    heads = len(graph.heads)
    message = f"{len(graph.revisions)} revision(s), {heads} head{'s' if heads != 1 else ''}"
    if current is not None:
        message += f"; database at {', '.join(current) or 'base'}"
    return {
        "ok": True,
        "message": message,
        "project": state.name,
        "graph": model.to_json(),
        "svg": render_svg(model),
        "current": current,
        "databaseError": database_error,
        "statusUnknown": status_unknown,
    }


async def revision_graph(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    await server.ready.wait()
    # On the analysis thread, after every edit that reached the server before this request.
    result = await server.analyse(lambda: graph_result(server, args))
    if result.pop("statusUnknown", False):
        # Read alembic_version once; the status notification that follows tells clients to draw again.
        server.session.agents.refresh_status(server)
    return result


def register(registry: CommandRegistry) -> None:
    registry.add(COMMAND, revision_graph)

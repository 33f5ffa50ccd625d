"""Code lens above `revision = ...`: parents, children, and the revision's place in the graph.

Clicking a parent or child opens it (the `alembic-ls.openRevision` command asks the client to show
the file, or tells the user where it is); clicking a label (the role, "base", "+N more children")
describes the revision (`alembic-ls.describeRevision`): every lens has a command the server runs.
When the database is known to be behind the revision (AM602), "Not applied · Upgrade to here" comes
first.
"""

from __future__ import annotations

from lsprotocol import types

from alembic_ls.server.database_position import upgrade_lens
from alembic_ls.server.describe_revision import DESCRIBE_REVISION
from alembic_ls.server.positions import to_range
from alembic_ls.server.revisions import DocumentView, roles, view_of
from alembic_ls.server.server import AlembicLanguageServer
from alembic_ls.server.trace_locks import trace_lens

OPEN_REVISION = "alembic-ls.openRevision"
MAX_LISTED = 3


def lenses(view: DocumentView, uri: str, encoding: str) -> list[types.CodeLens]:
    rev = view.rev
    rid = rev.revision_id
    if rid is None or rev.revision is None:
        return []
    graph = view.project.index.graph
    at = to_range(rev.revision.span, view.lines, encoding)
    found: list[types.CodeLens] = []
    upgrade = upgrade_lens(view.project, rid, at, uri)
    if upgrade is not None:
        found.append(upgrade)
    trace = trace_lens(view.project, at, uri)
    if trace is not None:
        found.append(trace)

    def add(title: str, target: str | None = None) -> None:
        name, revision = (OPEN_REVISION, target) if target is not None else (DESCRIBE_REVISION, rid)
        command = types.Command(title=title, command=name, arguments=[{"revision": revision, "uri": uri}])
        found.append(types.CodeLens(range=at, command=command))

    parents = rev.parents
    if not parents:
        add("base: no parent")
    for parent in parents:
        known = graph.revisions.get(parent)
        add(
            f"↑ {parent}" + (f" {_short(known.message)}" if known and known.message else " (missing)"), parent
        )
    children = sorted(graph.children.get(rid, ()))
    for child in children[:MAX_LISTED]:
        known = graph.revisions.get(child)
        add(f"↓ {child}" + (f" {_short(known.message)}" if known and known.message else ""), child)
    if len(children) > MAX_LISTED:
        add(f"+{len(children) - MAX_LISTED} more children")
    role = [r for r in roles(view.project, rid) if r != "base"]
    labels = sorted(graph.labels.get(rid, ()))
    if labels:
        role.append("branch " + ", ".join(labels))
    if role:
        add(" · ".join(role))
    return found


def _short(message: str, width: int = 40) -> str:
    return message if len(message) <= width else message[: width - 1] + "…"


def register(server: AlembicLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    async def code_lens(params: types.CodeLensParams) -> list[types.CodeLens] | None:
        uri = params.text_document.uri
        snapshot = server.snapshot(uri)
        if snapshot is None:
            return None
        path, version, text = snapshot

        def job() -> list[types.CodeLens] | None:
            view = view_of(server.state, path, version, text)
            return lenses(view, uri, server.encoding) if view is not None else None

        return await server.query(job, None, "codeLens")

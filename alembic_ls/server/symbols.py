"""Symbols: a revision file's outline, and revisions across the workspace by id or message."""

from __future__ import annotations

from lsprotocol import types

from alembic_ls.analysis.collector import collector_paused
from alembic_ls.analysis.op_args import table_of
from alembic_ls.analysis.revision_file import IdentifierAssignment, RevisionFile
from alembic_ls.server.positions import to_range
from alembic_ls.server.revisions import view_of
from alembic_ls.server.server import AlembicLanguageServer

MAX_WORKSPACE_SYMBOLS = 200


def outline(rev: RevisionFile, lines: list[str], encoding: str) -> list[types.DocumentSymbol]:
    symbols: list[types.DocumentSymbol] = []
    for assignment in (rev.revision, rev.down_revision, rev.branch_labels, rev.depends_on):
        if assignment is not None:
            symbols.append(_identifier_symbol(assignment, rev, lines, encoding))
    for function in rev.functions.values():
        children = []
        for op in rev.ops_in(function.name):
            target = table_of(op) or next((a.text for a in op.args if a.text), None)
            children.append(
                types.DocumentSymbol(
                    name=f"{op.receiver}.{op.name}",
                    detail=target,
                    kind=types.SymbolKind.Event,
                    range=to_range(op.stmt_span, lines, encoding),
                    selection_range=to_range(op.span, lines, encoding),
                )
            )
        symbols.append(
            types.DocumentSymbol(
                name=function.name,
                detail=f"{len(children)} operation{'s' if len(children) != 1 else ''}",
                kind=types.SymbolKind.Function,
                range=to_range(function.span, lines, encoding),
                selection_range=to_range(function.name_span, lines, encoding),
                children=children,
            )
        )
    return symbols


def _identifier_symbol(
    assignment: IdentifierAssignment, rev: RevisionFile, lines: list[str], encoding: str
) -> types.DocumentSymbol:
    value = "(not a literal)" if assignment.values is None else ", ".join(assignment.values) or "None"
    detail = rev.message if assignment.name == "revision" else None
    return types.DocumentSymbol(
        name=f"{assignment.name} = {value}",
        detail=detail,
        kind=types.SymbolKind.Constant,
        range=to_range(assignment.span, lines, encoding),
        selection_range=to_range(assignment.value_span, lines, encoding),
    )


def flatten(
    symbols: list[types.DocumentSymbol], uri: str, container: str | None = None
) -> list[types.SymbolInformation]:
    """SymbolInformation for clients without hierarchical document symbols."""
    flat: list[types.SymbolInformation] = []
    for symbol in symbols:
        flat.append(
            types.SymbolInformation(
                name=symbol.name,
                kind=symbol.kind,
                location=types.Location(uri=uri, range=symbol.range),
                container_name=container,
            )
        )
        flat.extend(flatten(list(symbol.children or []), uri, symbol.name))
    return flat


def _hierarchical(capabilities: types.ClientCapabilities) -> bool:
    document = capabilities.text_document
    symbol = document.document_symbol if document else None
    return bool(symbol and symbol.hierarchical_document_symbol_support)


def register(server: AlembicLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def document_symbol(
        params: types.DocumentSymbolParams,
    ) -> list[types.DocumentSymbol] | list[types.SymbolInformation] | None:
        uri = params.text_document.uri
        snapshot = server.snapshot(uri)
        if snapshot is None:
            return None
        path, version, text = snapshot

        def job() -> list[types.DocumentSymbol] | list[types.SymbolInformation] | None:
            view = view_of(server.state, path, version, text)
            if view is None or not view.rev.is_revision:
                return None
            # A big revision's outline is tens of thousands of objects: collector passes over the
            # analysis it is built from would cost three times the building (bench_big_file.py).
            with collector_paused():
                symbols = outline(view.rev, view.lines, server.encoding)
            return symbols if _hierarchical(server.client_capabilities) else flatten(symbols, uri)

        return await server.query(job, None, "documentSymbol")

    @server.feature(types.WORKSPACE_SYMBOL)
    async def workspace_symbol(params: types.WorkspaceSymbolParams) -> list[types.SymbolInformation] | None:
        query = params.query.strip().lower()

        def job() -> list[types.SymbolInformation]:
            state = server.state
            found: list[types.SymbolInformation] = []
            for project in state.projects:
                for rid, revs in sorted(project.index.graph.by_id.items()):
                    for rev in revs:
                        message = rev.message or ""
                        # Ids by prefix (people type the start of an id), messages by substring.
                        if query and not rid.lower().startswith(query) and query not in message.lower():
                            continue
                        span = rev.revision.span if rev.revision else None
                        if span is None:
                            continue
                        found.append(
                            types.SymbolInformation(
                                name=f"{rid} {message}".strip(),
                                kind=types.SymbolKind.Module,
                                location=types.Location(
                                    uri=server.uri_for(rev.path),
                                    range=to_range(span, state.lines_of(rev.path), server.encoding),
                                ),
                                container_name=project.project.root.name,
                            )
                        )
                        if len(found) >= MAX_WORKSPACE_SYMBOLS:
                            return found
            return found

        return await server.query(job, None, "workspace/symbol")

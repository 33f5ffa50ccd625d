"""Navigation: definition (id -> its revision file), references (who names it), hover."""

from __future__ import annotations

from lsprotocol import types

from alembic_ls.analysis.revision_file import IdRef, RefKind
from alembic_ls.rules.registry import RULES
from alembic_ls.server.paths import uri_to_path
from alembic_ls.server.positions import from_position, to_range
from alembic_ls.server.revisions import (
    DocumentView,
    declaration_span,
    describe,
    location,
    ref_at,
    targets,
    view_of,
)
from alembic_ls.server.server import AlembicLanguageServer
from alembic_ls.server.trace_locks import hover_text, records_for

REFERENCE_KINDS = frozenset({RefKind.DOWN_REVISION, RefKind.DEPENDS_ON, RefKind.REVISES_HEADER})


class Navigation:
    def __init__(self, server: AlembicLanguageServer) -> None:
        self.server = server

    def _view(self, uri: str, version: int | None, text: str) -> DocumentView | None:
        path = uri_to_path(uri)
        return view_of(self.server.state, path, version, text) if path else None

    def _revision_ref(
        self, uri: str, version: int | None, text: str, position: types.Position
    ) -> tuple[DocumentView, IdRef] | None:
        """The document and the revision id written under the cursor, if there is one."""
        view = self._view(uri, version, text)
        if view is None:
            return None
        line, col = from_position(position, view.lines, self.server.encoding)
        ref = ref_at(view.rev, line, col)
        return (view, ref) if ref is not None else None

    def definition(
        self, uri: str, version: int | None, text: str, position: types.Position
    ) -> list[types.Location] | list[types.LocationLink] | None:
        found_ref = self._revision_ref(uri, version, text, position)
        if found_ref is None:
            return None
        view, ref = found_ref
        encoding = self.server.encoding
        declares = ref.kind in (RefKind.REVISION, RefKind.REVISION_HEADER)
        # From a declaration, "definition" can only mean another file declaring the same id.
        found = [t for t in targets(view.project, ref.value) if not (declares and t.path == view.path)]
        if not found:
            return None
        state = self.server.state
        if _link_support(self.server.client_capabilities):
            origin = to_range(ref.span, view.lines, encoding)
            links = []
            for target in found:
                target_range = to_range(declaration_span(target), state.lines_of(target.path), encoding)
                links.append(
                    types.LocationLink(
                        target_uri=self.server.uri_for(target.path),
                        target_range=target_range,
                        target_selection_range=target_range,
                        origin_selection_range=origin,
                    )
                )
            return links
        return [
            location(state, self.server.uri_for(t.path), t.path, declaration_span(t), encoding) for t in found
        ]

    def references(
        self, uri: str, version: int | None, text: str, position: types.Position, include_declaration: bool
    ) -> list[types.Location] | None:
        found_ref = self._revision_ref(uri, version, text, position)
        if found_ref is None:
            return None
        view, ref = found_ref
        encoding = self.server.encoding
        rid = ref.value
        state = self.server.state
        found: list[types.Location] = []
        for rev in view.project.index.all_files():
            current = view.rev if rev.path == view.path else rev
            for other in current.id_refs:
                wanted = other.kind in REFERENCE_KINDS or (
                    include_declaration and other.kind is RefKind.REVISION
                )
                if other.value == rid and wanted:
                    lines = view.lines if rev.path == view.path else state.lines_of(rev.path)
                    found.append(
                        types.Location(
                            uri=self.server.uri_for(rev.path), range=to_range(other.span, lines, encoding)
                        )
                    )
        return found

    def hover(self, uri: str, version: int | None, text: str, position: types.Position) -> types.Hover | None:
        view = self._view(uri, version, text)
        if view is None:
            return None
        encoding = self.server.encoding
        line, col = from_position(position, view.lines, encoding)
        ref = ref_at(view.rev, line, col)
        if ref is not None:
            value = describe(view.project, ref.value)
            if ref.value not in view.project.index.graph.revisions and targets(view.project, ref.value):
                owner = targets(view.project, ref.value)[0]
                value = f"Branch label `{ref.value}` of:\n\n" + describe(
                    view.project, owner.revision_id or ""
                )
            return types.Hover(
                contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=value),
                range=to_range(ref.span, view.lines, encoding),
            )
        for suppression in view.rev.suppressions:
            if suppression.span.contains(line, col):
                return _suppression_hover(suppression.codes)
        traced = records_for(self.server, view.rev.path)
        traced_here = hover_text(traced[1], line) if traced is not None else None
        if traced_here is not None:
            return types.Hover(
                contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=traced_here)
            )
        return None


def _suppression_hover(codes: tuple[str, ...]) -> types.Hover:
    rows = []
    for code in codes:
        rule = RULES.get(code)
        rows.append(
            f"**{code}** `{rule.name}` — {rule.summary}" if rule else f"**{code}** — unknown rule code"
        )
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n".join(rows)))


def _link_support(capabilities: types.ClientCapabilities) -> bool:
    document = capabilities.text_document
    definition = document.definition if document else None
    return bool(definition and definition.link_support)


def register(server: AlembicLanguageServer) -> None:
    navigation = Navigation(server)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def definition(
        params: types.DefinitionParams,
    ) -> list[types.Location] | list[types.LocationLink] | None:
        snapshot = server.snapshot(params.text_document.uri)
        if snapshot is None:
            return None
        _path, version, text = snapshot
        return await server.query(
            lambda: navigation.definition(params.text_document.uri, version, text, params.position),
            None,
            "definition",
        )

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    async def references(params: types.ReferenceParams) -> list[types.Location] | None:
        snapshot = server.snapshot(params.text_document.uri)
        if snapshot is None:
            return None
        _path, version, text = snapshot
        include = params.context.include_declaration
        return await server.query(
            lambda: navigation.references(params.text_document.uri, version, text, params.position, include),
            None,
            "references",
        )

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(params: types.HoverParams) -> types.Hover | None:
        snapshot = server.snapshot(params.text_document.uri)
        if snapshot is None:
            return None
        _path, version, text = snapshot
        return await server.query(
            lambda: navigation.hover(params.text_document.uri, version, text, params.position), None, "hover"
        )

"""Completion: revision ids in `down_revision` / `depends_on`, table and column names in `op.*` calls.

Names come from the migration history before the revision being edited and, for new tables and
columns (`op.create_table(`, `sa.Column(` inside `add_column`), from the project's model files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lsprotocol import types

from alembic_ls.analysis.op_catalog import OPERATIONS, Operation
from alembic_ls.analysis.revision_file import Span
from alembic_ls.server.completion_context import CursorContext, cursor_context
from alembic_ls.server.positions import from_position, to_range
from alembic_ls.server.revisions import DocumentView, describe, view_of
from alembic_ls.server.schema_names import history_schema, models_schema
from alembic_ls.server.server import AlembicLanguageServer

TABLE, COLUMNS = "table", "columns"
_BATCH_WITH = re.compile(
    r"""with\s+([A-Za-z_]\w*)\.batch_alter_table\(\s*(?:table_name\s*=\s*)?[rRuU]?(['"])([^'"]+)\2.*\bas\s+([A-Za-z_]\w*)"""
)


@dataclass(frozen=True)
class Role:
    """What an argument names: a table, or columns of the table given by another argument."""

    kind: str
    table_position: int | None = None
    table_keyword: str | None = None
    of_batch_table: bool = False


_T = Role(TABLE)
_B = Role(COLUMNS, of_batch_table=True)  # columns of the batch's table


def _roles(operation: Operation, in_batch: bool) -> dict[int | str, Role]:
    """Parameter (position or keyword) -> role, for `op.X(...)` or `batch_op.X(...)`, read from the
    catalog: the existing tables it names, and the columns of one of them."""
    names = operation.positional(in_batch)
    roles: dict[int | str, Role] = {}
    for parameter in operation.existing_tables:
        if parameter in names:
            roles[names.index(parameter)] = roles[parameter] = _T
    for parameter, table in operation.columns_of:
        # a table parameter the form drops is the batch's table
        role = _B if table not in names else Role(COLUMNS, names.index(table), table)
        roles[names.index(parameter)] = roles[parameter] = role
    return roles


OP_ROLES = {name: _roles(entry, False) for name, entry in OPERATIONS.items() if entry.changes_schema}
BATCH_ROLES = {name: _roles(entry, True) for name, entry in OPERATIONS.items() if entry.has_batch_form}


class Completion:
    def __init__(self, server: AlembicLanguageServer) -> None:
        self.server = server

    def complete(
        self, path: str, version: int | None, text: str, position: types.Position
    ) -> types.CompletionList | None:
        view = view_of(self.server.state, path, version, text)
        if view is None:
            return None
        line, col = from_position(position, view.lines, self.server.encoding)
        context = cursor_context(view.lines, line, col)
        items: list[types.CompletionItem] | None
        if context.assignment is not None:
            items = self._revision_items(view, context)
        else:
            items = self._schema_items(view, context)
        if items is None:
            return None
        return types.CompletionList(is_incomplete=False, items=items)

    # -- revision ids -------------------------------------------------------------------------

    def _revision_items(self, view: DocumentView, context: CursorContext) -> list[types.CompletionItem]:
        graph = view.project.index.graph
        own = view.rev.revision_id
        excluded = {own, *graph.descendants(own)} if own else set()
        heads = set(graph.heads)
        candidates = [rid for rid in graph.revisions if rid not in excluded]
        candidates.sort(key=lambda rid: _created(view, rid), reverse=True)
        items = []
        for rank, rid in enumerate(candidates):
            rev = graph.revisions[rid]
            items.append(
                self._item(
                    context,
                    view,
                    rid,
                    types.CompletionItemKind.Reference,
                    detail=(("head · " if rid in heads else "") + (rev.message or "")).strip() or None,
                    documentation=describe(view.project, rid),
                    sort=f"{0 if rid in heads else 1}{rank:06d}",
                )
            )
        if context.assignment == "depends_on":
            for label, owner in sorted(graph.label_owner.items()):
                items.append(
                    self._item(
                        context,
                        view,
                        label,
                        types.CompletionItemKind.Module,
                        detail=f"branch label of {owner}",
                        sort=f"2{label}",
                    )
                )
        return items

    # -- tables and columns -------------------------------------------------------------------

    def _schema_items(self, view: DocumentView, context: CursorContext) -> list[types.CompletionItem] | None:
        if not context.in_string or not context.calls:
            return None
        call = context.calls[-1]
        receiver, _, method = call.callee.rpartition(".")
        op_aliases = set(view.rev.op_aliases) | {"op"}
        if method == "Column":
            return self._new_column_items(view, context, op_aliases)
        batch_table = self._batch_table(view, receiver, context.line)
        if batch_table is not None:
            roles = BATCH_ROLES.get(method, {})
        elif receiver in op_aliases:
            if method == "create_table" and call.index == 0 and call.keyword is None:
                return self._new_table_items(view, context)
            roles = OP_ROLES.get(method, {})
        else:
            return None
        role = roles.get(call.keyword) if call.keyword is not None else roles.get(call.index)
        if role is None:
            return None
        # drop_column / alter_column name one column as a string; the other parameters take lists.
        if role.kind == COLUMNS and not (call.in_list or method in ("drop_column", "alter_column")):
            return None
        history = history_schema(view.project.index.graph, view.rev)
        if role.kind == TABLE:
            return [
                self._item(context, view, t, types.CompletionItemKind.Class, detail="table")
                for t in sorted(history.tables)
            ]
        table = batch_table if role.of_batch_table else call.argument(role.table_position, role.table_keyword)
        if table is None:
            return None
        columns = history.tables.get(table, [])
        return [
            self._item(
                context, view, c, types.CompletionItemKind.Field, detail=f"column of {table}", sort=f"{i:04d}"
            )
            for i, c in enumerate(columns)
        ]

    def _new_table_items(self, view: DocumentView, context: CursorContext) -> list[types.CompletionItem]:
        history = history_schema(view.project.index.graph, view.rev)
        models = models_schema(view.project.project)
        missing = [t for t in sorted(models.tables) if t not in history.tables]
        return [
            self._item(
                context,
                view,
                t,
                types.CompletionItemKind.Class,
                detail="table in the models, not yet migrated",
            )
            for t in missing
        ]

    def _new_column_items(
        self, view: DocumentView, context: CursorContext, op_aliases: set[str]
    ) -> list[types.CompletionItem] | None:
        """`sa.Column('` inside `op.add_column(` / `op.create_table(`: model columns not migrated yet."""
        column_call = context.calls[-1]
        if column_call.index != 0 or column_call.keyword is not None or len(context.calls) < 2:
            return None
        parent = context.calls[-2]
        receiver, _, method = parent.callee.rpartition(".")
        parent_batch = self._batch_table(view, receiver, context.line)
        if method not in ("add_column", "create_table") or not (receiver in op_aliases or parent_batch):
            return None
        table = parent_batch or parent.argument(0, "table_name")
        if table is None:
            return None
        history = history_schema(view.project.index.graph, view.rev)
        models = models_schema(view.project.project)
        existing = set(history.tables.get(table, [])) if method == "add_column" else set()
        wanted = [c for c in models.tables.get(table, []) if c not in existing]
        return [
            self._item(
                context,
                view,
                c,
                types.CompletionItemKind.Field,
                detail=f"column of model table {table}",
                sort=f"{i:04d}",
            )
            for i, c in enumerate(wanted)
        ]

    def _batch_table(self, view: DocumentView, alias: str, line: int) -> str | None:
        """The table of `with op.batch_alter_table('t') as <alias>:` enclosing `line`."""
        if not alias:
            return None
        for index in range(min(line, len(view.lines) - 1), -1, -1):
            match = _BATCH_WITH.search(view.lines[index])
            if match and match.group(4) == alias:
                return match.group(3)
            if view.lines[index].startswith("def "):
                return None
        return None

    # -- items --------------------------------------------------------------------------------

    def _item(
        self,
        context: CursorContext,
        view: DocumentView,
        value: str,
        kind: types.CompletionItemKind,
        detail: str | None = None,
        documentation: str | None = None,
        sort: str | None = None,
    ) -> types.CompletionItem:
        encoding = self.server.encoding
        if context.string_start is not None:
            start_line, start_col = context.string_start
            new_text = value
        else:
            start_line, start_col = context.line, context.col - len(context.prefix)
            new_text = repr(value)
        edit_range = to_range(Span(start_line, start_col, context.line, context.col), view.lines, encoding)
        return types.CompletionItem(
            label=value,
            kind=kind,
            detail=detail,
            documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=documentation)
            if documentation
            else None,
            sort_text=sort,
            filter_text=value,
            text_edit=types.TextEdit(range=edit_range, new_text=new_text),
        )


def _created(view: DocumentView, rid: str) -> str:
    rev = view.project.index.graph.revisions.get(rid)
    return rev.header.create_date or "" if rev is not None and rev.header is not None else ""


def register(server: AlembicLanguageServer) -> None:
    completion = Completion(server)
    options = types.CompletionOptions(trigger_characters=["'", '"'])

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, options)
    async def complete(params: types.CompletionParams) -> types.CompletionList | None:
        snapshot = server.snapshot(params.text_document.uri)
        if snapshot is None:
            return None
        path, version, text = snapshot
        return await server.query(
            lambda: completion.complete(path, version, text, params.position), None, "completion"
        )

"""Table and column names a migration can refer to, found statically.

From the migration history: replay the ancestors' upgrade operations (create/drop/rename table,
add/drop/rename column) in order. From the project's model files: SQLAlchemy declarative classes
(`__tablename__`, `Column`/`mapped_column`/`Mapped[...]`), SQLModel `table=True` classes and
`Table("name", metadata, Column(...))` calls — read with `ast`, never imported.
"""

from __future__ import annotations

import ast
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from alembic_ls.analysis.graph import RevisionGraph
from alembic_ls.analysis.op_args import table_of
from alembic_ls.analysis.revision_file import ArgValue, OpCall, RevisionFile
from alembic_ls.project import SKIP_DIRS, Project

MAX_MODEL_FILES = 2000
MAX_MODEL_FILE_BYTES = 512 * 1024
_MODEL_HINTS = (b"Column", b"SQLModel", b"__tablename__", b"Table(")


@dataclass
class Schema:
    """Table -> column names (in the order they were seen)."""

    tables: dict[str, list[str]] = field(default_factory=dict)

    def add_table(self, table: str, columns: Iterable[str] = ()) -> None:
        known = self.tables.setdefault(table, [])
        for column in columns:
            if column not in known:
                known.append(column)

    def merged(self, other: Schema) -> Schema:
        result = Schema({t: list(c) for t, c in self.tables.items()})
        for table, columns in other.tables.items():
            result.add_table(table, columns)
        return result


# -- the migration history -------------------------------------------------------------------


def history_schema(graph: RevisionGraph, rev: RevisionFile) -> Schema:
    """What exists when `rev` runs (its ancestors applied), plus what `rev` itself creates."""
    rid = rev.revision_id
    ancestors = graph.ancestors(rid) if rid else set(graph.revisions)
    schema = Schema()
    for ancestor in _topological(graph, ancestors):
        ancestor_rev = graph.revisions.get(ancestor)
        if ancestor_rev is not None and ancestor_rev.path != rev.path:
            _replay(schema, ancestor_rev.ops_in("upgrade"))
    _replay(schema, rev.ops_in("upgrade"), drops=False)
    return schema


def _topological(graph: RevisionGraph, wanted: set[str]) -> list[str]:
    order: list[str] = []
    done: set[str] = set()
    for start in sorted(wanted):
        stack: list[tuple[str, bool]] = [(start, False)]
        while stack:
            node, expanded = stack.pop()
            if node in done:
                continue
            if expanded:
                done.add(node)
                order.append(node)
                continue
            stack.append((node, True))
            stack.extend((p, False) for p in graph.parents(node) if p in wanted and p not in done)
    return order


def _column_name(value: ArgValue | None) -> str | None:
    if value is None:
        return None
    if value.call_name and value.call_name.split(".")[-1] == "Column" and value.call_args:
        return value.call_args[0].text
    return None


def _replay(schema: Schema, ops: Iterable[OpCall], drops: bool = True) -> None:
    for op in ops:
        batch = op.in_batch
        table = table_of(op)
        shift = 0 if batch else 1  # batch ops have no table argument
        if op.name == "create_table" and table:
            schema.add_table(table, [c for a in op.args[1:] if (c := _column_name(a))])
        elif op.name == "drop_table" and table and drops:
            schema.tables.pop(table, None)
        elif op.name == "rename_table" and table:
            new = op.arg(1, "new_table_name")
            if new is not None and new.text:
                schema.tables[new.text] = schema.tables.pop(table, [])
        elif op.name == "add_column" and table:
            column = _column_name(op.arg(shift, "column"))
            if column:
                schema.add_table(table, [column])
        elif op.name == "drop_column" and table and drops:
            column_arg = op.arg(shift, "column_name")
            if column_arg is not None and column_arg.text and table in schema.tables:
                schema.tables[table] = [c for c in schema.tables[table] if c != column_arg.text]
        elif op.name == "alter_column" and table:
            column_arg, new = op.arg(shift, "column_name"), op.kwarg("new_column_name")
            if column_arg is not None and column_arg.text and new is not None and new.text:
                columns = schema.tables.setdefault(table, [])
                schema.tables[table] = [new.text if c == column_arg.text else c for c in columns]


# -- model files -------------------------------------------------------------------------------

_model_cache: dict[str, tuple[int, int, Schema]] = {}
# Walking the project tree on every completion request would cost more than the completion:
# the list of Python files is reused for a few seconds (new model files appear soon enough).
_file_list_cache: dict[Path, tuple[float, list[str]]] = {}
FILE_LIST_TTL_S = 5.0


def models_schema(project: Project) -> Schema:
    """Tables and columns declared in the project's Python files (outside the migrations)."""
    schema = Schema()
    for path in _model_files(project):
        try:
            stat = os.stat(path)
        except OSError:
            continue
        cached = _model_cache.get(path)
        if cached is None or cached[:2] != (stat.st_mtime_ns, stat.st_size):
            cached = (stat.st_mtime_ns, stat.st_size, _scan_model_file(path))
            _model_cache[path] = cached
        schema = schema.merged(cached[2])
    return schema


def _model_files(project: Project) -> list[str]:
    cached = _file_list_cache.get(project.root)
    now = time.monotonic()
    if cached is not None and now - cached[0] < FILE_LIST_TTL_S:
        return cached[1]
    found = _walk_python_files(project)
    _file_list_cache[project.root] = (now, found)
    return found


def _walk_python_files(project: Project) -> list[str]:
    found: list[str] = []
    skip = project.script_location
    for directory, dirnames, filenames in os.walk(project.root):
        current = Path(directory)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in SKIP_DIRS and not d.startswith(".") and (current / d).resolve() != skip
        )
        for name in sorted(filenames):
            if name.endswith(".py"):
                found.append(str(current / name))
                if len(found) >= MAX_MODEL_FILES:
                    return found
    return found


def _scan_model_file(path: str) -> Schema:
    schema = Schema()
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_MODEL_FILE_BYTES + 1)
        if len(data) > MAX_MODEL_FILE_BYTES or not any(hint in data for hint in _MODEL_HINTS):
            return schema
        tree = ast.parse(data)
    except (OSError, SyntaxError, ValueError, RecursionError):
        return schema
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            _model_class(schema, node)
        elif isinstance(node, ast.Call) and _callee(node) == "Table" and node.args:
            table = _string(node.args[0])
            if table:
                columns = [
                    c for a in node.args[1:] if isinstance(a, ast.Call) and (c := _column_call_name(a))
                ]
                schema.add_table(table, columns)
    return schema


def _model_class(schema: Schema, node: ast.ClassDef) -> None:
    tablename: str | None = None
    is_sqlmodel_table = any(
        k.arg == "table" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in node.keywords
    )
    columns: list[str] = []
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name = stmt.targets[0].id
            if name == "__tablename__":
                tablename = _string(stmt.value)
            elif isinstance(stmt.value, ast.Call) and _callee(stmt.value) in ("Column", "mapped_column"):
                columns.append(_column_call_name(stmt.value) or name)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            name = stmt.target.id
            if name.startswith("__") or _is_classvar(stmt.annotation):
                continue
            value = stmt.value
            if isinstance(value, ast.Call) and _callee(value) in ("relationship", "Relationship"):
                continue
            if isinstance(value, ast.Call) and _callee(value) in ("Column", "mapped_column"):
                columns.append(_column_call_name(value) or name)
            elif _is_mapped(stmt.annotation) or is_sqlmodel_table:
                columns.append(name)
    if tablename is None and is_sqlmodel_table:
        tablename = node.name.lower()
    if tablename:
        schema.add_table(tablename, columns)


def _callee(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def _string(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _column_call_name(call: ast.Call) -> str | None:
    if _callee(call) not in ("Column", "mapped_column"):
        return None
    return _string(call.args[0]) if call.args else None


def _annotation_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Subscript):
        return _annotation_name(node.value)
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else None


def _is_mapped(annotation: ast.expr) -> bool:
    return _annotation_name(annotation) == "Mapped"


def _is_classvar(annotation: ast.expr) -> bool:
    return _annotation_name(annotation) == "ClassVar"

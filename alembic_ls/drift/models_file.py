"""Find tables, columns, indexes and constraints in model source files, without importing them.

Recognised: SQLModel classes (`class Post(SQLModel, table=True)`, columns as annotated attributes,
`Field(index=True, unique=True, foreign_key=...)`, `sa_column=Column("name", ...)`), SQLAlchemy 2
declarative (`__tablename__`, `Mapped[...] = mapped_column(...)`, classic `Column(...)`), imperative
`Table("name", metadata, Column(...), Index(...))`, and `Index(...)`/`UniqueConstraint(...)` in
`__table_args__` or at module level. Positions are 0-based, like the rest of the analysis.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from alembic_ls.analysis.python_parse import parse_python
from alembic_ls.analysis.revision_file import Span

COLUMN_CALLS = frozenset({"Column", "mapped_column", "Field"})
NOT_COLUMNS = frozenset({"Relationship", "relationship", "association_proxy", "column_property", "synonym"})
CONSTRAINT_CALLS = frozenset({"Index", "UniqueConstraint", "ForeignKeyConstraint", "CheckConstraint"})


@dataclass
class ColumnSite:
    name: str
    span: Span  # the attribute (or Column(...) call) line
    flags: dict[str, Span] = field(default_factory=dict)  # "index" / "unique" / "foreign_key" -> keyword


@dataclass
class TableSite:
    name: str
    span: Span  # class name or Table(...) call
    class_name: str | None
    columns: dict[str, ColumnSite] = field(default_factory=dict)
    constraints: dict[str, Span] = field(default_factory=dict)  # Index/UniqueConstraint by name
    end_line: int = 0


@dataclass
class ModelMap:
    path: str
    tables: dict[str, TableSite] = field(default_factory=dict)
    loose_constraints: dict[str, Span] = field(default_factory=dict)  # module-level Index(...) by name


def _span(node: ast.AST) -> Span:
    return Span(
        node.lineno - 1,  # type: ignore[attr-defined]
        node.col_offset,  # type: ignore[attr-defined]
        (node.end_lineno or node.lineno) - 1,  # type: ignore[attr-defined]
        node.end_col_offset or 0,  # type: ignore[attr-defined]
    )


def _name_span(node: ast.ClassDef, lines: list[str]) -> Span:
    line = lines[node.lineno - 1] if node.lineno - 1 < len(lines) else ""
    col = line.find(node.name, node.col_offset)
    col = col if col >= 0 else node.col_offset
    return Span(node.lineno - 1, col, node.lineno - 1, col + len(node.name))


def _callee(node: ast.AST) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _string(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _is_true(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _keyword_spans(call: ast.Call) -> dict[str, Span]:
    flags: dict[str, Span] = {}
    for keyword in call.keywords:
        if keyword.arg in ("index", "unique", "primary_key") and _is_true(keyword.value):
            flags[keyword.arg] = _span(keyword)
        elif keyword.arg == "foreign_key":
            flags["foreign_key"] = _span(keyword)
    for arg in call.args:
        if _callee(arg) == "ForeignKey":
            flags["foreign_key"] = _span(arg)
    return flags


def _column_from_call(call: ast.Call, default_name: str | None, site: ast.AST) -> ColumnSite | None:
    callee = _callee(call)
    name = default_name
    flags = _keyword_spans(call)
    if callee in ("Column", "mapped_column") and call.args and _string(call.args[0]):
        name = _string(call.args[0])
    if callee == "Field":
        for keyword in call.keywords:
            if keyword.arg == "sa_column" and isinstance(keyword.value, ast.Call):
                inner = _column_from_call(keyword.value, default_name, site)
                if inner is not None:
                    name = inner.name
                    flags.update(inner.flags)
            if keyword.arg == "sa_column_kwargs" and isinstance(keyword.value, ast.Dict):
                for key, value in zip(keyword.value.keys, keyword.value.values, strict=False):
                    if _string(key) == "name" and _string(value):
                        name = _string(value)
    if name is None:
        return None
    return ColumnSite(name, _span(site), flags)


def _annotation_mentions(annotation: ast.AST | None, names: frozenset[str]) -> bool:
    if annotation is None:
        return False
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(annotation)) or any(
        isinstance(n, ast.Attribute) and n.attr in names for n in ast.walk(annotation)
    )


def _class_table(node: ast.ClassDef) -> tuple[str | None, bool]:
    """(table name, is a SQLModel table class)."""
    sqlmodel_table = any(k.arg == "table" and _is_true(k.value) for k in node.keywords)
    for statement in node.body:
        if isinstance(statement, ast.Assign | ast.AnnAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if any(isinstance(t, ast.Name) and t.id == "__tablename__" for t in targets):
                value = _string(statement.value)
                if value:
                    return value, sqlmodel_table
    if sqlmodel_table:
        return node.name.lower(), True
    return None, False


def _constraints(node: ast.AST | None) -> dict[str, Span]:
    found: dict[str, Span] = {}
    if node is None:
        return found
    for call in ast.walk(node):
        if isinstance(call, ast.Call) and _callee(call) in CONSTRAINT_CALLS:
            name = _string(call.args[0]) if call.args and _callee(call) == "Index" else None
            for keyword in call.keywords:
                if keyword.arg == "name" and _string(keyword.value):
                    name = _string(keyword.value)
            if name:
                found[name] = _span(call)
    return found


def _class_site(node: ast.ClassDef, lines: list[str]) -> TableSite | None:
    table, sqlmodel_table = _class_table(node)
    if table is None:
        return None
    site = TableSite(table, _name_span(node, lines), node.name, end_line=(node.end_lineno or node.lineno) - 1)
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            attribute = statement.target.id
            if attribute.startswith("__") or _annotation_mentions(
                statement.annotation, frozenset({"ClassVar"})
            ):
                continue
            value = statement.value
            callee = _callee(value) if value is not None else None
            if callee in NOT_COLUMNS:
                continue
            if isinstance(value, ast.Call) and callee in COLUMN_CALLS:
                column = _column_from_call(value, attribute, statement)
            elif sqlmodel_table or _annotation_mentions(statement.annotation, frozenset({"Mapped"})):
                if _annotation_mentions(statement.annotation, frozenset({"list", "List"})):
                    continue  # a relationship collection
                column = ColumnSite(attribute, _span(statement))
            else:
                continue
            if column is not None:
                site.columns[column.name] = column
        elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if not isinstance(target, ast.Name):
                continue
            if target.id == "__table_args__":
                site.constraints.update(_constraints(statement.value))
            elif isinstance(statement.value, ast.Call) and _callee(statement.value) in (
                "Column",
                "mapped_column",
            ):
                column = _column_from_call(statement.value, target.id, statement)
                if column is not None:
                    site.columns[column.name] = column
    return site


def _table_call_site(call: ast.Call) -> TableSite | None:
    name = _string(call.args[0]) if call.args else None
    if name is None:
        return None
    site = TableSite(name, _span(call), None, end_line=(call.end_lineno or call.lineno) - 1)
    for arg in call.args[1:]:
        if isinstance(arg, ast.Call) and _callee(arg) == "Column":
            column = _column_from_call(arg, None, arg)
            if column is not None:
                site.columns[column.name] = column
    site.constraints.update(_constraints(ast.Tuple(elts=call.args[1:], ctx=ast.Load())))
    return site


def map_models(path: str, text: str) -> ModelMap:
    """Every table the file defines, with its columns and named constraints. Never raises."""
    found = ModelMap(path)
    try:
        tree = parse_python(text)
    except (SyntaxError, ValueError):
        return found
    lines = text.splitlines()
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            site = _class_site(node, lines)
            if site is not None:
                found.tables[site.name] = site
            continue
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign | ast.Expr) else None
        if isinstance(value, ast.Call) and _callee(value) == "Table":
            site = _table_call_site(value)
            if site is not None:
                found.tables[site.name] = site
        elif value is not None:
            found.loose_constraints.update(_constraints(value))
    return found

"""Hand-written SQL read with PostgreSQL's own grammar (pglast, libpg_query), never run.

The lock-safety rules judge `op.add_column(...)` and `op.execute("ALTER TABLE ... ADD COLUMN ...")`
alike: this module turns SQL text into the few actions those rules look at. pglast is an optional
dependency (`pip install alembic-ls[sql]`): it is imported the first time a revision holds SQL text,
and without it SQL text is left unread (`sql_reader_available()` says so) rather than guessed at.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

from alembic_ls.analysis.last_memo import LastMemo
from alembic_ls.analysis.revision_file import RevisionFile, SqlCall

# Bound parameters a driver fills in (`:name` for text(), `%(name)s` / `%s` for the DBAPI): PostgreSQL
# never sees them, so they are read as the `$1` it would see; after `IN` the driver expands a tuple
# into `(a, b)`, read as `($1)`.
_IN_BIND = re.compile(r"\bIN\s+(?:%s|%\([A-Za-z_]\w*\)s|(?<!:):[A-Za-z_]\w*)", re.I)
_BIND = re.compile(r"(?<![:\w]):[A-Za-z_]\w*|%\([A-Za-z_]\w*\)s|%s")


@dataclass(frozen=True, slots=True)
class SqlAction:
    """One thing a statement does that a rule judges."""

    # create_index, create_table, add_column, set_not_null, add_constraint, update, delete, insert,
    # drop_column, drop_table
    kind: str
    table: str | None
    schema: str | None = None
    name: str | None = None  # the index, column or constraint
    concurrently: bool = False  # CREATE INDEX CONCURRENTLY
    not_null: bool = False  # ADD COLUMN ... NOT NULL
    has_default: bool = False  # ADD COLUMN ... DEFAULT
    constraint: str | None = None  # "foreign key", "check", "unique", "primary key"
    not_valid: bool = False  # ADD CONSTRAINT ... NOT VALID
    using_index: bool = False  # ADD CONSTRAINT ... USING INDEX
    index: str | None = None  # the index USING INDEX makes the constraint (it is then the constraint's)
    temporary: bool = False  # CREATE TEMP TABLE: no other session sees it
    has_where: bool = False  # UPDATE/DELETE ... WHERE
    reads: tuple[str, ...] = ()  # UPDATE ... FROM / DELETE ... USING: the other tables it names
    seeds: bool = False  # INSERT ... VALUES / DEFAULT VALUES, no subquery: rows written out, none read
    words: str = ""  # how a message names the statement: `ALTER TABLE ... ADD COLUMN`


@dataclass(frozen=True, slots=True)
class ParsedSql:
    call: SqlCall
    actions: tuple[SqlAction, ...]
    error: str | None = None  # the parser's complaint when the text is not valid PostgreSQL


@cache
def _pglast() -> ModuleType | None:
    try:
        import pglast
    except ImportError:
        return None
    return pglast


def sql_reader_available() -> bool:
    return _pglast() is not None


def sql_reader_installed() -> bool:
    """Is pglast installed? (Without importing it, which takes 20 ms: for a note, not for reading.)"""
    return sql_reader_location() is not None


def sql_reader_location() -> str | None:
    """The file pglast would be imported from, found without importing it; None: not installed."""
    try:
        spec = importlib.util.find_spec("pglast")
    except ValueError:  # sys.modules holds None for it: imports of it fail
        return None
    return spec.origin if spec is not None and spec.origin else None


def parsed_sql(rev: RevisionFile) -> list[ParsedSql]:
    """The complete SQL texts of `rev` (not f-strings with holes), parsed (shared by the rules that
    check the revision one after another). Empty without pglast."""
    return _parsed(rev)


def _parse_all(rev: RevisionFile) -> Iterator[ParsedSql]:
    candidates = [c for c in rev.sql_calls if c.sql and c.sql.strip() and not c.sql_partial]
    if not candidates:
        return
    pglast = _pglast()
    if pglast is None:
        return
    for call in candidates:
        assert call.sql is not None
        text = as_postgres_sees_it(call.sql)
        try:
            statements = parsed_statements(pglast, text)
        except pglast.parser.ParseError as error:
            yield ParsedSql(call, (), str(error))
            continue
        actions = [action for stmt in statements for action in statement_actions(stmt)]
        yield ParsedSql(call, tuple(actions))


# pglast's own parse builds a Python object for every node of the tree (`parse_sql`): five times
# the cost of having libpg_query write the tree as JSON and reading that (`parse_sql_json`), 22% of a
# `check` of indico's 176 revisions. The JSON is the same tree: a node is `{"Kind": {fields}}`
# where a field may hold any kind of node, and the fields themselves where it holds one kind (a
# statement's `relation` is a RangeVar's fields); false, zero and empty fields are left out.
Node = dict[str, Any]


def parsed_statements(pglast: ModuleType, text: str) -> list[Node]:
    """Each statement of `text`, as `{"Kind": {fields}}`; pglast's ParseError when it is not SQL."""
    tree = json.loads(pglast.parser.parse_sql_json(text))
    return [raw["stmt"] for raw in tree.get("stmts", ()) if "stmt" in raw]


def _kind(node: Node) -> tuple[str, Node]:
    """A node's kind and fields."""
    for kind, fields in node.items():
        return kind, fields
    return "", {}


def _relation(fields: Node) -> tuple[str | None, str | None]:
    relation = fields.get("relation")
    if relation is None:
        return None, None
    return relation.get("relname"), relation.get("schemaname")


def _tables_read(clause: list[Node] | None) -> tuple[str, ...]:
    """The tables an UPDATE ... FROM / DELETE ... USING names (not its subqueries)."""
    return tuple(str(item["RangeVar"].get("relname", "")) for item in clause or () if "RangeVar" in item)


def as_postgres_sees_it(sql: str) -> str:
    """The SQL with the parameters a driver fills in written as PostgreSQL's own (`$1`)."""
    return _BIND.sub("$1", _IN_BIND.sub("IN ($1)", sql))


def statement_actions(stmt: Node) -> Iterator[SqlAction]:
    """What one parsed statement (`parsed_statements`) does that a rule judges."""
    kind, fields = _kind(stmt)
    table, schema = _relation(fields)
    if kind == "IndexStmt":
        words = "CREATE UNIQUE INDEX" if fields.get("unique") else "CREATE INDEX"
        concurrently = bool(fields.get("concurrent"))
        yield SqlAction(
            "create_index", table, schema, fields.get("idxname"), concurrently=concurrently, words=words
        )
    elif kind == "CreateStmt":
        temporary = fields["relation"].get("relpersistence") == "t"
        yield SqlAction("create_table", table, schema, temporary=temporary, words="CREATE TABLE")
    elif kind == "CreateTableAsStmt" and fields.get("into") is not None:  # CREATE [TEMP] TABLE ... AS SELECT
        relation = fields["into"]["rel"]
        temporary = relation.get("relpersistence") == "t"
        yield SqlAction(
            "create_table",
            relation.get("relname"),
            relation.get("schemaname"),
            temporary=temporary,
            words="CREATE TABLE AS",
        )
    elif kind == "DropStmt" and fields.get("removeType") == "OBJECT_TABLE":
        for names in fields.get("objects") or ():  # DROP TABLE a, b
            items = names["List"].get("items", ()) if "List" in names else [names]
            parts = [str(item["String"].get("sval", "")) if "String" in item else "" for item in items]
            yield SqlAction(
                "drop_table", parts[-1], parts[-2] if len(parts) > 1 else None, words="DROP TABLE"
            )
    elif kind in ("UpdateStmt", "DeleteStmt"):
        yield SqlAction(
            "update" if kind == "UpdateStmt" else "delete",
            table,
            schema,
            has_where=fields.get("whereClause") is not None,
            words="UPDATE" if kind == "UpdateStmt" else "DELETE",
            reads=_tables_read(fields.get("fromClause") or fields.get("usingClause")),
        )
    elif kind == "InsertStmt":
        yield SqlAction("insert", table, schema, words="INSERT", seeds=_writes_out_its_rows(fields))
    elif kind == "AlterTableStmt":
        for command in fields.get("cmds") or ():
            action = _alter_table_action(command.get("AlterTableCmd", {}), table, schema)
            if action is not None:
                yield action


def _writes_out_its_rows(insert: Node) -> bool:
    """INSERT ... VALUES (...) or DEFAULT VALUES, with no WITH and no subquery in the values: the
    rows are in the statement, none is copied from a table (INSERT ... SELECT is)."""
    if insert.get("withClause") is not None:
        return False
    select_node = insert.get("selectStmt")
    if select_node is None:
        return True  # DEFAULT VALUES
    kind, select = _kind(select_node)
    if kind != "SelectStmt" or not select.get("valuesLists") or select.get("withClause") is not None:
        return False
    return not _holds_subquery(select["valuesLists"])


def _holds_subquery(tree: Any) -> bool:
    """Is there a SubLink (a subquery used as a value) anywhere in `tree`?"""
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if "SubLink" in node:
                return True
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return False


# A column these give a value to every existing row: a DEFAULT, an identity, a generated column.
_SELF_FILLING = frozenset({"CONSTR_DEFAULT", "CONSTR_IDENTITY", "CONSTR_GENERATED"})
# SERIAL is INTEGER with a sequence's nextval() as its DEFAULT.
_SERIAL_TYPES = frozenset({"serial", "bigserial", "smallserial", "serial2", "serial4", "serial8"})


def _type_name(definition: Node) -> str | None:
    names = (definition.get("typeName") or {}).get("names") or ()
    last = names[-1] if names else None
    return str(last["String"].get("sval", "")).lower() if last and "String" in last else None


_CONSTRAINT_KINDS = {
    "CONSTR_FOREIGN": "foreign key",
    "CONSTR_CHECK": "check",
    "CONSTR_UNIQUE": "unique",
    "CONSTR_PRIMARY": "primary key",
}


def _alter_table_action(command: Node, table: str | None, schema: str | None) -> SqlAction | None:
    subtype = command.get("subtype", "")
    kind, definition = _kind(command.get("def") or {})
    if subtype == "AT_AddColumn" and kind == "ColumnDef":
        constraints = {
            c["Constraint"].get("contype", "")
            for c in definition.get("constraints") or ()
            if "Constraint" in c
        }
        return SqlAction(
            "add_column",
            table,
            schema,
            definition.get("colname"),
            not_null="CONSTR_NOTNULL" in constraints or "CONSTR_PRIMARY" in constraints,
            has_default=bool(constraints & _SELF_FILLING) or _type_name(definition) in _SERIAL_TYPES,
            words="ALTER TABLE ... ADD COLUMN",
        )
    if subtype == "AT_DropColumn":
        return SqlAction(
            "drop_column", table, schema, command.get("name"), words="ALTER TABLE ... DROP COLUMN"
        )
    if subtype == "AT_SetNotNull":
        return SqlAction(
            "set_not_null", table, schema, command.get("name"), words="ALTER COLUMN ... SET NOT NULL"
        )
    if subtype == "AT_AddConstraint" and kind == "Constraint":
        constraint = _CONSTRAINT_KINDS.get(definition.get("contype", ""))
        if constraint is None:
            return None
        return SqlAction(
            "add_constraint",
            table,
            schema,
            definition.get("conname"),
            constraint=constraint,
            not_valid=bool(definition.get("skip_validation")),
            using_index=bool(definition.get("indexname")),
            index=definition.get("indexname") or None,
            words=f"ADD CONSTRAINT ... {constraint.upper()}",
        )
    return None


_parsed: LastMemo[RevisionFile, list[ParsedSql]] = LastMemo(lambda rev: list(_parse_all(rev)))

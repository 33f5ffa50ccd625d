"""Hand-written SQL read with PostgreSQL's own grammar (pglast, libpg_query), never run.

The lock-safety rules judge `op.add_column(...)` and `op.execute("ALTER TABLE ... ADD COLUMN ...")`
alike: this module turns SQL text into the few actions those rules look at. pglast is an optional
dependency (`pip install alembic-ls[sql]`): it is imported the first time a revision holds SQL text,
and without it SQL text is left unread (`sql_reader_available()` says so) rather than guessed at.
"""

from __future__ import annotations

import importlib.util
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
            statements = pglast.parse_sql(text)
        except pglast.parser.ParseError as error:
            yield ParsedSql(call, (), str(error))
            continue
        actions = [action for raw in statements for action in statement_actions(raw.stmt)]
        yield ParsedSql(call, tuple(actions))


def _relation(node: Any) -> tuple[str | None, str | None]:
    relation = getattr(node, "relation", None)
    if relation is None:
        return None, None
    return relation.relname, relation.schemaname


def _tables_read(clause: Any) -> tuple[str, ...]:
    """The tables an UPDATE ... FROM / DELETE ... USING names (not its subqueries)."""
    return tuple(str(item.relname) for item in clause or () if type(item).__name__ == "RangeVar")


def as_postgres_sees_it(sql: str) -> str:
    """The SQL with the parameters a driver fills in written as PostgreSQL's own (`$1`)."""
    return _BIND.sub("$1", _IN_BIND.sub("IN ($1)", sql))


def statement_actions(stmt: Any) -> Iterator[SqlAction]:
    """What one parsed statement (a pglast node) does that a rule judges."""
    kind = type(stmt).__name__
    table, schema = _relation(stmt)
    if kind == "IndexStmt":
        words = "CREATE UNIQUE INDEX" if stmt.unique else "CREATE INDEX"
        yield SqlAction(
            "create_index", table, schema, stmt.idxname, concurrently=bool(stmt.concurrent), words=words
        )
    elif kind == "CreateStmt":
        temporary = stmt.relation.relpersistence == "t"
        yield SqlAction("create_table", table, schema, temporary=temporary, words="CREATE TABLE")
    elif kind == "CreateTableAsStmt" and stmt.into is not None:  # CREATE [TEMP] TABLE ... AS SELECT
        relation = stmt.into.rel
        temporary = relation.relpersistence == "t"
        yield SqlAction(
            "create_table",
            relation.relname,
            relation.schemaname,
            temporary=temporary,
            words="CREATE TABLE AS",
        )
    elif kind == "DropStmt" and getattr(stmt.removeType, "name", "") == "OBJECT_TABLE":
        for names in stmt.objects or ():  # DROP TABLE a, b
            parts = [str(getattr(n, "sval", "")) for n in getattr(names, "items", None) or names]
            yield SqlAction(
                "drop_table", parts[-1], parts[-2] if len(parts) > 1 else None, words="DROP TABLE"
            )
    elif kind in ("UpdateStmt", "DeleteStmt"):
        yield SqlAction(
            "update" if kind == "UpdateStmt" else "delete",
            table,
            schema,
            has_where=stmt.whereClause is not None,
            words="UPDATE" if kind == "UpdateStmt" else "DELETE",
            reads=_tables_read(getattr(stmt, "fromClause", None) or getattr(stmt, "usingClause", None)),
        )
    elif kind == "InsertStmt":
        yield SqlAction("insert", table, schema, words="INSERT", seeds=_writes_out_its_rows(stmt))
    elif kind == "AlterTableStmt":
        for command in stmt.cmds or ():
            action = _alter_table_action(command, table, schema)
            if action is not None:
                yield action


def _writes_out_its_rows(insert: Any) -> bool:
    """INSERT ... VALUES (...) or DEFAULT VALUES, with no WITH and no subquery in the values: the
    rows are in the statement, none is copied from a table (INSERT ... SELECT is)."""
    select = insert.selectStmt
    if insert.withClause is not None:
        return False
    if select is None:
        return True  # DEFAULT VALUES
    if not select.valuesLists or select.withClause is not None:
        return False
    return not _holds_subquery(select.valuesLists)


def _holds_subquery(node: Any) -> bool:
    finder = _subquery_finder()()
    finder(node)
    return bool(finder.found)


@cache
def _subquery_finder() -> Any:
    """A pglast visitor noting a subquery (made once: pglast is imported only when SQL is read)."""
    visitor: Any = importlib.import_module("pglast.visitors").Visitor

    class SubqueryFinder(visitor):  # type: ignore[misc]
        found = False

        def visit_SubLink(self, _ancestors: Any, _node: Any) -> None:
            self.found = True

    return SubqueryFinder


# A column these give a value to every existing row: a DEFAULT, an identity, a generated column.
_SELF_FILLING = frozenset({"CONSTR_DEFAULT", "CONSTR_IDENTITY", "CONSTR_GENERATED"})
# SERIAL is INTEGER with a sequence's nextval() as its DEFAULT.
_SERIAL_TYPES = frozenset({"serial", "bigserial", "smallserial", "serial2", "serial4", "serial8"})


def _type_name(definition: Any) -> str | None:
    names = getattr(definition.typeName, "names", None) or ()
    return str(names[-1].sval).lower() if names else None


_CONSTRAINT_KINDS = {
    "CONSTR_FOREIGN": "foreign key",
    "CONSTR_CHECK": "check",
    "CONSTR_UNIQUE": "unique",
    "CONSTR_PRIMARY": "primary key",
}


def _alter_table_action(command: Any, table: str | None, schema: str | None) -> SqlAction | None:
    subtype = getattr(command.subtype, "name", str(command.subtype))
    definition = command.def_
    if subtype == "AT_AddColumn" and type(definition).__name__ == "ColumnDef":
        constraints = {getattr(c.contype, "name", "") for c in definition.constraints or ()}
        return SqlAction(
            "add_column",
            table,
            schema,
            definition.colname,
            not_null="CONSTR_NOTNULL" in constraints or "CONSTR_PRIMARY" in constraints,
            has_default=bool(constraints & _SELF_FILLING) or _type_name(definition) in _SERIAL_TYPES,
            words="ALTER TABLE ... ADD COLUMN",
        )
    if subtype == "AT_DropColumn":
        return SqlAction("drop_column", table, schema, command.name, words="ALTER TABLE ... DROP COLUMN")
    if subtype == "AT_SetNotNull":
        return SqlAction("set_not_null", table, schema, command.name, words="ALTER COLUMN ... SET NOT NULL")
    if subtype == "AT_AddConstraint" and type(definition).__name__ == "Constraint":
        kind = _CONSTRAINT_KINDS.get(getattr(definition.contype, "name", ""))
        if kind is None:
            return None
        return SqlAction(
            "add_constraint",
            table,
            schema,
            definition.conname,
            constraint=kind,
            not_valid=bool(definition.skip_validation),
            using_index=bool(definition.indexname),
            index=definition.indexname or None,
            words=f"ADD CONSTRAINT ... {kind.upper()}",
        )
    return None


_parsed: LastMemo[RevisionFile, list[ParsedSql]] = LastMemo(lambda rev: list(_parse_all(rev)))

"""What a piece of hand-written SQL does, read from its leading keywords (never executed).

AM104 asks for a comment on a manual data change. Real revisions also run SQL that changes no data
(a `SELECT` computing what to do next) and DDL autogenerate cannot write (`CREATE EXTENSION`,
`DROP TRIGGER`): the first is nothing to explain, the second is to be named for what it is.
"""

from __future__ import annotations

import enum
import re


class SqlKind(str, enum.Enum):
    READ = "read"  # SELECT, WITH ... SELECT, SHOW, EXPLAIN: changes nothing
    DATA = "data"  # INSERT, UPDATE, DELETE, MERGE, COPY, TRUNCATE: changes rows
    DDL = "ddl"  # CREATE, ALTER, DROP, COMMENT, GRANT...: changes the schema
    SETTING = "setting"  # SET, RESET: the session's own settings (`SET LOCAL lock_timeout`)
    UNKNOWN = "unknown"


_READ = frozenset({"SELECT", "SHOW", "EXPLAIN", "VALUES", "TABLE"})
_DATA = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE", "COPY", "TRUNCATE", "UPSERT", "REPLACE", "CALL"})
_SETTING = frozenset({"SET", "RESET"})
_DDL = frozenset(
    {
        "CREATE",
        "ALTER",
        "DROP",
        "COMMENT",
        "GRANT",
        "REVOKE",
        "REINDEX",
        "VACUUM",
        "ANALYZE",
        "CLUSTER",
        "RENAME",
        "REFRESH",
        "LOCK",
        "DO",
        "PRAGMA",
    }
)
# Words that say which object a DDL statement is about: `CREATE EXTENSION`, `DROP TRIGGER`,
# `CREATE UNIQUE INDEX`, `CREATE OR REPLACE FUNCTION`.
_QUALIFIERS = frozenset(
    {"OR", "REPLACE", "UNIQUE", "TEMP", "TEMPORARY", "IF", "NOT", "EXISTS", "CONCURRENTLY"}
)
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_WORD = re.compile(r"[A-Za-z_]+")


def _statements(sql: str) -> list[list[str]]:
    """Each statement's words up to its first string literal, upper-cased."""
    found: list[list[str]] = []
    for statement in _COMMENTS.sub(" ", sql).split(";"):
        words = [w.upper() for w in _WORD.findall(statement.split("'", 1)[0])]
        if words:
            found.append(words)
    return found


def classify(sql: str) -> tuple[SqlKind, str | None]:
    """The kind of the SQL text, and for DDL the words naming it (`CREATE EXTENSION`)."""
    kinds: list[SqlKind] = []
    ddl_words: str | None = None
    for words in _statements(sql):
        first = words[0]
        if first == "WITH":  # a CTE: what the statement does comes after it
            first = next((w for w in words[1:] if w in _READ | _DATA), "WITH")
            if any(w in _DATA for w in words):
                first = "UPDATE"
        if first in _READ:
            kinds.append(SqlKind.READ)
        elif first in _DATA:
            kinds.append(SqlKind.DATA)
        elif first in _SETTING:
            kinds.append(SqlKind.SETTING)
        elif first in _DDL:
            kinds.append(SqlKind.DDL)
            if ddl_words is None:
                named = [w for w in words[1:] if w not in _QUALIFIERS][:1]
                ddl_words = " ".join([first, *named])
        else:
            kinds.append(SqlKind.UNKNOWN)
    if not kinds or SqlKind.UNKNOWN in kinds:
        return SqlKind.UNKNOWN, None
    if SqlKind.DATA in kinds:
        return SqlKind.DATA, None
    if SqlKind.DDL in kinds:
        return SqlKind.DDL, ddl_words
    if SqlKind.READ in kinds:
        return SqlKind.READ, None
    return SqlKind.SETTING, None


# Statements that change rows already in a table (INSERT only when it copies them: `INSERT ...
# SELECT`; one that writes literal values seeds a table, as bulk_insert does).
_REWRITE = frozenset({"UPDATE", "DELETE", "MERGE", "TRUNCATE", "UPSERT", "REPLACE"})


def rewrites_rows(sql: str) -> bool:
    """Does the SQL change or copy rows the table already holds (a backfill, a dedup, a copy)?"""
    for words in _statements(sql):
        verbs = words if words[0] == "WITH" else words[:1]  # a CTE's statement comes after it
        if any(w in _REWRITE for w in verbs) or ("INSERT" in verbs and "SELECT" in words):
            return True
    return False


# SQLAlchemy constructs passed to op.execute()/connection.execute() instead of SQL text.
SCHEMA_CONSTRUCTS = frozenset(
    {
        "CreateSequence",
        "DropSequence",
        "CreateTable",
        "DropTable",
        "CreateIndex",
        "DropIndex",
        "AddConstraint",
        "DropConstraint",
        "CreateSchema",
        "DropSchema",
        "CreateColumn",
        "SetTableComment",
        "DropTableComment",
        "SetColumnComment",
        "DropColumnComment",
        "DDL",
    }
)
READ_CONSTRUCTS = frozenset({"select", "exists"})
DATA_CONSTRUCTS = frozenset({"insert", "update", "delete", "values"})


def construct_rewrites_rows(chain: str) -> bool:
    """`table.update().where().values`, `sa.delete(t)`, `sa.insert(t).from_select(...)`."""
    parts = set(chain.split("."))
    return bool(parts & {"update", "delete"}) or {"insert", "from_select"} <= parts


def classify_construct(chain: str) -> SqlKind:
    """A construct by the names in its call chain: `sa.schema.DropSequence` → DDL,
    `sa.select` / `table.select().where` → READ, `table.update().where().values` → DATA."""
    parts = set(chain.split("."))
    if parts & SCHEMA_CONSTRUCTS:
        return SqlKind.DDL
    if parts & DATA_CONSTRUCTS:
        return SqlKind.DATA
    if parts & READ_CONSTRUCTS:
        return SqlKind.READ
    return SqlKind.UNKNOWN

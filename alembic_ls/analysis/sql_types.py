"""Column types as written in a migration (`sa.String(50)`, `postgresql.JSONB()`), compared statically.

Two questions are asked: could a dropped column and an added one hold the same data (a rename in
disguise, AM402), and does changing a column from one type to another leave the stored bytes as
they are, so PostgreSQL needs no table rewrite (AM405)?
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alembic_ls.analysis.revision_file import ArgValue, Import

_FAMILIES: dict[str, frozenset[str]] = {
    "text": frozenset(
        {"STRING", "VARCHAR", "TEXT", "UNICODE", "UNICODETEXT", "AUTOSTRING", "CHAR", "NCHAR", "NVARCHAR"}
        | {"CITEXT", "CLOB", "NTEXT"}
    ),
    "integer": frozenset({"INTEGER", "INT", "BIGINTEGER", "BIGINT", "SMALLINTEGER", "SMALLINT"}),
    "numeric": frozenset({"NUMERIC", "DECIMAL", "FLOAT", "REAL", "DOUBLE", "DOUBLE_PRECISION"}),
    "boolean": frozenset({"BOOLEAN"}),
    "datetime": frozenset({"DATETIME", "TIMESTAMP", "UTCDATETIME"}),
    "date": frozenset({"DATE"}),
    "time": frozenset({"TIME"}),
    "interval": frozenset({"INTERVAL"}),
    "json": frozenset({"JSON", "JSONB"}),
    "uuid": frozenset({"UUID"}),
    "binary": frozenset({"LARGEBINARY", "BYTEA", "BLOB", "BINARY", "VARBINARY"}),
    "enum": frozenset({"ENUM"}),
}
_FAMILY_OF = {name: family for family, names in _FAMILIES.items() for name in names}
# Text types without a length limit: converting any other text type (except CHAR, whose
# blank-padding changes the stored value) to one of these is binary-coercible in PostgreSQL.
_UNBOUNDED_TEXT = frozenset({"TEXT", "UNICODETEXT", "CITEXT", "CLOB", "NTEXT"})
_PADDED_TEXT = frozenset({"CHAR", "NCHAR"})
# Spellings of one database type (SQLAlchemy's generic name, the SQL name, SQLModel's).
_SYNONYMS = {
    "STRING": "VARCHAR",
    "UNICODE": "VARCHAR",
    "AUTOSTRING": "VARCHAR",
    "NVARCHAR": "VARCHAR",
    "UNICODETEXT": "TEXT",
    "INT": "INTEGER",
    "BIGINTEGER": "BIGINT",
    "SMALLINTEGER": "SMALLINT",
    "DATETIME": "TIMESTAMP",
    "DECIMAL": "NUMERIC",
    "LARGEBINARY": "BYTEA",
    "DOUBLE": "DOUBLE_PRECISION",
}
_LEADING_NAME = re.compile(r"^\s*([A-Za-z_][\w.]*)")


@dataclass(frozen=True)
class ColumnType:
    name: str  # upper-case last component: "VARCHAR", "STRING", "JSONB"
    length: int | None  # String(50), VARCHAR(length=50), Numeric(10, 2) -> precision
    scale: int | None
    source: str

    @property
    def family(self) -> str | None:
        return _FAMILY_OF.get(self.name)

    @property
    def canonical(self) -> str:
        return _SYNONYMS.get(self.name, self.name)


def read_type(value: ArgValue | None) -> ColumnType | None:
    """`sa.String(50)`, `sa.Text`, `postgresql.JSONB(astext_type=sa.Text())`; None if not a type."""
    if value is None or value.is_literal:
        return None
    dotted = value.call_name
    if dotted is None:
        match = _LEADING_NAME.match(value.source)
        if match is None:
            return None
        dotted = match.group(1)
    name = dotted.split(".")[-1].upper()
    length = _int_arg(value, 0, "length")
    if length is None:
        length = _int_arg(value, 0, "precision")
    scale = _int_arg(value, 1, "scale")
    return ColumnType(name, length, scale, value.source)


def defined_elsewhere(value: ArgValue, imports: tuple[Import, ...]) -> bool:
    """Is the type imported from outside SQLAlchemy (`from util.migrate import UTF8LongText`, a
    TypeDecorator; `sqlalchemy_utils.UUIDType`)? What it is in the database depends on code the
    analysis does not run (`impl`, `load_dialect_impl`)."""
    dotted = value.call_name or (match.group(1) if (match := _LEADING_NAME.match(value.source)) else None)
    if dotted is None:
        return False
    first = dotted.split(".")[0]
    for statement in imports:
        if first in statement.names and statement.module is not None:
            return statement.module.split(".")[0] != "sqlalchemy"
    return False


def _int_arg(value: ArgValue, index: int, keyword: str) -> int | None:
    found = value.call_args[index] if index < len(value.call_args) else value.kwarg(keyword)
    if found is not None and isinstance(found.value, int) and not isinstance(found.value, bool):
        return found.value
    return None


def same_type(a: ArgValue, b: ArgValue) -> bool:
    """`sa.VARCHAR(length=50)` (as autogenerate reflects it) is `sa.String(50)`."""
    first, second = read_type(a), read_type(b)
    if first is None or second is None or first.family == "enum":
        return _squeezed(a.source) == _squeezed(b.source)
    return (first.canonical, first.length, first.scale) == (second.canonical, second.length, second.scale)


def could_hold_same_data(old: ColumnType, new: ColumnType) -> bool:
    """Same family of types (or the very same custom type): a rename would keep the values."""
    if old.family is not None or new.family is not None:
        return old.family == new.family
    return old.name == new.name


def is_in_place_change(old: ColumnType, new: ColumnType) -> bool:
    """PostgreSQL changes the type without rewriting the table or re-checking rows.

    varchar(n) -> varchar(m >= n), varchar -> text, numeric(p, s) -> numeric(p2 >= p, s) and
    dropping a length limit are binary-coercible; everything else rewrites (or at least scans)
    the table under ACCESS EXCLUSIVE.
    """
    if old.family != new.family or old.family is None:
        return False
    if old.family == "text":
        if old.name in _PADDED_TEXT:
            return False
        if new.name in _UNBOUNDED_TEXT:
            return True
        if new.name in _PADDED_TEXT:
            return False
        if new.length is None:
            return True
        return old.length is not None and old.name not in _UNBOUNDED_TEXT and new.length >= old.length
    if old.family == "numeric" and old.name in ("NUMERIC", "DECIMAL") and new.name in ("NUMERIC", "DECIMAL"):
        if new.length is None:
            return True
        return old.length is not None and new.length >= old.length and new.scale == old.scale
    if old.family == "enum":
        return _squeezed(old.source) == _squeezed(new.source)  # a different set of labels is a new type
    return old.canonical == new.canonical and old.length == new.length and old.scale == new.scale


def _squeezed(source: str) -> str:
    return re.sub(r"\s+", "", source)

"""The names a SQLAlchemy naming convention can give an index or constraint created without one.

`op.create_foreign_key(None, "editables", "revisions", ["published_revision_id"], ["id"])` gets its
name from the project's `MetaData(naming_convention=...)`, which lives in application code the
analysis does not run. Under indico's `fk_%(table_name)s_%(column_names)s_%(referred_table_name)s`
it is `fk_editables_published_revision_id_revisions`, the name its downgrade drops. What the
convention says is not known, so every name the common shapes of a convention would build from
the object's table, columns and referred table is a candidate (a couple of dozen short strings,
built only for unnamed objects).

The column tokens, as sqlalchemy/sql/naming.py expands them: `column_0_name` is the first column,
`column_0N_name` all of them run together, `column_0_N_name` all of them joined by `_` (what
indico's own `column_names` token gives too); `_key` is the same in a migration (a column's key is
its name); `_label` puts `<table>_` before each column.
"""

from __future__ import annotations

from collections.abc import Sequence

# The prefixes SQLAlchemy's documented conventions start with, by the op creating the object.
PREFIXES = {
    "create_foreign_key": "fk",
    "create_unique_constraint": "uq",
    "create_primary_key": "pk",
    "create_check_constraint": "ck",
    "create_index": "ix",
}


def column_tokens(table: str, columns: Sequence[str]) -> tuple[str, ...]:
    """What `%(column_0_name)s`, `%(column_0N_name)s`, `%(column_0_N_name)s` and their `_label`
    forms expand to for these columns of `table`."""
    if not columns:
        return ()
    labels = [f"{table}_{column}" for column in columns]
    found = (columns[0], "".join(columns), "_".join(columns), labels[0], "".join(labels), "_".join(labels))
    return tuple(dict.fromkeys(found))


def conventional_names(
    prefix: str, table: str, columns: Sequence[str], referred: str | None
) -> frozenset[str]:
    """Names `<prefix>_[<table>_]<columns>[_<referred table>]` for every column token, and
    `<prefix>_<table>` (`pk_%(table_name)s`)."""
    names = {f"{prefix}_{table}"}
    suffixes = ("", f"_{referred}") if referred else ("",)
    for middle in column_tokens(table, columns):
        for table_part in ("", f"{table}_"):
            for suffix in suffixes:
                names.add(f"{prefix}_{table_part}{middle}{suffix}")
    return frozenset(names)

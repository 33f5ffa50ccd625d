"""SQL in an f-string, read as far as its literal text says: which table it writes to.

`op.execute(f"UPDATE event_registration.form_items SET internal_name = CASE personal_data_type
{case_expr} END ...")` (indico 577e564cf0ae): the statement's kind and its table are literal text,
only a part of an expression is a hole. AM104 asks no more of it than that (is it a step of the
schema change the message names?), so it may read the statement here. The lock rules (AM401,
AM403, ...) judge what the statement does to the table and must not: a hole may hold anything
(`CONCURRENTLY`, `NOT VALID`, a WHERE clause), so for them f-string SQL stays unread
(`sql_statements.parsed_sql` leaves it out).

Each hole (the parser's `?`, see parser._sql_argument) is first read as an identifier, which
PostgreSQL accepts wherever a name or a value goes, and the text parsed; a hole where neither can
go (a run of `WHEN ... THEN ...` arms) makes the parse fail, and then the head of the statement is
read from PostgreSQL's own tokens: `UPDATE [ONLY] <table>`, `DELETE FROM [ONLY] <table>`, `INSERT
INTO <table>`, when the text is one statement. Either way an action is kept only when its table
is literal text: a table whose name holds a hole (`form_{suffix}`) is not known.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from alembic_ls.analysis import sql_statements
from alembic_ls.analysis.last_memo import LastMemo
from alembic_ls.analysis.revision_file import RevisionFile, SqlCall
from alembic_ls.analysis.sql_statements import (
    ParsedSql,
    SqlAction,
    as_postgres_sees_it,
    parsed_statements,
    statement_actions,
)

# What a hole is read as: an identifier no real statement names (a hole next to a name's letters
# joins the name, which then holds it: `form_?` -> `form_alembic_ls_hole`).
PLACEHOLDER = "alembic_ls_hole"
_HOLE = "?"


def partially_read_sql(rev: RevisionFile) -> list[ParsedSql]:
    """The f-string SQL texts of `rev`, with the actions whose table their literal text names
    (shared by the rules that check the revision one after another). Empty without pglast."""
    return _read(rev)


def _read_all(rev: RevisionFile) -> Iterator[ParsedSql]:
    candidates = [c for c in rev.sql_calls if c.sql and c.sql_partial]
    if not candidates or not sql_statements.sql_reader_available():
        return
    import pglast

    for call in candidates:
        assert call.sql is not None
        yield ParsedSql(call, tuple(_literal_actions(pglast, call)))


def _literal_actions(pglast: Any, call: SqlCall) -> Iterator[SqlAction]:
    assert call.sql is not None
    text = _fill_holes(pglast, as_postgres_sees_it(call.sql))
    if text is None:
        return
    try:
        statements = parsed_statements(pglast, text)
    except pglast.parser.ParseError:
        head = _head_action(pglast, text)
        if head is not None:
            yield head
        return
    for stmt in statements:
        for action in statement_actions(stmt):
            if _is_literal(action.table):
                reads = tuple(read for read in action.reads if _is_literal(read))
                schema = action.schema if _is_literal(action.schema) else None
                yield dataclasses.replace(action, reads=reads, schema=schema)


def _is_literal(name: str | None) -> bool:
    return name is not None and PLACEHOLDER not in name and _HOLE not in name


def _fill_holes(pglast: Any, sql: str) -> str | None:
    """The text with each hole outside quotes and comments read as the placeholder (a `?` inside
    a string or a quoted name stays what it is: part of that literal). None: not valid tokens."""
    try:
        tokens = pglast.parser.scan(sql)
    except pglast.parser.ParseError:
        return None
    parts: list[str] = []
    done = 0
    for token in tokens:
        if token.name == "Op" and _HOLE in sql[token.start : token.end + 1]:
            parts.append(sql[done : token.start])
            parts.append(sql[token.start : token.end + 1].replace(_HOLE, PLACEHOLDER))
            done = token.end + 1
    parts.append(sql[done:])
    return "".join(parts)


# The head of a statement that writes rows, up to its table: (keywords, kind, words).
_HEADS = (
    (("UPDATE",), "update", "UPDATE"),
    (("DELETE_P", "FROM"), "delete", "DELETE"),
    (("INSERT", "INTO"), "insert", "INSERT"),
)
# Tokens a table's name may be: an identifier, or a keyword PostgreSQL lets name a table.
_NAME_TOKENS = frozenset({"IDENT"})
_NAME_KEYWORD_KINDS = frozenset({"UNRESERVED_KEYWORD", "COL_NAME_KEYWORD"})


def _head_action(pglast: Any, text: str) -> SqlAction | None:
    """What the one statement of `text` writes to, read from its first tokens."""
    tokens = [t for t in pglast.parser.scan(text) if t.name not in ("SQL_COMMENT", "C_COMMENT")]
    while tokens and tokens[-1].name == "ASCII_59":  # a trailing `;`
        tokens.pop()
    if any(t.name == "ASCII_59" for t in tokens):
        return None  # more statements: what a hole between them holds is not known
    names = [t.name for t in tokens]
    for keywords, kind, words in _HEADS:
        if tuple(names[: len(keywords)]) != keywords:
            continue
        at = len(keywords)
        if kind != "insert" and at < len(names) and names[at] == "ONLY":
            at += 1
        parts: list[str] = []
        while at < len(tokens) and (
            tokens[at].name in _NAME_TOKENS or tokens[at].kind in _NAME_KEYWORD_KINDS
        ):
            parts.append(_identifier(text[tokens[at].start : tokens[at].end + 1]))
            at += 1
            if at < len(tokens) and tokens[at].name == "ASCII_46":  # `.`: a schema before it
                at += 1
                continue
            break
        if not parts or not _is_literal(parts[-1]):
            return None
        schema = parts[-2] if len(parts) > 1 and _is_literal(parts[-2]) else None
        return SqlAction(kind, parts[-1], schema, words=words)
    return None


def _identifier(token: str) -> str:
    """A name as PostgreSQL reads it: quoted, as written; unquoted, in lower case."""
    if token.startswith('"') and token.endswith('"') and len(token) > 1:
        return token[1:-1].replace('""', '"')
    return token.lower()


_read: LastMemo[RevisionFile, list[ParsedSql]] = LastMemo(lambda rev: list(_read_all(rev)))

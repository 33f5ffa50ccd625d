"""Set `[tool.alembic-ls] baseline` in a pyproject.toml's text, changing nothing else.

No TOML writer is a dependency (tomllib only reads), and a round trip through one would reorder
and reformat the team's file anyway. So the text is cut into statements (headers and key/value
pairs; a pair ends at the first line where it parses alone, which also carries it through
multi-line arrays and strings), the old baseline's statements are taken out, the new ones go
where a person would put them, and the result must parse to exactly the old document with only
the baseline changed, or nothing is written.
"""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from alembic_ls.baseline import toml_string

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TABLE = ("tool", "alembic-ls")
KEY = "baseline"
# A list applies to every project the settings reach; a mapping is keyed by script location.
NewBaseline = Sequence[str] | Mapping[str, Sequence[str]]


class EditRefused(Exception):
    """The file cannot be edited safely; the message says what to write by hand."""


@dataclass(frozen=True)
class Statement:
    start: int  # first line
    end: int  # one past the last line
    header: bool  # a [table] or [[array]] header; else a key/value pair
    path: tuple[str, ...]  # a header's table; a pair's full key (its table's path + its key)
    table: tuple[str, ...]  # the table the statement is in (a header's own)


def set_baseline(text: str | None, baseline: NewBaseline) -> str:
    """`text` (None: no file yet) with the baseline replaced by `baseline`."""
    newline = "\r\n" if text and "\r\n" in text else "\n"
    if not text:
        return _rendered(baseline, newline, header=True)
    try:
        before = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise EditRefused(f"cannot read TOML: {exc}") from exc
    lines = re.findall(r"[^\n]*\n|[^\n]+$", text)
    if not lines[-1].endswith("\n"):
        lines[-1] += newline  # something may follow it now
    statements = _statements(lines)
    removed = [s for s in statements if _is_baseline(s)]
    removed_lines = {n for s in _sections(statements, removed) for n in range(s[0], s[1])}
    at, block = _placement(lines, statements, removed, removed_lines, baseline, newline)
    kept = [line for n, line in enumerate(lines[:at]) if n not in removed_lines]
    rest = [line for n, line in enumerate(lines[at:], at) if n not in removed_lines]
    result = "".join([*kept, block, *rest])
    _verify(before, result, baseline)
    return result


def _placement(
    lines: list[str],
    statements: list[Statement],
    removed: list[Statement],
    removed_lines: set[int],
    baseline: NewBaseline,
    newline: str,
) -> tuple[int, str]:
    """(line before which the new statements go, their text): where the old baseline was, else
    at the end of the `[tool.alembic-ls]` table's pairs, else at the end of the file."""
    as_table = isinstance(baseline, Mapping)
    # In place only where the new statements mean the same there (a pair: in [tool.alembic-ls]).
    same_shape = [s for s in removed if s.header == as_table and (s.header or s.table == TABLE)]
    if same_shape:
        return same_shape[0].start, _rendered(baseline, newline, header=False)
    header = next((s for s in statements if s.header and s.path == TABLE), None)
    if header is not None:
        section = _section_of(statements, header)
        pairs = [s for s in section if not s.header and s.start not in removed_lines]
        at = pairs[-1].end if pairs else header.end
        return at, (newline if as_table else "") + _rendered(baseline, newline, header=False)
    if removed:  # the old table was the only thing naming [tool.alembic-ls]: the new one goes there
        return removed[0].start, _rendered(baseline, newline, header=True)
    blank = not lines or not lines[-1].strip()
    return len(lines), ("" if blank else newline) + _rendered(baseline, newline, header=True)


def _rendered(baseline: NewBaseline, newline: str, header: bool) -> str:
    """The statements setting `baseline`; with `header`, preceded by `[tool.alembic-ls]` if needed."""
    if isinstance(baseline, Mapping):
        entries = [f"{toml_string(key)} = {_array(revs)}{newline}" for key, revs in baseline.items()]
        return f"[tool.alembic-ls.{KEY}]{newline}" + "".join(entries)
    pair = f"{KEY} = {_array(baseline)}{newline}"
    return f"[tool.alembic-ls]{newline}{pair}" if header else pair


def _array(revisions: Sequence[str]) -> str:
    return "[" + ", ".join(toml_string(r) for r in revisions) + "]"


def _is_baseline(statement: Statement) -> bool:
    return statement.path[: len(TABLE) + 1] == (*TABLE, KEY)


def _sections(statements: list[Statement], removed: list[Statement]) -> list[tuple[int, int]]:
    """Line ranges to drop: each removed pair, and each removed header with its pairs (the comments
    after its last pair stay: they are usually about what follows)."""
    ranges = []
    for statement in removed:
        if statement.header:
            section = _section_of(statements, statement)
            ranges.append((statement.start, section[-1].end))
        else:
            ranges.append((statement.start, statement.end))
    return ranges


def _section_of(statements: list[Statement], header: Statement) -> list[Statement]:
    """The header and its pairs, up to the next header."""
    index = statements.index(header)
    following = []
    for statement in statements[index + 1 :]:
        if statement.header:
            break
        following.append(statement)
    return [header, *following]


def _statements(lines: list[str]) -> list[Statement]:
    found: list[Statement] = []
    table: tuple[str, ...] = ()
    n = 0
    while n < len(lines):
        stripped = lines[n].strip()
        if not stripped or stripped.startswith("#"):
            n += 1
            continue
        if stripped.startswith("["):
            table = _header_path(lines[n])
            found.append(Statement(n, n + 1, True, table, table))
            n += 1
            continue
        end = n + 1
        while not _parses("".join(lines[n:end])):
            end += 1  # the whole file parses, so the pair ends somewhere
            if end > len(lines):
                raise EditRefused(f"cannot tell where {lines[n].strip()!r} ends")
        found.append(Statement(n, end, False, (*table, *_key_path(lines[n])), table))
        n = end
    return found


def _parses(text: str) -> bool:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return True


def _header_path(line: str) -> tuple[str, ...]:
    """`[tool."alembic-ls"]` -> ("tool", "alembic-ls"); an array of tables ends with "[]"."""
    node: Any = tomllib.loads(line)
    path: list[str] = []
    while isinstance(node, dict) and len(node) == 1:
        key, node = next(iter(node.items()))
        path.append(key)
        if isinstance(node, list):  # [[array]]: its pairs are no table of ours
            return (*path, "[]")
    return tuple(path)


def _key_path(line: str) -> tuple[str, ...]:
    """The dotted key a pair's first line starts with, read by TOML itself."""
    node: Any = tomllib.loads(_key_text(line) + "= 0")
    path: list[str] = []
    while isinstance(node, dict):
        key, node = next(iter(node.items()))
        path.append(key)
    return tuple(path)


def _key_text(line: str) -> str:
    """The text before the pair's `=` (which may sit inside a quoted key)."""
    quote = ""
    n = 0
    while n < len(line):
        char = line[n]
        if quote:
            if char == "\\" and quote == '"':
                n += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "=":
            return line[:n]
        n += 1
    raise EditRefused(f"cannot read the key of {line.strip()!r}")


def _verify(before: dict[str, Any], result: str, baseline: NewBaseline) -> None:
    expected = copy.deepcopy(before)
    table = expected.setdefault("tool", {}).setdefault("alembic-ls", {})
    table[KEY] = (
        {key: list(revs) for key, revs in baseline.items()}
        if isinstance(baseline, Mapping)
        else list(baseline)
    )
    try:
        after = tomllib.loads(result)
    except tomllib.TOMLDecodeError:
        after = None
    if after != expected:
        raise EditRefused(
            "the file's layout leaves no safe place for the baseline (is [tool.alembic-ls] written "
            "as dotted keys or an inline table?); set it by hand:\n" + _rendered(baseline, "\n", header=True)
        )

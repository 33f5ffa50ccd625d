"""Cheap, conservative checks that let the parser skip whole-tree AST walks.

Walking every node of a revision file in Python costs more than `ast.parse` itself. Most files
hold no hand-written SQL and no undefined name, and both facts can be established from the source
text and the statement-level tree alone. Each check here may answer "maybe" when the answer is
"no" (the parser then does the full walk), but never "no" when the full walk would find something.
"""

from __future__ import annotations

import ast
import keyword
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from alembic_ls.analysis.python_parse import first_line
from alembic_ls.analysis.regex_compat import compile_possessive

# Every name `_sql_call_name` accepts.
_SQL_WORDS = ("execute", "exec_driver_sql", "bulk_insert", "text")

# Comments and string literals (escape-aware; the file is known to parse, so all are closed).
_STRING_OR_COMMENT = re.compile(
    r"#[^\n]*"
    r"|'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''"
    r'|"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""'
    r"|'[^'\\\n]*(?:\\[\s\S][^'\\\n]*)*'"
    r'|"[^"\\\n]*(?:\\[\s\S][^"\\\n]*)*"'
)
# What precedes a literal's opening quote when it is an f-string (or an r-string: a false alarm
# that only costs the fast path). Literals are replaced by NUL, which no identifier contains.
_F_PREFIX_ENDS = ("f\0", "F\0", "r\0", "R\0")
# An identifier that is not an attribute (after `.`) and not a keyword argument (before a lone `=`),
# found by skipping in one possessive run (no backtracking, no retry at every position) whatever
# is not such a name: other characters, attributes, numbers, keyword arguments. Group 1 is the
# name ("" for the match that skips the text's tail).
_NAME = compile_possessive(r"(?:[^\w.]++|\.\w*+|\d\w*+|[^\W\d]\w*+\s*+=(?!=))*+(?:([^\W\d]\w*+)|\Z)")
_KEYWORDS = frozenset(keyword.kwlist)
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def sql_word_lines(lines: list[str]) -> set[int] | None:
    """0-based lines that mention a SQL call name; None (= any line may) for non-ASCII text,
    whose identifiers Python normalises (NFKC) into names the text does not spell out."""
    text = "\n".join(lines)
    if not text.isascii():
        return None
    found: set[int] = set()
    line = counted_to = 0  # newlines are counted from the last word on: once over the text
    for start in sorted(_word_starts(text)):
        line += text.count("\n", counted_to, start)
        counted_to = start
        found.add(line)
    return found


def _word_starts(text: str) -> Iterator[int]:
    """Where a SQL call name stands as a whole word in ASCII `text`. `str.find` per name: a regex
    tried at every position of a 4,000-line text took a millisecond per keystroke."""
    for word in _SQL_WORDS:
        at = text.find(word)
        while at >= 0:
            end = at + len(word)
            before = text[at - 1] if at else " "
            after = text[end] if end < len(text) else " "
            if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
                yield at
            at = text.find(word, end)


def possible_name_loads(text: str) -> set[str] | None:
    """A superset of the names the code reads, or None when the text is too unusual to tell."""
    code = _STRING_OR_COMMENT.sub("\0", text)
    if any(end in code for end in _F_PREFIX_ENDS):
        return None  # an f-string's replacement fields are code inside a literal
    names = set(_NAME.findall(code))
    names.discard("")
    if not code.isascii():
        names = {name if name.isascii() else unicodedata.normalize("NFKC", name) for name in names}
    return names - _KEYWORDS


def all_names_bound(
    lines: list[str],
    tree: ast.Module,
    builtins: Iterable[str],
    known: SegmentNames | None = None,
    seen: SegmentNames | None = None,
) -> bool:
    """True when every name the module may read is a keyword, a builtin or bound by a statement.

    `known` holds the names each statement's text read in the document's previous version, and
    `seen` receives this version's: typing in one statement of a 4,000-line file leaves the other
    statements' texts, and so their names, as they were."""
    bound: set[str] = set()
    imports: list[ast.stmt] = []
    annotations: list[ast.expr] = []
    _bindings(tree.body, bound, imports, annotations)
    # Import statements name modules (`from alembic import op`) but never read a variable.
    code = _blank_out(lines, imports)
    if code is None:
        return False
    if known is None and seen is None:
        # Nothing to reuse or keep: one pass over the whole text reads what the statements' texts
        # would, besides comments and blank lines, which read no name.
        candidates = possible_name_loads("\n".join(code))
    else:
        candidates = _names_by_statement(tree, code, known, seen)
    if candidates is None:
        return False
    # `_NAME` skips the `T` of `x: T = v` and `def f(a: T = v)` as if it were a keyword argument.
    for annotation in annotations:
        _names_in(annotation, candidates)
    candidates.difference_update(builtins)
    return not candidates - bound


def _names_by_statement(
    tree: ast.Module, code: list[str], known: SegmentNames | None, seen: SegmentNames | None
) -> set[str] | None:
    """`possible_name_loads` of the whole code, statement by statement: each statement's names
    are taken from `known` when its text is unchanged, and kept in `seen`."""
    candidates: set[str] = set()
    for node, first, last in _segments(tree):
        names: set[str] | None = _UNSEEN
        segment: str | None = None
        if known is not None:
            # A body statement the splice left in place has the same text wherever it moved.
            reused = known.by_node.get(id(node)) if node is not None else None
            if reused is not None and reused[0] is node:
                _node, segment, names = reused
            else:
                segment = _text(code, node, first, last)
                names = known.by_text.get(segment, _UNSEEN)
        if names is _UNSEEN:
            segment = segment if segment is not None else _text(code, node, first, last)
            names = possible_name_loads(segment)
        if seen is not None and segment is not None:
            seen.by_text[segment] = names
            if node is not None:
                seen.by_node[id(node)] = (node, segment, names)
        if names is None:
            return None
        candidates |= names
    return candidates


@dataclass
class SegmentNames:
    """The names each statement's text may read (None: cannot tell), by that text; and for a body
    statement, by its node (kept, so that its id is not reused), which an edit elsewhere in the
    function leaves in place: its text is neither joined again nor hashed."""

    by_text: dict[str, set[str] | None] = field(default_factory=dict)
    by_node: dict[int, tuple[ast.stmt, str, set[str] | None]] = field(default_factory=dict)


_UNSEEN: set[str] = set()


def _segments(tree: ast.Module) -> Iterator[tuple[ast.stmt | None, int, int]]:
    """The lines of each module-level statement, a function split into its header and each body
    statement (a body statement as its node, whose lines `_text` reads only when asked). Every
    string literal lies inside one statement, so no piece cuts one in two; the lines between
    statements hold only comments and blank space, which read no name."""
    for stmt in tree.body:
        first, last = _lines_of(stmt)
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.body:
            body_first = stmt.body[0].lineno - 1
            yield None, first, max(body_first, first + 1) - 1
            for child in stmt.body:
                yield child, -1, -1
        else:
            yield None, first, last


def _text(code: list[str], node: ast.stmt | None, first: int, last: int) -> str:
    if node is not None:
        first, last = _lines_of(node)
    return "\n".join(code[first : last + 1])


def _lines_of(stmt: ast.stmt) -> tuple[int, int]:
    return first_line(stmt) - 1, (stmt.end_lineno or stmt.lineno) - 1


def statement_bindings(tree: ast.Module) -> set[str]:
    """Names bound by statements anywhere in the module (imports, defs, assignment, for and with
    targets, except handlers, global/nonlocal) — never a name that is not bound somewhere."""
    bound: set[str] = set()
    _bindings(tree.body, bound, [], [])
    return bound


def _bindings(
    body: list[ast.stmt], bound: set[str], imports: list[ast.stmt], annotations: list[ast.expr]
) -> None:
    """Statement-level only (expressions are never entered): cheap, and enough for migrations.
    Also collects import statements and every annotation (of assignments, parameters, returns)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            imports.append(node)
            bound.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
            continue
        if isinstance(node, ast.Expr):
            continue
        if isinstance(node, ast.Assign):
            for target in node.targets:
                _target_names(target, bound)
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            bound.add(node.name)
            args = node.args
            params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
            params.extend(a for a in (args.vararg, args.kwarg) if a is not None)
            bound.update(a.arg for a in params)
            annotations.extend(a.annotation for a in params if a.annotation is not None)
            if node.returns is not None:
                annotations.append(node.returns)
        elif isinstance(node, ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            _target_names(node.target, bound)
            annotations.append(node.annotation)
        elif isinstance(node, ast.AugAssign | ast.For | ast.AsyncFor):
            _target_names(node.target, bound)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                if item.optional_vars is not None:
                    _target_names(item.optional_vars, bound)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            bound.update(node.names)
        if "body" in node._fields or "cases" in node._fields:  # compound statements only
            for block in _BLOCKS:
                children = getattr(node, block, None)
                if isinstance(children, list):
                    stack.extend(children)


def _blank_out(lines: list[str], nodes: list[ast.stmt]) -> list[str] | None:
    """The lines with the nodes' source replaced by spaces; None when a column is ambiguous."""
    copy = list(lines)
    for node in nodes:
        first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        start, end = node.col_offset, node.end_col_offset
        if end is None or not all(line.isascii() for line in copy[first : last + 1]):
            return None  # ast columns are UTF-8 byte offsets
        if first == last:
            line = copy[first]
            copy[first] = line[:start] + " " * (end - start) + line[end:]
        else:
            copy[first] = copy[first][:start]
            for index in range(first + 1, last):
                copy[index] = ""
            copy[last] = " " * end + copy[last][end:]
    return copy


def _names_in(expr: ast.expr, names: set[str]) -> None:
    """Add every Name in an annotation (`Union[str, Sequence[str], None]`, `int | T`, ...)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Subscript):
            stack += (node.value, node.slice)
        elif isinstance(node, ast.Tuple | ast.List):
            stack += node.elts
        elif isinstance(node, ast.Attribute):
            stack.append(node.value)
        elif isinstance(node, ast.BinOp):
            stack += (node.left, node.right)
        elif not isinstance(node, ast.Constant):
            names.update(n.id for n in ast.walk(node) if isinstance(n, ast.Name))


def _target_names(target: ast.expr, bound: set[str]) -> None:
    if isinstance(target, ast.Name):
        bound.add(target.id)
    elif isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            _target_names(element, bound)
    elif isinstance(target, ast.Starred):
        _target_names(target.value, bound)

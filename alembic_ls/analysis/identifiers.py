"""The four revision identifiers of a file, read the same way by the full parser and the index.

`revision`, `down_revision`, `branch_labels` and `depends_on` are all the revision graph needs.
Alembic's template writes them above the functions, so the index reads them from the part of the
file before its first top-level `def`/`class`/decorator: that prefix is a fifth of a typical
revision, so parsing it is about five times cheaper than parsing the whole file, and the full
analysis of the rest waits until a rule or a request needs it (`stored_summary`).

`scan_graph_fields` only answers when its answer is the one a full parse gives: when the prefix
does not parse on its own, or an identifier name appears after the cut, it returns None and the
caller parses the whole file. The full parser reads the identifiers with the same
`IdentifierReader`, and for a file with a syntax error below its identifiers it reads them from
the same prefix, so both agree on every file.
"""

from __future__ import annotations

import ast
import re

from alembic_ls.analysis.python_parse import parse_python
from alembic_ls.analysis.revision_file import IdentifierAssignment, IdRef, RefKind
from alembic_ls.analysis.source_text import Positions, split_lines

IDENTIFIERS = ("revision", "down_revision", "branch_labels", "depends_on")
GraphFields = tuple[
    IdentifierAssignment | None,
    IdentifierAssignment | None,
    IdentifierAssignment | None,
    IdentifierAssignment | None,
]

_REF_KINDS = {
    "revision": RefKind.REVISION,
    "down_revision": RefKind.DOWN_REVISION,
    "depends_on": RefKind.DEPENDS_ON,
}
# The first top-level statement that starts a function or class body: what follows is code the
# identifiers never live in (in every template Alembic ships). Found with `str.find` on the
# literal starts, then confirmed: a regex with a `^` anchor scans several times slower.
_BODY_STARTS = ("def", "async", "class", "@")
_BODY_START = re.compile(r"(?:def|async[ \t]+def|class|@)\b")
# Any mention of an identifier name after the cut (an assignment, a `global`, a tuple target...)
# sends the file to the full parser: being slow on an odd file beats being wrong.
_NAME_MENTIONS = ("revision", "branch_labels", "depends_on")  # down_revision contains revision


class IdentifierReader:
    """Collects identifier assignments from module-level statements, in file order."""

    def __init__(self, positions: Positions) -> None:
        self.positions = positions
        self.found: dict[str, IdentifierAssignment] = {}
        self.refs: list[IdRef] = []

    def statement(self, stmt: ast.stmt) -> None:
        if not isinstance(stmt, ast.Assign | ast.AnnAssign):
            return
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        names = [t.id for t in targets if isinstance(t, ast.Name) and t.id in IDENTIFIERS]
        if not names or stmt.value is None:
            return
        name = names[0]
        previous = self.found.get(name)
        if previous is not None:
            # Alembic reads the module attribute, which the last assignment sets: forget the earlier one.
            old = previous.value_span
            self.refs = [r for r in self.refs if not old.contains(r.span.line, r.span.col)]
        values = self._string_values(stmt.value, name)
        span = self.positions.span
        self.found[name] = IdentifierAssignment(name, values, span(stmt), span(stmt.value))

    def _string_values(self, node: ast.expr, name: str) -> tuple[str, ...] | None:
        """The strings of a literal str / tuple / list / set; () for None; None if not literal."""
        kind = _REF_KINDS.get(name)
        if isinstance(node, ast.Constant) and node.value is None:
            return ()
        is_sequence = isinstance(node, ast.Tuple | ast.List | ast.Set)
        elements: list[ast.expr] = list(node.elts) if is_sequence else [node]  # type: ignore[attr-defined]
        values: list[str] = []
        for element in elements:
            if not (isinstance(element, ast.Constant) and isinstance(element.value, str)):
                if name != "branch_labels" or isinstance(element, ast.Constant):
                    return None
                # `branch_labels = (cli.EXPAND_BRANCH,)`: Alembic labels the revision with whatever the
                # expression holds. Its text stands in for the value, so the revision is still labelled.
                values.append(ast.unparse(element))
                continue
            values.append(element.value)
            if kind is not None:
                self.refs.append(IdRef(element.value, self.positions.span(element), kind))
        return tuple(values)

    def graph_fields(self) -> GraphFields:
        found = self.found
        return (
            found.get("revision"),
            found.get("down_revision"),
            found.get("branch_labels"),
            found.get("depends_on"),
        )


def _body_start(text: str) -> int:
    """Where the first line starting with def/async def/class/@ begins (len(text) if none)."""
    if _BODY_START.match(text):
        return 0
    first = len(text)
    for start in _BODY_STARTS:
        marker = "\n" + start
        at = text.find(marker, 0, first)
        while at != -1 and not _BODY_START.match(text, at + 1):
            at = text.find(marker, at + 1, first)
        if at != -1:
            first = at + 1
    return first


def identifier_prefix(text: str) -> str | None:
    """The text before the first top-level def/class/decorator, when nothing after it can
    assign an identifier; None when the whole file has to be read."""
    cut = _body_start(text)
    if any(text.find(name, cut) != -1 for name in _NAME_MENTIONS):
        return None
    return text[:cut]


def read_identifier_prefix(text: str) -> IdentifierReader | None:
    """The identifiers (and their id references) from the part of `text` above its functions,
    or None when that part does not parse on its own or may not hold them all."""
    prefix = identifier_prefix(text)
    if prefix is None:
        return None
    try:
        tree = parse_python(prefix)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    reader = IdentifierReader(Positions(split_lines(prefix)))
    for stmt in tree.body:
        reader.statement(stmt)
    return reader


def scan_graph_fields(text: str) -> GraphFields | None:
    """The identifiers exactly as a full parse of `text` reads them, or None (parse it all)."""
    reader = read_identifier_prefix(text)
    return reader.graph_fields() if reader is not None else None

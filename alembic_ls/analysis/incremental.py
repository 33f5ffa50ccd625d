"""`ast.parse` for successive versions of one open document, re-parsing only what an edit touched.

Typing inside `upgrade()` of a 600-line revision changes one statement, yet `ast.parse` of the
whole file is half the analysis of every keystroke. When an edit stays inside the body of one
top-level function (its statements, and the comment or blank lines up to the next top-level
statement), only the body statements the edit touched are parsed again, under an `if 1:` at the
same line numbers, and spliced into the previous tree; later statements move by the number of
lines the edit added or removed.

The result is the tree `ast.parse` gives for the whole text, node for node and position for
position (tests/unit/test_incremental_parse.py compares the two under random edits). Whatever
this module cannot prove it handles — an edit outside a function body, a region that does not
parse on its own, a dedent, tabs, form feeds or `\\r` line breaks — gets the whole-file parse.
"""

from __future__ import annotations

import ast
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import NamedTuple

from alembic_ls.analysis.comment_edges import is_edge
from alembic_ls.analysis.incremental_lex import IncrementalLexer
from alembic_ls.analysis.line_shift import shift_lines
from alembic_ls.analysis.prefilter import SegmentNames
from alembic_ls.analysis.python_parse import first_line, parse_python
from alembic_ls.analysis.revision_file import ArgValue, FunctionInfo, OpCall, SqlCall, Statement

ArgKey = tuple[int, int, int, int, str]  # an op argument's span and source text
# What the analyzer recorded for one statement (or the header of a compound one): the node it
# walked, what that walk depended on besides the node, and the op and SQL calls it found.
CallsKey = tuple[object, ...]
Calls = tuple[ast.AST, CallsKey, tuple[OpCall, ...], tuple[SqlCall, ...]]
# What the analyzer made of one function: its summary and its calls, with the function's lines and
# the context they were read in.
FunctionResult = tuple[tuple[object, ...], FunctionInfo, tuple[OpCall, ...], tuple[SqlCall, ...]]
# A function's statements as the analyzer summarised them, by the node's id (the node is kept).
StatementsById = dict[int, tuple[ast.stmt, Statement]]


class IncrementalParser:
    """Parses the versions of one document; each result is the previous one updated in place.

    It also carries what the analyzer may reuse from the previous version: the op arguments
    (`parser._Analyzer`), keyed by position and source text, so an argument untouched by the edit
    is not rebuilt."""

    def __init__(self) -> None:
        self._lines: list[str] | None = None
        self._tree: ast.Module | None = None
        self.reused = 0  # parses served by splicing (for tests and benchmarks)
        self.arguments: dict[ArgKey, ArgValue] = {}
        # The module constants those arguments were read with: a `TABLE` argument's value is the
        # constant's, so they are reused only while the constants are the same.
        self.constants: dict[str, str] = {}
        # The calls found in each statement the splice left in place, by function and the node's
        # id (the node is kept, so the id is not reused): typing in one statement of a 4,000-line
        # upgrade() does not rebuild the ops of the other thousand. Reused under the same
        # constants. A function kept whole keeps its calls too: the first keystroke in downgrade()
        # after typing in upgrade() finds downgrade()'s calls here.
        self.calls: dict[str, dict[int, Calls]] = {}
        # Each function's summary, by name, reused while its text and context are the same.
        self.functions: dict[str, FunctionResult] = {}
        # The names each statement's text may read (prefilter.all_names_bound).
        self.segment_names = SegmentNames()
        # Comments and strings, found again only around each edit.
        self.lexer = IncrementalLexer()
        # Parses so far, and the one whose analysis `statements` holds.
        self.parses = 0
        self.statements_parse = -1
        # Each function's statement summaries for the version `statements_parse` parsed.
        self.statements: dict[str, StatementsById] = {}
        # Where the last edit was, when it changed nothing an explanation reads but what the
        # analyzer can find again around it (`QuietEdit`); None otherwise.
        self.quiet_region: QuietEdit | None = None

    def parse(self, text: str) -> ast.Module:
        """`parse_python(text)`, raising what it raises."""
        self.parses += 1
        self.quiet_region = None
        lines = text.split("\n")
        tree = None
        if self._tree is not None and self._lines is not None and "\r" not in text:
            try:
                tree, self.quiet_region = _splice(self._tree, self._lines, lines)
            except Exception:  # never trust a half-spliced tree: parse from scratch
                tree, self.quiet_region = None, None
            if tree is not None:
                self.reused += 1
        self._tree = self._lines = None  # the old tree may be half updated until this succeeds
        if tree is None:
            tree = parse_python(text)
        self._tree, self._lines = tree, lines
        return tree


def _changed_lines(old: list[str], new: list[str]) -> tuple[int, int, int]:
    """(first, last) 1-based old lines an edit touched, and the change in line count. A pure
    insertion touches the lines on both sides of it."""
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    first, last = prefix + 1, len(old) - suffix
    if last < first:
        first, last = last, first
    return first, last, len(new) - len(old)


def _is_code_free(lines: Sequence[str]) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in lines)


class QuietEdit(NamedTuple):
    """An edit inside a function that left every other statement in place, on as many lines:
    the lines (0-based, first and last) of the statements it replaced (`_quiet_region`), or of
    the full-line comments it changed between two statements (`comments`; no marker, no frame)."""

    first: int
    last: int
    comments: bool = False


Spliced = tuple[ast.Module | None, QuietEdit | None]


def _splice(tree: ast.Module, old: list[str], new: list[str]) -> Spliced:
    if old == new:
        return tree, None
    first, last, delta = _changed_lines(old, new)
    module = tree.body
    for position, function in enumerate(module):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        body = function.body
        zone_start = first_line(body[0])
        zone_end = first_line(module[position + 1]) - 1 if position + 1 < len(module) else len(old)
        if zone_start <= function.lineno or not zone_start <= first <= last <= zone_end:
            continue
        return _splice_body(tree, position, function, (first, last, delta), old, new)
    return None, None


def _splice_body(
    tree: ast.Module,
    position: int,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    change: tuple[int, int, int],
    old: list[str],
    new: list[str],
) -> Spliced:
    first, last, delta = change
    body = function.body
    indent = body[0].col_offset
    # The body statements the edit touches (none when it only touches lines between them),
    # widened to whole lines: two statements may share one (`a = 1; b = 2`). Found by bisection
    # (a body's statements follow each other, so their first and last lines only grow): a
    # scan cost 5% of a keystroke in a body of 1,000 statements.
    start = bisect_left(body, first, key=_last_line)
    stop = bisect_right(body, last, key=first_line)
    region_first, region_last = first, last
    if start < stop:
        region_first = min(first, first_line(body[start]))
        region_last = max(last, body[stop - 1].end_lineno or body[stop - 1].lineno)
    while start > 0 and (body[start - 1].end_lineno or 0) >= region_first:
        start -= 1
        region_first = first_line(body[start])
    while stop < len(body) and first_line(body[stop]) <= region_last:
        stop += 1
        region_last = max(region_last, body[stop - 1].end_lineno or 0)
    if region_first <= function.lineno or new[region_first - 2].rstrip().endswith("\\"):
        return None, None  # a continuation line above would join the region to the statement before
    region = new[region_first - 1 : region_last + delta]
    text = "\n".join(region)
    if "\t" in text or "\x0c" in text:
        return None, None  # indentation the `if 1:` block might read differently from the file
    statements: list[ast.stmt] = []
    if not _is_code_free(region):
        wrapper = parse_python("\n" * (region_first - 2) + "if 1:\n" + text)
        if len(wrapper.body) != 1 or not isinstance(wrapper.body[0], ast.If):
            return None, None
        statements = wrapper.body[0].body
        if any(stmt.col_offset != indent for stmt in statements):
            return None, None
    if not statements and start == 0 and stop == len(body):
        return None, None  # the function would be left without a body
    quiet = None
    if start > 0 and delta == 0:
        before = old[region_first - 1 : region_last]
        if start == stop and _comments_only(before, region):
            quiet = QuietEdit(region_first - 1, region_last - 1, comments=True)
        elif _quiet_region(body[start:stop], statements, before, region):
            quiet = QuietEdit(region_first - 1, region_last - 1)
    if delta:
        shift_lines(body[stop:], delta)
        shift_lines(tree.body[position + 1 :], delta)
    body[start:stop] = statements
    function.end_lineno = body[-1].end_lineno
    function.end_col_offset = body[-1].end_col_offset
    return tree, quiet


def _last_line(stmt: ast.stmt) -> int:
    return stmt.end_lineno or stmt.lineno


def _quiet_region(before: list[ast.stmt], after: list[ast.stmt], old: list[str], new: list[str]) -> bool:
    """Did replacing `before` (on lines `old`) with `after` (on as many lines `new`) change nothing
    that says whether another statement is explained (parser.is_explained)?

    That reads comments, blank lines, `def` lines, docstrings and the blocks statements sit in,
    and, through a blank line, what the code of the two paragraphs beside it does (`_carried_over`).
    So: simple statements on both sides (no block, no definition; not the docstring: the caller
    asks for `start > 0`), and on every line of the region, before and after, code without a `#`
    that starts no `def`. Statements of the paragraph holding the region, and of the one below
    it, may still read that code: the analyzer finds which (`_Analyzer.explanations_read`)."""
    if not before or not after:
        return False
    if any(type(stmt) not in _SIMPLE for stmt in (*before, *after)):
        return False
    for line in (*old, *new):
        stripped = line.lstrip()
        if not stripped or "#" in line or stripped.startswith(("def", "async")):
            return False
    return True


def _comments_only(old: list[str], new: list[str]) -> bool:
    """Are these lines, before and after, full-line comments that open or close no run of lines?
    (Between two statements, such a line lies inside no string.)"""
    for line in (*old, *new):
        stripped = line.strip()
        if not stripped.startswith("#") or is_edge(stripped):
            return False
    return True


# Statements with no body: replacing one opens or closes no block.
_SIMPLE = frozenset(
    {
        ast.Expr,
        ast.Assign,
        ast.AnnAssign,
        ast.AugAssign,
        ast.Pass,
        ast.Return,
        ast.Delete,
        ast.Raise,
        ast.Assert,
        ast.Import,
        ast.ImportFrom,
        ast.Global,
        ast.Nonlocal,
        ast.Break,
        ast.Continue,
    }
)

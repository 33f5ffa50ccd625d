"""Parse ONE migration file into a `RevisionFile` — statically: the file is never imported.

Uses `ast` for structure and a small lexer for comments (DESIGN.md §2: libcst is ~5x slower and is
kept for building fix edits). Files that do not parse still yield their revision identifiers via
a line-based fallback, so the revision graph stays stable while someone is half-way through typing.
"""

from __future__ import annotations

import ast
import builtins
import functools
import operator
import re
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import replace
from sys import intern
from typing import NamedTuple, TypeVar

from alembic_ls.analysis import prefilter
from alembic_ls.analysis.comment_edges import FRAME, MARKER_END, MARKER_START, is_edge
from alembic_ls.analysis.dialect_guard import DialectGuard, guard_helpers, guard_of
from alembic_ls.analysis.identifiers import IDENTIFIERS, IdentifierReader, read_identifier_prefix
from alembic_ls.analysis.incremental import (
    ArgKey,
    Calls,
    FunctionResult,
    IncrementalParser,
    QuietEdit,
    StatementsById,
)
from alembic_ls.analysis.op_catalog import SCHEMA_OPS
from alembic_ls.analysis.python_parse import first_line, parse_python, python_source
from alembic_ls.analysis.revision_file import (
    NOT_LITERAL,
    ArgValue,
    Comment,
    FunctionInfo,
    Header,
    IdentifierAssignment,
    IdRef,
    Import,
    Marker,
    MarkerKind,
    OpCall,
    ParseError,
    RefKind,
    RevisionFile,
    Span,
    SqlCall,
    Statement,
    StatementKind,
    Suppression,
    TableVariable,
    UndefinedName,
)
from alembic_ls.analysis.source_text import Positions, decode_source, lex, split_lines
from alembic_ls.analysis.table_variables import table_variable
from alembic_ls.analysis.text_variables import (
    TEXT_OPTIONS,
    TextBindings,
    held_text,
    is_text_function,
    rebound,
)

SQL_METHODS = frozenset({"execute", "bulk_insert", "exec_driver_sql"})

_SUPPRESSION = re.compile(r"#\s*alembic-ls\s*:\s*(ignore-file|ignore)\s*\[([^\]]*)\]", re.I)
_HEADER_FIELD = re.compile(r"^(\s*)(Revision ID|Revises|Create Date)\s*:[ \t]*(.*?)\s*$")
_FALLBACK_ASSIGN = re.compile(
    r"^(revision|down_revision|branch_labels|depends_on)\s*(?::[^=]*)?=\s*(.*?)\s*(#.*)?$"
)
_QUOTED = re.compile(r"""(['"])([^'"]*)\1""")
_DEF_LINE = re.compile(r"(async\s+)?def\s")
# What Alembic's own script.py.mako writes: it explains nothing.
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# Statements that only bind names (a model class for a data migration, a helper, an import).
_DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, ast.Import, ast.ImportFrom)
# Blocks whose header a comment can head, speaking for the body under it.
_TRY_STAR: type[ast.stmt] = getattr(ast, "TryStar", ast.Try)  # `try: ... except* E:` (3.11)
_BLOCKS = (ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.If, ast.Try, _TRY_STAR, ast.Match)
# Statements holding other statements (functions and classes aside).
_COMPOUND = frozenset({*_BLOCKS, ast.ExceptHandler})
_Found = TypeVar("_Found")
_TEMPLATE_DOCSTRINGS = frozenset({"Upgrade schema.", "Downgrade schema."})
# Calls that run SQL, whatever receives them (op, a connection, a session).
_EXECUTING_METHODS = frozenset({"execute", "executemany", "exec_driver_sql", "bulk_insert"})
_PLACEHOLDER_WORDS = frozenset({"todo", "fixme", "xxx", "hack", "tbd", "manual", "why", "wip"})
_LABEL_PREFIX = re.compile(r"^(?:[^\w<]*\s*)?(manual|note|why|data migration|data)\s*[:\-\u2013]\s*", re.I)
_MODULE_GLOBALS = frozenset(
    {"__file__", "__name__", "__doc__", "__builtins__", "__spec__", "__annotations__", "__path__"}
)
_BUILTINS = frozenset(dir(builtins)) | _MODULE_GLOBALS


def read_revision_file(path: str) -> RevisionFile:
    """Parse a file from disk; unreadable files become a RevisionFile with a parse error."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return RevisionFile(path=path, parse_error=ParseError(str(exc), Span(0, 0, 0, 0)))
    return parse_revision_bytes(path, data)


def parse_revision_bytes(path: str, data: bytes) -> RevisionFile:
    """Parse a file's bytes, decoded as Python would; undecodable bytes become the parse error."""
    text, decode_error = decode_source(data)
    parsed = parse_revision(path, text)
    if decode_error:
        # Python refuses the whole file, so this is the error to show, where the first bad byte
        # (now U+FFFD) sits, even when the replacement also upset the parser.
        before = split_lines(text[: max(text.find("\ufffd"), 0)])
        line, col = len(before) - 1, len(before[-1])
        parsed.parse_error = ParseError(decode_error, Span(line, col, line, col + 1))
    return parsed


def parse_revision(path: str, text: str, incremental: IncrementalParser | None = None) -> RevisionFile:
    """The summary of `text`; `incremental` holds the previous version of the same document."""
    text = python_source(text)  # positions stay those of the caller's text, byte order mark included
    lines = split_lines(text)
    lexed = incremental.lexer.lex(text) if incremental else lex(text)
    result = RevisionFile(path=path, line_count=len(lines))
    result.comments = tuple(lexed.comments)
    result.markers = tuple(_markers(lexed.comments))
    result.suppressions = tuple(_suppressions(lexed.comments))
    result.comment_message = comment_header_message(lexed.comments)
    try:
        tree = incremental.parse(text) if incremental else parse_python(text)
    except (SyntaxError, ValueError) as exc:
        lineno = max((getattr(exc, "lineno", None) or 1) - 1, 0)
        col = max((getattr(exc, "offset", None) or 1) - 1, 0)
        message = getattr(exc, "msg", None) or str(exc)
        end = len(lines[lineno]) if lineno < len(lines) else col
        result.parse_error = ParseError(f"SyntaxError: {message}", Span(lineno, min(col, end), lineno, end))
        _recover_identifiers(result, text, lines)
        return result
    except RecursionError:
        result.parse_error = ParseError("file is too deeply nested to analyse", Span(0, 0, 0, 0))
        _recover_identifiers(result, text, lines)
        return result
    analyzer = _Analyzer(result, tree, lines, lexed.comments, lexed.string_lines)
    seen_names = None
    if incremental is not None:
        analyzer.earlier_segment_names = incremental.segment_names
        analyzer.segment_names_seen = seen_names = prefilter.SegmentNames()
        analyzer.keeps_statements = True
    if incremental is not None and incremental.constants == analyzer.constants:
        analyzer.earlier_args = incremental.arguments
        analyzer.earlier_calls = incremental.calls
        analyzer.earlier_functions = incremental.functions
        if incremental.quiet_region is not None and incremental.statements_parse == incremental.parses - 1:
            analyzer.earlier_statements = incremental.statements
            analyzer.quiet_zone = analyzer.explanations_reading(incremental.quiet_region)
            if incremental.quiet_region.comments:
                analyzer.comment_edit = incremental.quiet_region
            else:
                analyzer.code_edit = incremental.quiet_region
    analyzer.run()
    if incremental is not None:
        incremental.arguments = analyzer.args_seen
        incremental.calls = analyzer.calls_seen
        incremental.functions = analyzer.functions_seen
        incremental.statements = analyzer.statements_seen
        incremental.statements_parse = incremental.parses
        if seen_names is not None and seen_names.by_text:  # (empty when the prefilter did not run)
            incremental.segment_names = seen_names
        incremental.constants = analyzer.constants
    return result


def _markers(comments: list[Comment]) -> Iterator[Marker]:
    for comment in comments:
        text = comment.text.strip()
        legacy = not text.startswith("# ###")
        if MARKER_START.match(text):
            yield Marker(comment.line, MarkerKind.START, legacy)
        elif MARKER_END.match(text):
            yield Marker(comment.line, MarkerKind.END, legacy)


def _suppressions(comments: list[Comment]) -> Iterator[Suppression]:
    for comment in comments:
        match = _SUPPRESSION.search(comment.text)
        if not match:
            continue
        codes = tuple(c.strip().upper() for c in match.group(2).split(",") if c.strip())
        # Only the directive itself: the comment may also hold an explanation that must survive.
        span = Span(comment.line, comment.col + match.start(), comment.line, comment.col + match.end())
        yield Suppression(comment.line, codes, match.group(1).lower() == "ignore-file", span)


def is_meaningful_comment(text: str) -> bool:
    """Does this comment explain? It does when it says something beyond a placeholder: after an
    optional label (`MANUAL:`, `NOTE:`, `WHY:`, `DATA:`, `data migration:`) at least one word that
    is not a placeholder word (TODO, FIXME, XXX, HACK, TBD, WIP, MANUAL, WHY). The fix's template
    (`# MANUAL: <why>`), tool directives and Alembic's markers never count. One rule a user can
    apply by eye: `# why: backfill` and `# backfill slug` count, `# TODO` and `# manual` do not.
    """
    body = text.lstrip("#").strip()
    lowered = body.lower()
    if not body or lowered.startswith(("alembic-ls:", "noqa", "type:", "pragma", "fmt:")):
        return False
    stripped = text.strip()
    if MARKER_START.match(stripped) or MARKER_END.match(stripped):
        return False
    if "<why>" in lowered:
        return False
    body = _LABEL_PREFIX.sub("", body)
    words = re.findall(r"\w+", body.lower())
    return any(w not in _PLACEHOLDER_WORDS for w in words)


def _recover_identifiers(result: RevisionFile, text: str, lines: list[str]) -> None:
    """The identifiers of a file that does not parse: from the part above its functions when that
    part parses (as the index reads them), else line by line."""
    reader = read_identifier_prefix(text)
    if reader is None:
        _fallback_identifiers(result, lines)
        return
    result.revision, result.down_revision, result.branch_labels, result.depends_on = reader.graph_fields()
    result.id_refs = tuple(reader.refs)


def _fallback_identifiers(result: RevisionFile, lines: list[str]) -> None:
    """Line-based recovery of the identifiers for files with syntax errors."""
    found: dict[str, IdentifierAssignment] = {}
    refs: list[IdRef] = []
    for index, line in enumerate(lines):
        match = _FALLBACK_ASSIGN.match(line)
        if not match:
            continue
        name, value = match.group(1), match.group(2)
        if name in found:  # the last assignment wins, as it does for the module attribute
            refs = [r for r in refs if r.span.line != found[name].span.line]
        value_col = match.start(2)
        values: tuple[str, ...] | None
        if value in ("None", "()", "[]"):
            values = ()
        else:
            quoted = list(_QUOTED.finditer(value))
            values = tuple(q.group(2) for q in quoted) if quoted else None
            kind = {"revision": RefKind.REVISION, "down_revision": RefKind.DOWN_REVISION}.get(name)
            if name == "depends_on":
                kind = RefKind.DEPENDS_ON
            if kind is not None:
                for q in quoted:
                    start = value_col + q.start()
                    refs.append(IdRef(q.group(2), Span(index, start, index, value_col + q.end()), kind))
        span = Span(index, 0, index, len(line))
        value_span = Span(index, value_col, index, value_col + len(value))
        found[name] = IdentifierAssignment(name, values, span, value_span)
    result.revision = found.get("revision")
    result.down_revision = found.get("down_revision")
    result.branch_labels = found.get("branch_labels")
    result.depends_on = found.get("depends_on")
    result.id_refs = tuple(refs)


# Two spans of lines (first, last), 0-based: where the statements are that an edit may have changed
# the explanation of (`_Analyzer.explanations_read`).
Zone = tuple[tuple[int, int], tuple[int, int]]

# A `with op.batch_alter_table(...) as alias:` block: alias, table (when known), the with-statement's
# span, and the table argument as written.
Batch = tuple[str, str | None, Span, str | None]


def module_constants(tree: ast.Module) -> dict[str, str]:
    """Names bound once, at module level, to a string literal (revision identifiers aside)."""
    candidates: dict[str, str] = {}
    for stmt in tree.body:
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
        if isinstance(stmt, ast.AnnAssign):
            target = stmt.target
        value = getattr(stmt, "value", None)
        if (
            isinstance(target, ast.Name)
            and target.id not in IDENTIFIERS
            and isinstance(value, ast.Constant)
            and isinstance(value.value, str)
        ):
            candidates[target.id] = value.value
    if not candidates:
        return candidates
    bindings: dict[str, int] = {}
    for node in ast.walk(tree):  # a name bound again anywhere (a loop, a function) is no constant
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load) and node.id in candidates:
            bindings[node.id] = bindings.get(node.id, 0) + 1
        elif isinstance(node, ast.Global | ast.Nonlocal):
            for name in node.names:
                bindings[name] = bindings.get(name, 0) + 2
        elif isinstance(node, ast.arg) and node.arg in candidates:
            bindings[node.arg] = bindings.get(node.arg, 0) + 2
    return {name: value for name, value in candidates.items() if bindings.get(name) == 1}


class _Retyped(NamedTuple):
    """Where an edit retyped calls of a function's body (`_Analyzer._calls_typed`): the edited
    statements (`body[start:stop]`), their calls in the previous version, and where those calls
    (ops, SQL calls) and unrecognised spans stand among the function's previous ones."""

    start: int
    stop: int
    replaced: list[Calls]
    ops_at: tuple[int, int]
    sql_at: tuple[int, int]
    unrecognised_at: tuple[int, int]


def _stmt_last_line(stmt: ast.stmt) -> int:
    return stmt.end_lineno or stmt.lineno


def _op_line(op: OpCall) -> int:
    return op.stmt_span.line


def _sql_line(call: SqlCall) -> int:
    return call.stmt_span.line


def _span_line(span: Span) -> int:
    return span.line


def _spliced_at(
    found: Sequence[_Found], lines: tuple[int, int], line_of: Callable[[_Found], int]
) -> tuple[int, int]:
    """Where, in a function's calls or spans (in the order of their statements' lines), those of
    the statements on `lines` (0-based, first and last) start and end."""
    return bisect_left(found, lines[0], key=line_of), bisect_right(found, lines[1], key=line_of)


def _end_line(statement: Statement) -> int:
    return statement.span.end_line


class _Analyzer:
    def __init__(
        self,
        result: RevisionFile,
        tree: ast.Module,
        lines: list[str],
        comments: list[Comment],
        string_lines: set[int],
    ) -> None:
        self.result = result
        self.tree = tree
        self.lines = lines
        self.pos = Positions(lines)
        self.ascii = self.pos.ascii
        # Op arguments of the document's previous version, by position and source text: an
        # argument that is still there, unchanged, is the same value (see IncrementalParser).
        self.earlier_args: dict[ArgKey, ArgValue] = {}
        self.args_seen: dict[ArgKey, ArgValue] = {}
        # The calls each statement held in that version, by function (see IncrementalParser.calls),
        # and those of the function being walked.
        self.earlier_calls: dict[str, dict[int, Calls]] = {}
        self.calls_seen: dict[str, dict[int, Calls]] = {}
        self.earlier_calls_here: dict[int, Calls] = {}
        self.calls_here: dict[int, Calls] = {}
        # The names each statement's text reads (see IncrementalParser.segment_names); kept only
        # for open documents (`segment_names_seen` is None otherwise).
        self.earlier_segment_names: prefilter.SegmentNames | None = None
        self.segment_names_seen: prefilter.SegmentNames | None = None
        # And what each function gave (see IncrementalParser.functions).
        self.earlier_functions: dict[str, FunctionResult] = {}
        self.functions_seen: dict[str, FunctionResult] = {}
        # Each function's statement summaries in the previous version, when the edit since changed
        # nothing an explanation reads outside `quiet_zone` (see IncrementalParser.quiet_region).
        self.earlier_statements: dict[str, StatementsById] = {}
        self.statements_seen: dict[str, StatementsById] = {}
        self.quiet_zone: Zone | None = None
        # The edit that zone is for, when it only changed full-line comments between statements;
        # or when it only changed code (`code_edit`).
        self.comment_edit: QuietEdit | None = None
        self.code_edit: QuietEdit | None = None
        # For the next version of an open document: then what each function, statement, call
        # and argument gave is kept (`*_seen`), and reused where nothing it reads changed.
        self.keeps_statements = False
        self.calls_found = 0  # statements whose calls were found, not reused (a counter)
        # Has the walk entered a block yet? A call found before the first one sits in none.
        self.blocks_walked = False
        self.comment_at: dict[int, Comment] = {c.line: c for c in comments}
        self.string_lines = string_lines
        self.op_aliases: set[str] = set()
        self.id_refs: list[IdRef] = []
        self.ops: list[OpCall] = []
        self.guards: tuple[DialectGuard, ...] = ()  # the dialect branches around the statement walked
        self.autocommit = False  # walking the body of a `with ....autocommit_block():`
        self.conditional = False  # walking the body of an if/for/while/try/match
        self.sql_calls: list[SqlCall] = []
        # Simple statements per function that are neither an op, SQL, nor a no-op.
        self.unrecognised: dict[str, list[Span]] = {}
        # Names holding a `text(...)` in the function walked (see text_variables).
        self.text_bindings: TextBindings = ()
        # Names assigned a table, per function (None: at module level), in order.
        self.table_variables: dict[str | None, list[TableVariable]] = {}
        self._explained_memo: dict[int, bool] = {}
        self._statement_spans: dict[int, Span] = {}  # by the id of a statement of `tree`
        self._call_lines_cache: dict[str, tuple[set[int], set[int]]] = {}
        self.autogen_ranges = self._autogen_ranges()
        # `TABLE = "user"` at module level, bound once: an op argument `TABLE` is that string.
        self.constants = module_constants(tree)
        self.guard_helpers = guard_helpers(tree)
        self.sql_lines = prefilter.sql_word_lines(lines)

    # -- module level -------------------------------------------------------------------------

    def run(self) -> None:
        result = self.result
        imports: list[Import] = []
        for stmt in self.tree.body:
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                imports.append(self._import(stmt))
        result.imports = tuple(imports)
        if not self.op_aliases:
            self.op_aliases.add("op")
        identifiers = IdentifierReader(self.pos)
        for stmt in self.tree.body:
            if isinstance(stmt, ast.Assign | ast.AnnAssign):
                identifiers.statement(stmt)
                self._note_table_variable(stmt, None, self.op_aliases)
            elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                result.functions[stmt.name] = self._function_once(stmt)
        result.revision, result.down_revision, result.branch_labels, result.depends_on = (
            identifiers.graph_fields()
        )
        self.id_refs = identifiers.refs
        result.header = self._header()
        result.id_refs = tuple(self.id_refs)
        result.ops = tuple(self.ops)
        result.sql_calls = tuple(self.sql_calls)
        result.op_aliases = tuple(sorted(self.op_aliases))
        result.table_variables = tuple(self.table_variables.get(None, ()))
        result.undefined_names = tuple(self._undefined_names())

    def _import(self, stmt: ast.Import | ast.ImportFrom) -> Import:
        names: list[str] = []
        module = stmt.module if isinstance(stmt, ast.ImportFrom) else None
        for alias in stmt.names:
            bound = alias.asname or alias.name.split(".")[0]
            names.append(bound)
            if module == "alembic" and alias.name == "op":
                self.op_aliases.add(bound)
        end = (stmt.end_lineno or stmt.lineno) - 1
        return Import(stmt.lineno - 1, end, module, tuple(names))

    def _header(self) -> Header | None:
        candidates = [
            stmt
            for stmt in self.tree.body
            if isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
        ]
        if not candidates:
            return None
        chosen = next(
            (c for c in candidates if "Revision ID" in c.value.value or "Revises" in c.value.value),  # type: ignore[attr-defined]
            candidates[0],
        )
        doc: str = chosen.value.value  # type: ignore[attr-defined]
        span = self.pos.span(chosen)
        message = next((line.strip() for line in doc.splitlines() if line.strip()), None)
        fields: dict[str, tuple[str, Span]] = {}
        for index in range(span.line, span.end_line + 1):
            match = _HEADER_FIELD.match(self.lines[index])
            if match and match.group(2) not in fields:
                value = match.group(3).rstrip("\"'")
                start = match.start(3)
                fields[match.group(2)] = (value, Span(index, start, index, start + len(value)))
        if message and _HEADER_FIELD.match(message):
            message = None
        revision_id = revises = None
        revision_span = revises_span = None
        if "Revision ID" in fields:
            revision_id, revision_span = fields["Revision ID"]
            if revision_id:
                self.id_refs.append(IdRef(revision_id, revision_span, RefKind.REVISION_HEADER))
        revises_values: tuple[str, ...] | None = None
        if "Revises" in fields:
            revises, revises_span = fields["Revises"]
            revises_values = _split_revises(revises)
            line_text = self.lines[revises_span.line]
            for value in revises_values:
                start = line_text.find(value, revises_span.col)
                if start >= 0:
                    ref_span = Span(revises_span.line, start, revises_span.line, start + len(value))
                    self.id_refs.append(IdRef(value, ref_span, RefKind.REVISES_HEADER))
        create_date = fields["Create Date"][0] if "Create Date" in fields else None
        return Header(span, message, revision_id, revision_span, revises_values, revises_span, create_date)

    # -- functions ----------------------------------------------------------------------------

    def _autogen_ranges(self) -> list[tuple[int, int]]:
        ranges: list[tuple[int, int]] = []
        start: int | None = None
        for marker in self.result.markers:
            if marker.kind is MarkerKind.START:
                if start is not None:  # the previous block lost its end marker: it ends here
                    ranges.append((start, marker.line))
                start = marker.line
            elif start is not None:
                ranges.append((start, marker.line))
                start = None
        if start is not None:
            ranges.append((start, len(self.lines)))
        return ranges

    def _in_autogen(self, line: int) -> bool:
        # A plain loop: this runs per statement and per op, and `any(<genexpr>)` costs twice as much.
        for start, end in self.autogen_ranges:  # noqa: SIM110
            if start < line < end:
                return True
        return False

    def _function_once(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> FunctionInfo:
        """`_function(node)`, or what it gave for the previous version of the document when the
        function's lines and everything read around them are the same (typing in upgrade()
        leaves downgrade() as it was)."""
        if not self.keeps_statements:
            return self._function(node)  # no next version to keep it for
        first = first_line(node) - 1
        last = (node.end_lineno or node.lineno) - 1
        key = (
            first,
            "\n".join(self.lines[first : last + 1]),
            frozenset(self.op_aliases),
            self.ascii,
            self.sql_lines is None,
            tuple((a, b) for a, b in self.autogen_ranges if a <= last and b >= first),
            frozenset(line for line in self._framed_lines if first <= line <= last),
            self._module_table_names(),
            tuple(self.guard_helpers.items()),
        )
        earlier = self.earlier_functions.get(node.name)
        if earlier is not None and earlier[0] == key:
            _key, info, ops, sql_calls = earlier
            self.ops.extend(ops)
            self.sql_calls.extend(sql_calls)
            self.unrecognised[node.name] = list(info.unrecognised)
            self.statements_seen[node.name] = self.earlier_statements.get(node.name, {})
            self.calls_seen[node.name] = self.earlier_calls.get(node.name, {})
        elif earlier is not None and self._only_comments_typed(node, first, last, earlier[0], key):
            info, ops, sql_calls = self._function_commented(node, earlier)
        elif earlier is not None and (typed := self._calls_typed(node, first, last, earlier, key)):
            info, ops, sql_calls = self._function_retyped(node, earlier, typed)
        else:
            ops_before, sql_before = len(self.ops), len(self.sql_calls)
            info = self._function(node)
            ops, sql_calls = tuple(self.ops[ops_before:]), tuple(self.sql_calls[sql_before:])
        self.functions_seen[node.name] = (key, info, ops, sql_calls)
        return info

    def _only_comments_typed(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        first: int,
        last: int,
        before: tuple[object, ...],
        now: tuple[object, ...],
    ) -> bool:
        """Did the edit since the previous version change only full-line comments between the
        statements of this function (lines `first`..`last`), in the same context (the keys of
        `_function_once` alike but for the function's text), with every statement's summary kept?"""
        edit = self.comment_edit
        return (
            edit is not None
            and first <= edit.first
            and edit.last <= last
            and before[0] == now[0]
            and before[2:] == now[2:]
            and len(self.earlier_statements.get(node.name, ())) == len(node.body)
        )

    def _function_commented(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, earlier: FunctionResult
    ) -> tuple[FunctionInfo, tuple[OpCall, ...], tuple[SqlCall, ...]]:
        """`_function(node)` after typing in a comment between its statements: the code, so every
        call, is the previous version's; only what explains a statement may differ (the
        statements of `quiet_zone` are summarised again, SQL calls asked again whether a comment
        explains them). Walking a 1,000-statement body to reuse each call was 40% of such a
        keystroke."""
        _key, info, ops, earlier_sql = earlier
        self._as_walked(node, info)
        sql_calls = tuple(map(self._explained_again, earlier_sql))
        self.ops.extend(ops)
        self.sql_calls.extend(sql_calls)
        self.unrecognised[node.name] = list(info.unrecognised)
        self.calls_seen[node.name] = self.earlier_calls.get(node.name, {})
        kept, renewed = self._summaries_again(node, info)
        seen = dict(self.earlier_statements[node.name])
        for at in renewed:
            seen[id(node.body[at])] = (node.body[at], kept[at])
        self.statements_seen[node.name] = seen
        return replace(info, statements=tuple(kept)), ops, sql_calls

    def _as_walked(self, node: ast.FunctionDef | ast.AsyncFunctionDef, info: FunctionInfo) -> None:
        """What walking the function would leave besides its calls, for a path that walks none of
        its statements (or only the edited ones): whether a block was entered (before any
        statement below is asked), and its table variables (a later function of the same name
        reads them)."""
        if any(type(stmt) in _COMPOUND for stmt in node.body):
            self.blocks_walked = True
        if info.table_variables:
            self.table_variables[node.name] = list(info.table_variables)

    def _summaries_again(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, info: FunctionInfo, edited: range = range(0)
    ) -> tuple[list[Statement], set[int]]:
        """The function's statement summaries after a quiet edit (the same statements on the same
        lines): last version's, but for the `edited` ones and those of the quiet zone, summarised
        again (what `_statement_again` would reuse, without asking each statement); and the
        positions summarised again."""
        assert self.quiet_zone is not None  # set with `comment_edit` or `code_edit`
        kept = list(info.statements)
        renewed = set(edited)
        for zone_first, zone_last in self.quiet_zone:
            at = bisect_left(kept, zone_first, key=_end_line)
            while at < len(kept) and kept[at].span.line <= zone_last:
                renewed.add(at)
                at += 1
        for at in sorted(renewed):
            kept[at] = self._statement(node.body[at], node.name)
        return kept, renewed

    def _calls_typed(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        first: int,
        last: int,
        earlier: FunctionResult,
        now: tuple[object, ...],
    ) -> _Retyped | None:
        """Did the edit since the previous version replace only expression statements (calls) of
        this function's body with as many expression statements on the same lines, in the same
        context (the keys of `_function_once` alike but for the function's text)? Then where."""
        edit = self.code_edit
        before = earlier[0]
        if edit is None or not first <= edit.first <= edit.last <= last or before[0] != now[0]:
            return None
        if before[2:] != now[2:]:
            return None
        seen = self.earlier_statements.get(node.name)
        body = node.body
        if seen is None or len(seen) != len(body):
            return None
        old = [stmt for stmt, _statement in seen.values()]
        start = bisect_left(body, edit.first + 1, key=_stmt_last_line)
        stop = bisect_right(body, edit.last + 1, key=first_line)
        if start >= stop or not all(map(operator.is_, body[:start], old[:start])):
            return None
        if not all(map(operator.is_, body[stop:], old[stop:])):
            return None
        edited = (*body[start:stop], *old[start:stop])
        if any(type(stmt) is not ast.Expr for stmt in edited):
            return None  # an assignment binds what later statements read; a block holds others
        calls = self.earlier_calls.get(node.name, {})
        replaced = [calls.get(id(stmt)) for stmt in old[start:stop]]
        if any(
            found is None or found[0] is not stmt
            for found, stmt in zip(replaced, old[start:stop], strict=True)
        ):
            return None
        previous = [found for found in replaced if found is not None]
        _key, info, ops, sql_calls = earlier
        lines = (body[start].lineno - 1, _stmt_last_line(body[stop - 1]) - 1)
        ops_at = _spliced_at(ops, lines, _op_line)
        sql_at = _spliced_at(sql_calls, lines, _sql_line)
        # The function's calls are in the order of their statements' lines, so the previous calls
        # of the edited statements are exactly what the splice takes out; if not, walk it all.
        if ops_at[1] - ops_at[0] != sum(len(found[2]) for found in previous):
            return None
        if sql_at[1] - sql_at[0] != sum(len(found[3]) for found in previous):
            return None
        unrecognised_at = _spliced_at(info.unrecognised, lines, _span_line)
        return _Retyped(start, stop, previous, ops_at, sql_at, unrecognised_at)

    def _function_retyped(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        earlier: FunctionResult,
        typed: _Retyped,
    ) -> tuple[FunctionInfo, tuple[OpCall, ...], tuple[SqlCall, ...]]:
        """`_function(node)` after typing in calls (`_calls_typed`): the calls of the edited
        statements are found again, in the context the walk had there (top level, no assignment
        among them: the text bindings of the first one's key); every other statement's calls are
        the previous version's, spliced around them. Walking a 1,000-statement body to reuse each
        call was a quarter of such a keystroke."""
        _key, info, earlier_ops, earlier_sql = earlier
        start, stop, replaced, ops_at, sql_at, unrecognised_at = typed
        name, body = node.name, node.body
        self._as_walked(node, info)
        calls = dict(self.earlier_calls.get(name, {}))
        for found in replaced:
            del calls[id(found[0])]
        self.calls_seen[name] = self.calls_here = calls
        self.earlier_calls_here = {}
        bindings = replaced[0][1][-1]  # a statement's key ends with them (`_record_calls`)
        assert isinstance(bindings, tuple)
        self.text_bindings = bindings
        ops_before, sql_before = len(self.ops), len(self.sql_calls)
        self.ops.extend(earlier_ops[: ops_at[0]])
        self.sql_calls.extend(map(self._explained_again, earlier_sql[: sql_at[0]]))
        self.unrecognised[name] = list(info.unrecognised[: unrecognised_at[0]])
        aliases = self._function_aliases(node)
        for stmt in body[start:stop]:
            self._walk_statement(stmt, name, aliases, None, None)
        self.ops.extend(earlier_ops[ops_at[1] :])
        self.sql_calls.extend(map(self._explained_again, earlier_sql[sql_at[1] :]))
        self.unrecognised[name].extend(info.unrecognised[unrecognised_at[1] :])
        ops, sql_calls = tuple(self.ops[ops_before:]), tuple(self.sql_calls[sql_before:])
        kept, _renewed = self._summaries_again(node, info, range(start, stop))
        self.statements_seen[name] = {id(stmt): (stmt, kept[at]) for at, stmt in enumerate(body)}
        span, body_span = self._function_spans(node)
        unrecognised = tuple(self.unrecognised[name])
        return (
            replace(info, span=span, body_span=body_span, statements=tuple(kept), unrecognised=unrecognised),
            ops,
            sql_calls,
        )

    def _function_aliases(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
        """The names a call is an op on in this function (frozen once: every statement's reuse key
        holds it)."""
        params = (*node.args.posonlyargs, *node.args.args)
        return frozenset(self.op_aliases | {"op"} if any(a.arg == "op" for a in params) else self.op_aliases)

    def _function_spans(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[Span, Span]:
        """The function's span (from its decorators: edits replacing it keep them whole) and its
        body's."""
        first, last = node.body[0], node.body[-1]
        body_span = Span(
            first.lineno - 1,
            self.pos.col(first.lineno, first.col_offset),
            (last.end_lineno or last.lineno) - 1,
            self.pos.col(last.end_lineno or last.lineno, last.end_col_offset or 0),
        )
        span = self.pos.span(node)
        if node.decorator_list:
            top = node.decorator_list[0].lineno - 1
            at = len(self.lines[top]) - len(self.lines[top].lstrip())  # the `@`
            span = Span(top, at, span.end_line, span.end_col)
        return span, body_span

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> FunctionInfo:
        params = tuple(a.arg for a in (*node.args.posonlyargs, *node.args.args))
        aliases = self._function_aliases(node)
        self.text_bindings = ()
        self.earlier_calls_here = self.earlier_calls.get(node.name, {})
        self.calls_here = self.calls_seen[node.name] = {}
        found_again: set[int] = set()  # statements whose calls were found, not reused
        for stmt in node.body:
            before = self.calls_found
            self._walk_statement(stmt, node.name, aliases, None, None)
            if self.calls_found != before:
                found_again.add(id(stmt))
        earlier = self.earlier_statements.get(node.name, {}) if self.quiet_zone is not None else {}
        seen: StatementsById | None = {} if self.keeps_statements else None
        statements = tuple(
            self._statement_again(stmt, node.name, earlier, found_again, seen) for stmt in node.body
        )
        if seen is not None:
            self.statements_seen[node.name] = seen
        span, body_span = self._function_spans(node)
        indent_line = self.lines[node.body[0].lineno - 1]
        indent = indent_line[: len(indent_line) - len(indent_line.lstrip())]
        def_line = node.lineno - 1
        found = re.search(rf"def\s+({re.escape(node.name)})\b", self.lines[def_line])
        name_col = found.start(1) if found else -1
        name_span = Span(def_line, max(name_col, 0), def_line, max(name_col, 0) + len(node.name))
        unrecognised = tuple(self.unrecognised.get(node.name, ()))
        tables = tuple(self.table_variables.get(node.name, ()))
        return FunctionInfo(
            node.name, span, name_span, params, body_span, indent, statements, unrecognised, tables
        )

    def _statement_again(
        self,
        stmt: ast.stmt,
        function: str,
        earlier: StatementsById,
        found_again: set[int],
        seen: StatementsById | None,
    ) -> Statement:
        """`_statement(stmt)`, or the previous version's summary of the very same statement: its
        calls were reused (so its kind is the same), it did not move (the edit added no line), and
        it lies outside the paragraphs where the edit may have changed what explains a statement.
        Each summary goes into `seen` (when kept for the next version)."""
        kept = earlier.get(id(stmt)) if earlier and id(stmt) not in found_again else None
        if kept is not None and kept[0] is stmt and self.quiet_zone is not None:
            span = kept[1].span
            (a_first, a_last), (b_first, b_last) = self.quiet_zone
            outside = (span.end_line < a_first or span.line > a_last) and (
                span.end_line < b_first or span.line > b_last
            )
            if outside and span.line == stmt.lineno - 1:
                if seen is not None:
                    seen[id(stmt)] = kept
                return kept[1]
        statement = self._statement(stmt, function)
        if seen is not None:
            seen[id(stmt)] = (stmt, statement)
        return statement

    def explanations_reading(self, edit: QuietEdit) -> Zone:
        """The lines of the statements whose explanation may read what `edit` changed."""
        if edit.comments:
            return self._explanations_reading_comments(edit.first, edit.last)
        return self._explanations_reading_code(edit.first, edit.last)

    def _explanations_reading_code(self, first: int, last: int) -> Zone:
        """The lines of the statements whose explanation may read the code on lines `first`..`last`
        (when those hold no comment, blank or `def` line). A statement's walk up its paragraph
        passes code lines over, but on reaching a blank line it asks `_carried_over`, which reads
        the code of the paragraphs on both sides of that line. So: the statements of the region's
        paragraph whose walk reaches the blank line above it, and those of the next paragraph
        whose walk reaches the blank line between the two; each from the paragraph's first line to
        the first line that ends a walk (`_ends_walk`), that line included."""
        start = first
        while start > 0 and not self._blank(start - 1):
            start -= 1
        return self._walks_reaching(start), self._next_paragraph_reaching(last)

    def _explanations_reading_comments(self, first: int, last: int) -> Zone:
        """The lines of the statements whose explanation may read the full-line comments on lines
        `first`..`last` (between two statements of a function; no marker, no frame). A walk up
        passes a comment that explains nothing and stops at one that does: the statements below
        the comments, down to the first line that ends a walk, read them. `_carried_over`, asked
        at the blank line that closes their paragraph, reads the paragraph's heading comment: so
        do the statements of the next paragraph whose walk reaches that blank line."""
        below = last + 1
        while below < len(self.lines) and not self._blank(below) and not self._ends_walk(below):
            below += 1
        return (last + 1, below), self._next_paragraph_reaching(last)

    def _next_paragraph_reaching(self, line: int) -> tuple[int, int]:
        """`_walks_reaching` of the paragraph after the one holding `line`."""
        count = len(self.lines)
        end = line
        while end + 1 < count and not self._blank(end + 1):
            end += 1
        below = end + 1
        while below < count and self._blank(below):
            below += 1
        return self._walks_reaching(below) if below < count else (count, count)

    def _walks_reaching(self, start: int) -> tuple[int, int]:
        """From a paragraph's first line to the first line that ends a walk up (or its last)."""
        line = start
        while line + 1 < len(self.lines) and not self._blank(line + 1) and not self._ends_walk(line):
            line += 1
        return start, line

    def _blank(self, line: int) -> bool:
        return not self.lines[line].strip() and line not in self.string_lines

    def _ends_walk(self, line: int) -> bool:
        """Does `_explained_above`, walking up to `line`, stop there without reading further up?"""
        if line in self.string_lines:
            return False
        text = self.lines[line].strip()
        return bool(text) and self._walk_verdict(line, text) is not None

    def _walk_verdict(self, line: int, text: str) -> bool | None:
        """What a walk up a paragraph concludes on reaching `line` (its stripped `text`, neither
        blank nor inside a string): None when it passes over the line, else whether the
        statements below are explained. A marker ends the walk unexplained, a meaningful full-line
        comment explains them, and a `def` line does when its docstring explains."""
        comment = self.comment_at.get(line)
        if comment is not None and comment.col == len(self.lines[line]) - len(self.lines[line].lstrip()):
            if MARKER_START.match(text) or MARKER_END.match(text):
                return False
            return True if line in self._meaningful_lines else None
        if text.startswith(("def", "async")) and _DEF_LINE.match(text):
            return line in self._documented_defs
        return None

    def _statement(self, stmt: ast.stmt, function: str) -> Statement:
        span = self._statement_span(stmt)
        sql_lines, op_lines = self._call_lines(function)
        lines = range(span.line, span.end_line + 1)
        if isinstance(stmt, ast.Pass) or (
            isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
        ):
            kind = StatementKind.PASS
        elif not sql_lines.isdisjoint(lines):
            kind = StatementKind.SQL
        elif not op_lines.isdisjoint(lines) or self._is_batch_with(stmt):
            kind = StatementKind.OP
        else:
            kind = StatementKind.OTHER
        explained = self._explained_where_it_stands(span.line, span.end_line)
        defines = kind is StatementKind.OTHER and (
            isinstance(stmt, _DEFINITIONS)
            or (isinstance(stmt, ast.Assign | ast.AnnAssign) and not self._acts(stmt))
        )
        callee = _dotted(stmt.value.func) if type(stmt) is ast.Expr and type(stmt.value) is ast.Call else None
        return Statement(span, kind, self._in_autogen(span.line), explained, defines, callee)

    def _call_lines(self, function: str) -> tuple[set[int], set[int]]:
        """First lines of statements holding SQL calls / schema ops in `function` (memoised)."""
        cached = self._call_lines_cache.get(function)
        if cached is None:
            sql = {c.stmt_span.line for c in self.sql_calls if c.function == function}
            ops = {o.stmt_span.line for o in self.ops if o.function == function and o.name in SCHEMA_OPS}
            cached = self._call_lines_cache[function] = (sql, ops)
        return cached

    def _is_batch_with(self, stmt: ast.stmt) -> bool:
        return isinstance(stmt, ast.With | ast.AsyncWith) and any(
            _attr_call_name(item.context_expr) == "batch_alter_table" for item in stmt.items
        )

    def _walk_statement(
        self,
        stmt: ast.stmt,
        function: str,
        aliases: frozenset[str],
        batch: Batch | None,
        outer: Span | None,
    ) -> None:
        """Record op calls and SQL calls; `batch` is (alias, table, with-span) inside a batch."""
        if type(stmt) is ast.Expr:  # most statements (every op call): none of the blocks below
            if (
                not self._record_calls(stmt, stmt, function, aliases, batch)
                and type(stmt.value) is not ast.Constant
            ):
                self.unrecognised.setdefault(function, []).append(self._statement_span(stmt))
            return
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return
        if type(stmt) in _COMPOUND:
            self.blocks_walked = True  # before its body: the calls found there may sit in it
        if isinstance(stmt, ast.With | ast.AsyncWith):
            inner_batch = batch
            for item in stmt.items:
                self._record_calls(item.context_expr, stmt, function, aliases, batch)
                if _attr_call_name(item.context_expr) == "batch_alter_table" and isinstance(
                    item.optional_vars, ast.Name
                ):
                    call = item.context_expr
                    assert isinstance(call, ast.Call)
                    node = call.args[0] if call.args else None
                    if node is None:
                        node = next((k.value for k in call.keywords if k.arg == "table_name"), None)
                    table = self._string_of(node) if node is not None else None
                    source = self.pos.segment(self.pos.span(node)) if node is not None else None
                    inner_batch = (item.optional_vars.id, table, self.pos.span(stmt), source)
            was_autocommit = self.autocommit
            self.autocommit = was_autocommit or any(
                _attr_call_name(item.context_expr) == "autocommit_block" for item in stmt.items
            )
            for child in stmt.body:
                self._walk_statement(child, function, aliases, inner_batch, outer)
            self.autocommit = was_autocommit
            return
        if isinstance(stmt, ast.If):
            guard = guard_of(stmt.test, self.guard_helpers)
            if guard is not None:
                self._record_calls(stmt.test, stmt, function, aliases, batch)
                outside, was_conditional = self.guards, self.conditional
                self.conditional = True
                for body, branch in ((stmt.body, guard), (stmt.orelse, guard.negated())):
                    self.guards = (*outside, branch)
                    for child in body:
                        self._walk_statement(child, function, aliases, batch, outer)
                self.guards, self.conditional = outside, was_conditional
                return
        compound_bodies = _compound_bodies(stmt)
        if compound_bodies is not None:
            headers, bodies = compound_bodies
            for header in headers:
                self._record_calls(header, stmt, function, aliases, batch)
            was_conditional = self.conditional
            self.conditional = True
            for body in bodies:
                for child in body:
                    self._walk_statement(child, function, aliases, batch, outer)
            self.conditional = was_conditional
            return
        assigns = type(stmt) is ast.Assign or type(stmt) is ast.AnnAssign
        if assigns:
            self._note_table_variable(stmt, function, aliases)
        recognised = self._record_calls(stmt, stmt, function, aliases, batch)
        if assigns:
            # After the calls: `stmt = conn.execute(stmt)` runs the text it held before.
            self.text_bindings = rebound(stmt, self.text_bindings)
        is_noop = isinstance(stmt, ast.Pass) or (
            isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
        )
        if not recognised and not is_noop:
            self.unrecognised.setdefault(function, []).append(self._statement_span(stmt))

    def _note_table_variable(self, stmt: ast.stmt, function: str | None, aliases: Collection[str]) -> None:
        # A name assigned a table before, here or at module level, that the statement assigns
        # something else no longer stands for it (in a function: a local shadowing the module's).
        known = [v.name for v in self.table_variables.get(function, ())]
        if function is not None:
            known.extend(self._module_table_names())
        variable = table_variable(stmt, aliases, self.constants, known)
        if variable is not None:
            self.table_variables.setdefault(function, []).append(variable)

    def _module_table_names(self) -> tuple[str, ...]:
        """Module-level names assigned a table so far (what a function's assignments may shadow)."""
        return tuple(v.name for v in self.table_variables.get(None, ()))

    def _may_call_sql(self, node: ast.AST) -> bool:
        if self.sql_lines is None:
            return True
        first: int | None = getattr(node, "lineno", None)
        last: int | None = getattr(node, "end_lineno", None) or first
        if first is None or last is None:
            return True
        return not self.sql_lines.isdisjoint(range(first - 1, last))

    def _record_calls(
        self,
        node: ast.AST,
        stmt: ast.stmt,
        function: str,
        aliases: frozenset[str],
        batch: Batch | None,
    ) -> bool:
        """Record op and SQL calls; True when the statement is one of them."""
        if not self.keeps_statements:  # no next version to keep them for
            self.calls_found += 1
            return self._find_calls(node, stmt, function, aliases, batch)
        # Everything the walk below reads besides the node itself (whose text a splice never
        # changes in place): where it is, and the context the statement sits in.
        key = (
            stmt.lineno,
            stmt.col_offset,
            stmt.end_lineno,
            stmt.end_col_offset,
            function,
            aliases,
            batch,
            self.guards,
            self.autocommit,
            self.conditional,
            self._in_autogen(stmt.lineno - 1),
            self._may_call_sql(node),
            self.ascii,
            self.text_bindings,
        )
        earlier = self.earlier_calls_here.get(id(node))
        if earlier is not None and earlier[0] is node and earlier[1] == key:
            return self._reuse_calls(node, earlier)
        self.calls_found += 1
        ops_before, sql_before = len(self.ops), len(self.sql_calls)
        recognised = self._find_calls(node, stmt, function, aliases, batch)
        found = (tuple(self.ops[ops_before:]), tuple(self.sql_calls[sql_before:]))
        self.calls_here[id(node)] = (node, key, *found)
        return recognised

    def _reuse_calls(self, node: ast.AST, earlier: Calls) -> bool:
        _node, _key, ops, sql_calls = earlier
        self.calls_here[id(node)] = earlier
        # Their arguments are not kept for reuse by position: the next version reuses these calls
        # whole, or the statement moved or changed and the positions are no longer theirs.
        self.ops.extend(ops)
        self.sql_calls.extend(map(self._explained_again, sql_calls))
        return bool(ops or sql_calls)

    def _explained_again(self, call: SqlCall) -> SqlCall:
        """A kept SQL call, asked again whether a comment explains it (that depends on the lines
        around its statement, which an edit elsewhere may have changed)."""
        explained = self.is_explained(call.stmt_span.line, call.stmt_span.end_line)
        return call if call.explained == explained else replace(call, explained=explained)

    def _statement_span(self, stmt: ast.stmt) -> Span:
        """One Span per statement, shared by its summary, its calls and their ops (a history's
        summaries hold tens of thousands)."""
        span = self._statement_spans.get(id(stmt))
        if span is None:
            span = self._statement_spans[id(stmt)] = self.pos.span(stmt)
        return span

    def _find_calls(
        self,
        node: ast.AST,
        stmt: ast.stmt,
        function: str,
        aliases: frozenset[str],
        batch: Batch | None,
    ) -> bool:
        stmt_span = self._statement_span(stmt)
        sql_recorded = op_recorded = schema_op = False
        # Only a call that *is* the statement is an operation; `op.f("ix")` or
        # `op.inline_literal(1)` nested in arguments are helpers.
        direct = node if isinstance(node, ast.Call) else getattr(node, "value", None)
        # Walking every nested node is the parser's main cost; most statements cannot hold SQL.
        for call in ast.walk(node) if self._may_call_sql(node) else (direct,):
            if not isinstance(call, ast.Call):
                continue
            func = call.func
            receiver = (
                func.value.id
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                else None
            )
            method = func.attr if isinstance(func, ast.Attribute) else None
            is_batch_alias = batch is not None and receiver == batch[0]
            if call is direct and method and receiver and (receiver in aliases or is_batch_alias):
                op_recorded = True
                schema_op = method in SCHEMA_OPS
                self.ops.append(
                    OpCall(
                        name=method,
                        receiver=receiver,
                        function=function,
                        span=stmt_span if _same_place(call, stmt) else self.pos.span(call),
                        stmt_span=stmt_span,
                        args=tuple([self._arg(a) for a in call.args]),
                        kwargs=tuple([(k.arg, self._arg(k.value)) for k in call.keywords if k.arg]),
                        in_autogen_block=self._in_autogen(stmt_span.line),
                        batch_table=batch[1] if is_batch_alias and batch else None,
                        batch_span=batch[2] if is_batch_alias and batch else None,
                        batch_table_source=batch[3] if is_batch_alias and batch else None,
                        dialect_guards=self.guards,
                        in_autocommit_block=self.autocommit,
                        conditional=self.conditional,
                    )
                )
            what = _sql_call_name(func, aliases)
            if schema_op and what is not None and (what == "text" or what.endswith(".text")):
                # `server_default=sa.text("now()")` in an op is how autogenerate writes a SQL
                # expression, not a hand-written statement (the op itself is walked first).
                what = None
            if what and not sql_recorded:
                sql_recorded = True
                # `conn.execute(stmt)` with `stmt = text("...")` above: the text's own call holds the SQL.
                runs = held_text(call.args[0] if call.args else None, self.text_bindings)
                sql, construct, partial = (
                    (None, None, False) if runs is not None else self._sql_argument(call)
                )
                self.sql_calls.append(
                    SqlCall(
                        span=stmt_span if _same_place(call, stmt) else self.pos.span(call),
                        stmt_span=stmt_span,
                        what=what,
                        explained=self.is_explained(stmt_span.line, stmt_span.end_line),
                        function=function,
                        sql=sql,
                        construct=construct,
                        sql_partial=partial,
                        dialect_guards=self.guards,
                        runs_text_at=runs,
                    )
                )
        return op_recorded or sql_recorded

    def _arg(self, node: ast.expr, depth: int = 0) -> ArgValue:
        # Every op argument (and theirs, two levels down) passes here, thousands of them in a big
        # autogenerated file: exact type tests (ast.parse makes no subclasses) and, in ASCII text,
        # the span and source read straight off the node as `Positions.span`/`segment` would.
        end_line, end_col = node.end_lineno, node.end_col_offset
        if self.ascii and end_line is not None and end_col is not None:
            line, col = node.lineno - 1, node.col_offset
            end_line -= 1
            span = Span(line, col, end_line, end_col)
            source = self.lines[line][col:end_col] if line == end_line else self.pos.segment(span)
        else:
            span = self.pos.span(node)
            source = self.pos.segment(span)
        # One string for every argument written alike (`sa.Integer()`, a table's name), in every
        # summary of a history: 23% less memory for them, and smaller pickles.
        source = intern(source)
        if depth == 0 and self.keeps_statements:
            key = (span.line, span.col, span.end_line, span.end_col, source)
            value = self.earlier_args.get(key) or self._new_arg(node, span, source, depth)
            self.args_seen[key] = value
            return value
        return self._new_arg(node, span, source, depth)

    def _sql_argument(self, call: ast.Call) -> tuple[str | None, str | None, bool]:
        """What a SQL call runs: its SQL text (and whether it has holes), or the call chain of the
        construct it is given."""
        node: ast.expr | None = call.args[0] if call.args else None
        if node is None:
            return None, None, False
        while (
            type(node) is ast.Call
            and type(node.func) is ast.Attribute
            and node.func.attr in TEXT_OPTIONS
            and type(node.func.value) is ast.Call
        ):
            node = node.func.value  # text("SELECT ... :name").bindparams(name=...): the text says it
        if type(node) is ast.Call and is_text_function(node.func):
            node = node.args[0] if node.args else None  # op.execute(sa.text("..."))
        if node is None:
            return None, None, False
        formatted = _formatted_sql(node, self.constants)
        if formatted is not None:
            return formatted[0], None, formatted[1]
        if type(node) is ast.Call:
            return None, _call_chain(node), False
        if type(node) is ast.JoinedStr:
            parts = [p.value if isinstance(p, ast.Constant) else "?" for p in node.values]
            holes = any(not isinstance(p, ast.Constant) for p in node.values)
            return "".join(str(p) for p in parts), None, holes
        return self._string_of(node), None, False

    def _string_of(self, node: ast.expr) -> str | None:
        """A string literal, or a module-level constant naming one."""
        if type(node) is ast.Name:
            return self.constants.get(node.id)
        return _literal_str(node)

    def _new_arg(self, node: ast.expr, span: Span, source: str, depth: int) -> ArgValue:
        if type(node) is ast.Constant:
            value = node.value
            return ArgValue(source, span, intern(value) if type(value) is str else value)
        if type(node) in _FOLDABLE:
            constant = folded_string(node, self.constants)
            if constant is not None:
                return ArgValue(source, span, constant)
        if type(node) is ast.Call and depth < 2:
            depth += 1
            return ArgValue(
                source,
                span,
                NOT_LITERAL,
                _dotted(node.func),
                tuple([self._arg(a, depth) for a in node.args]),
                tuple([(k.arg, self._arg(k.value, depth)) for k in node.keywords if k.arg]),
            )
        if (type(node) is ast.List or type(node) is ast.Tuple) and all(
            type(e) is ast.Constant for e in node.elts
        ):
            return ArgValue(source, span, tuple([e.value for e in node.elts]))  # type: ignore[attr-defined]
        return ArgValue(source, span, NOT_LITERAL)

    # -- comments -----------------------------------------------------------------------------

    def is_explained(self, first_line: int, last_line: int) -> bool:
        """A meaningful comment trails the statement, heads the paragraph it belongs to, or opens
        the framed section it sits in; or the block the statement sits in (`for`, `while`, `with`,
        `if`, `try`, `match`) is explained: the comment over `for row in rows:` speaks for the loop's
        body, blank lines and all."""
        if self._explained_where_it_stands(first_line, last_line):
            return True
        if not self.blocks_walked:
            return False  # no block holds it: no need for the index of every block
        header = self._block_headers.get(first_line)
        return header is not None and self.is_explained(*header)

    def _explained_where_it_stands(self, first_line: int, last_line: int) -> bool:
        """`is_explained` of a statement in no block: a statement of a function's body, whose
        summary needs no index of the blocks (building it costs as much as ten statements' walks)."""
        if not self._meaningful_lines.isdisjoint(range(first_line, last_line + 1)):
            return True
        return first_line in self._framed_lines or self._explained_above(first_line - 1)

    @functools.cached_property
    def _block_headers(self) -> dict[int, tuple[int, int]]:
        """Body line -> the lines of the header (`for ... in ...:`) of the innermost block holding it."""
        return self._statement_index[1]

    @functools.cached_property
    def _statements_at(self) -> dict[int, list[ast.stmt]]:
        """Statements inside the functions, nested ones included, by first line, outermost first."""
        return self._statement_index[0]

    @functools.cached_property
    def _statement_index(self) -> tuple[dict[int, list[ast.stmt]], dict[int, tuple[int, int]]]:
        starting: dict[int, list[ast.stmt]] = {}
        headers: dict[int, tuple[int, int]] = {}
        pending = deque(node for node in self.tree.body if isinstance(node, _FUNCTIONS))
        while pending:  # outer statements first: an inner block's lines overwrite its parent's
            stmt: ast.stmt = pending.popleft()
            first = stmt.lineno - 1
            at = starting.get(first)
            if at is None:
                starting[first] = [stmt]
            else:
                at.append(stmt)  # `if x: y()`: the inner statement comes later, and is no longer
            if type(stmt) in _COMPOUND or isinstance(stmt, _FUNCTIONS):
                for field in ("body", "orelse", "finalbody", "handlers"):
                    pending.extend(getattr(stmt, field, ()))
                for case in getattr(stmt, "cases", ()):
                    pending.extend(case.body)
            if isinstance(stmt, _BLOCKS):
                last = max([first, *(n.end_lineno - 1 for n in _header_parts(stmt) if n.end_lineno)])
                for line in range(last + 1, stmt.end_lineno or stmt.lineno):
                    headers[line] = (first, last)
        return starting, headers

    @functools.cached_property
    def _framed_lines(self) -> set[int]:
        """Lines inside a section framed the way Alembic frames its own block, with a meaningful
        title: `# ### population of test data ### #` ... `# ### end population of test data ### #`
        (quay's template). The opening comment explains the section's paragraphs, blank lines and all."""
        framed: set[int] = set()
        opened: int | None = None
        for line in sorted(self.comment_at):
            text = self.comment_at[line].text.strip()
            match = FRAME.match(text)
            if match is None or MARKER_START.match(text) or MARKER_END.match(text):
                continue
            if match.group(1).lower().startswith("end "):
                if opened is not None:
                    framed.update(range(opened + 1, line))
                opened = None
            elif line in self._meaningful_lines:
                opened = line
        return framed

    @functools.cached_property
    def _meaningful_lines(self) -> set[int]:
        """Lines holding a meaningful comment (`is_meaningful_comment` runs once per comment)."""
        return {line for line, comment in self.comment_at.items() if is_meaningful_comment(comment.text)}

    def _carried_over(self, blank: int) -> bool:
        """Does the heading comment of the paragraph above the blank line `blank` speak for the
        paragraph below it too? It does when the paragraph it heads only sets things up (binds a
        table, reflects metadata, imports: no op, no SQL; pgAdmin: `# Insert the new categories` /
        `t = sa.Table(...)` / blank line / `op.bulk_insert(t, ...)`), and when the paragraph below
        goes on with what the headed one fetched: it reads a value the headed paragraph computed
        with SQL (dispatch: `# generate existing slugs` / `rows = conn.execute(select).fetchall()` /
        blank line / `for row in rows: conn.execute(update)`). A connection or a table the next
        paragraph merely shares is no such value: every step of a data migration uses those."""
        code = self._headed_paragraph(blank - 1)
        if not code:
            return False
        if all(n in self._setup_lines for n in code):
            return True
        results = self._sql_results(code)
        return bool(results) and not results.isdisjoint(self._names_read(self._paragraph_below(blank)))

    def _headed_paragraph(self, start: int) -> list[int]:
        """The code lines of the paragraph ending on line `start`, when a meaningful comment heads
        it (empty otherwise: no heading, or a comment alone above a blank line)."""
        code: list[int] = []
        line = start
        while line >= 0:
            text = self.lines[line].strip()
            if not text and line not in self.string_lines:
                return []
            comment = self.comment_at.get(line)
            if comment is not None and comment.col == len(self.lines[line]) - len(self.lines[line].lstrip()):
                if is_edge(text):
                    return []  # a block's or a framed section's edge, not a heading
                if line in self._meaningful_lines:
                    return code
            else:
                code.append(line)
            line -= 1
        return []

    def _paragraph_below(self, blank: int) -> list[int]:
        lines: list[int] = []
        line = blank + 1
        while line < len(self.lines) and (self.lines[line].strip() or line in self.string_lines):
            lines.append(line)
            line += 1
        return lines

    def _outermost(self, lines: list[int]) -> list[ast.stmt]:
        """The statements starting on `lines`, without those nested in another of them."""
        found: list[ast.stmt] = []
        end = -1
        for line in sorted(lines):
            starting = self._statements_at.get(line)
            if starting and line > end:
                found.append(starting[0])
                end = (starting[0].end_lineno or starting[0].lineno) - 1
        return found

    def _sql_results(self, code: list[int]) -> set[str]:
        """Names the paragraph binds to what its SQL returned, directly (`res = conn.execute(q)`)
        or through another such name (`rows = res.fetchall()`)."""
        results: set[str] = set()
        for stmt in self._outermost(code):
            if isinstance(stmt, ast.Expr):
                continue  # binds nothing (an op call, most often: no need to walk its arguments)
            if self._acts(stmt) or (results and not results.isdisjoint(_names(stmt, ast.Load))):
                results |= _names(stmt, ast.Store)
        return results

    def _names_read(self, lines: list[int]) -> set[str]:
        read: set[str] = set()
        for stmt in self._outermost(lines):
            read |= _names(stmt, ast.Load)
        return read

    @functools.cached_property
    def _setup_lines(self) -> set[int]:
        """Lines of statements inside functions that neither run an op nor execute SQL (imports too)."""
        lines: set[int] = set()
        pending: list[ast.stmt] = [node for node in self.tree.body if isinstance(node, _FUNCTIONS)]
        while pending:  # every statement list, nested blocks included (no ast.walk: see fast paths)
            stmt = pending.pop()
            for field in ("body", "orelse", "finalbody", "handlers"):
                pending.extend(getattr(stmt, field, ()))
            if isinstance(stmt, ast.Import | ast.ImportFrom) or (
                isinstance(stmt, ast.Assign | ast.AnnAssign | ast.Expr) and not self._acts(stmt)
            ):
                end = stmt.end_lineno or stmt.lineno
                lines.update(range(stmt.lineno - 1, end))
        return lines

    def _acts(self, stmt: ast.stmt) -> bool:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                attr = node.func.attr
                if attr in _EXECUTING_METHODS:
                    return True
                receiver = node.func.value
                if isinstance(receiver, ast.Name) and receiver.id in self.op_aliases and attr in SCHEMA_OPS:
                    return True
        return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)

    @functools.cached_property
    def _documented_defs(self) -> set[int]:
        """`def` lines of functions whose docstring explains (it speaks for their first paragraph)."""
        documented: set[int] = set()
        for node in self.tree.body:
            if isinstance(node, _FUNCTIONS):
                docstring = ast.get_docstring(node)
                if docstring and docstring not in _TEMPLATE_DOCSTRINGS and is_meaningful_comment(docstring):
                    documented.add(node.lineno - 1)
        return documented

    def _explained_above(self, start: int) -> bool:
        """Walk up from `start` through the paragraph to its heading comment.

        Only the lines that can end the walk are visited (`_walk_stops`): a line of code is
        passed over either way. Memoised per line: every statement of a long paragraph shares the
        same walk, which would otherwise be quadratic in the paragraph's length.
        """
        if start < 0:
            return False
        memo = self._explained_memo
        known = memo.get(start)
        if known is not None:
            return known
        stops = self._walk_stops
        path = [start]
        result = False
        at = bisect_right(stops, start) - 1
        while at >= 0:
            line = stops[at]
            at -= 1
            known = memo.get(line)
            if known is not None:
                result = known
                break
            path.append(line)
            if line in self.string_lines:
                continue
            text = self.lines[line].strip()
            if not text:
                result = self._carried_over(line)
                break
            verdict = self._walk_verdict(line, text)
            if verdict is not None:
                result = verdict
                break
        for visited in path:
            memo[visited] = result
        return result

    @functools.cached_property
    def _walk_stops(self) -> list[int]:
        """Lines where walking up a paragraph may stop, in order: blank lines, lines that start
        with a comment, `def` lines (a superset: `_explained_above` judges each)."""
        starts = ("#", "def", "async")
        return [
            number
            for number, text in enumerate(map(str.lstrip, self.lines))
            if not text or text.startswith(starts)
        ]

    # -- names --------------------------------------------------------------------------------

    def _undefined_names(self) -> Iterator[UndefinedName]:
        if prefilter.all_names_bound(
            self.lines, self.tree, _BUILTINS, self.earlier_segment_names, self.segment_names_seen
        ):
            return
        bound: set[str] = set()
        loads: list[ast.Name] = []
        annotations: set[int] = set()
        future_annotations = False
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom):
                if node.module == "__future__" and any(a.name == "annotations" for a in node.names):
                    future_annotations = True
                if any(a.name == "*" for a in node.names):
                    return  # a star import can bind anything
            if isinstance(node, ast.Import | ast.ImportFrom):
                bound.update(a.asname or a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                bound.add(node.name)
            elif isinstance(node, ast.arg):
                bound.add(node.arg)
                if node.annotation is not None:
                    annotations.update(id(n) for n in ast.walk(node.annotation))
            elif isinstance(node, ast.Name):
                if isinstance(node.ctx, ast.Store | ast.Del):
                    bound.add(node.id)
                else:
                    loads.append(node)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                bound.add(node.name)
            elif isinstance(node, ast.Global | ast.Nonlocal):
                bound.update(node.names)
            elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
                bound.add(node.name)
            elif isinstance(node, ast.MatchMapping) and node.rest:
                bound.add(node.rest)
            elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
                bound.add(node.target.id)
            if isinstance(node, ast.AnnAssign):
                annotations.update(id(n) for n in ast.walk(node.annotation))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns:
                annotations.update(id(n) for n in ast.walk(node.returns))
        never_evaluated = _local_variable_annotations(self.tree) if loads else set()
        for name in loads:
            if name.id in bound or name.id in _BUILTINS or id(name) in never_evaluated:
                continue
            if future_annotations and id(name) in annotations:
                continue
            yield UndefinedName(name.id, self.pos.span(name))


def _local_variable_annotations(tree: ast.Module) -> set[int]:
    """ids of the nodes in annotations of local variables (`x: Foo = 1` in a function body),
    which Python never evaluates, with or without `from __future__ import annotations`."""
    found: set[int] = set()
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for function in functions:
        pending: list[ast.AST] = list(function.body)
        while pending:
            node = pending.pop()
            if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue  # another scope: a class body evaluates its annotations
            if isinstance(node, ast.AnnAssign):
                found.update(id(n) for n in ast.walk(node.annotation))
            pending.extend(ast.iter_child_nodes(node))
    return found


def _split_revises(value: str) -> tuple[str, ...]:
    value = value.strip().strip("()[]")
    if not value or value == "None":
        return ()
    return tuple(v.strip().strip("'\"") for v in re.split(r"[,\s]+", value) if v.strip("'\" "))


# A %-format whose only directives are `%s` and `%%`.
_PLAIN_PERCENT = re.compile(r"(?:[^%]|%s|%%)*", re.DOTALL)

# Expressions a name can be built with from module-level constants (`f"uniq_{TABLE}0{COLUMN}"`).
_FOLDABLE = frozenset((ast.Name, ast.JoinedStr, ast.BinOp))


def folded_string(node: ast.expr, constants: dict[str, str]) -> str | None:
    """The string an expression of literals and module-level string constants evaluates to: a
    name, an f-string, `+` and `%` (OpenStack's `'uniq_%s0standard_attr_id' % TABLE`); else None."""
    if type(node) is ast.Constant:
        return node.value if isinstance(node.value, str) else None
    if type(node) is ast.Name:
        return constants.get(node.id)
    if type(node) is ast.JoinedStr:
        parts: list[str] = []
        for value in node.values:
            if type(value) is ast.FormattedValue:
                if value.format_spec is not None or value.conversion not in (-1, ord("s")):
                    return None
                value = value.value
            part = folded_string(value, constants)
            if part is None:
                return None
            parts.append(part)
        return "".join(parts)
    if type(node) is ast.BinOp and type(node.op) in (ast.Add, ast.Mod):
        left = folded_string(node.left, constants)
        if left is None:
            return None
        if type(node.op) is ast.Add:
            right = folded_string(node.right, constants)
            return left + right if right is not None else None
        if _PLAIN_PERCENT.fullmatch(left) is None:
            return None  # only `%s` (a width like `%999999999s` would build a huge string)
        items = node.right.elts if type(node.right) is ast.Tuple else [node.right]
        values = [folded_string(item, constants) for item in items]
        if any(value is None for value in values):
            return None
        try:
            return left % tuple(values)
        except (TypeError, ValueError):
            return None
    return None


_COMMENT_REVISION_ID = re.compile(r"#\s*Revision ID\s*:")


def comment_header_message(comments: Sequence[Comment]) -> str | None:
    """The message of a header written as comments, as OpenStack's template writes it:

        # Make "tag" resources case sensitive
        #
        # Revision ID: d553edeb540f

    the first words of the comment block that ends at `# Revision ID:`; None without one."""
    at = next((i for i, c in enumerate(comments) if _COMMENT_REVISION_ID.match(c.text)), None)
    if at is None:
        return None
    block: list[str] = []
    line = comments[at].line
    for comment in reversed(comments[:at]):
        if comment.line != line - 1 or comment.col != comments[at].col:
            break
        line = comment.line
        block.append(comment.text.lstrip("#").strip())
    words = [text for text in reversed(block) if text]
    return words[0] if words else None


# A placeholder of %-formatting (`%s`, `%(name)s`, `%d`) or of str.format (`{}`, `{name}`).
_PERCENT_HOLE = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifgeErxXc]")
_FORMAT_HOLE = re.compile(r"\{[^{}]*\}")


def _formatted_sql(node: ast.expr, constants: dict[str, str]) -> tuple[str, bool] | None:
    """SQL text built by `"..." % args` or `"...".format(...)` (indico f37d509e221c): the text, and
    whether it has holes (each read as `?`, as an f-string's are); None for anything else."""
    if type(node) is ast.BinOp and type(node.op) is ast.Mod and type(node.left) is ast.Constant:
        template = node.left.value
        if not isinstance(template, str):
            return None
        folded = folded_string(node, constants)
        if folded is not None:
            return folded, False
        return _PERCENT_HOLE.sub("?", template).replace("%%", "%"), True
    if (
        type(node) is ast.Call
        and type(node.func) is ast.Attribute
        and node.func.attr == "format"
        and type(node.func.value) is ast.Constant
        and isinstance(node.func.value.value, str)
    ):
        template = node.func.value.value
        return _FORMAT_HOLE.sub("?", template).replace("{{", "{").replace("}}", "}"), True
    return None


def _same_place(call: ast.expr, stmt: ast.stmt) -> bool:
    """Does the call span its whole statement (`op.add_column(...)` on its own)?"""
    return (
        call.lineno == stmt.lineno
        and call.col_offset == stmt.col_offset
        and call.end_lineno == stmt.end_lineno
        and call.end_col_offset == stmt.end_col_offset
    )


def _literal_str(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _attr_call_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _dotted(node: ast.expr) -> str | None:
    # `sa.Column`, `sa.String`: nearly every call an op argument makes.
    if type(node) is ast.Attribute and type(node.value) is ast.Name:
        return intern(f"{node.value.id}.{node.attr}")
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _sql_call_name(func: ast.expr, aliases: Collection[str]) -> str | None:
    if isinstance(func, ast.Attribute):
        if func.attr in SQL_METHODS:
            receiver = _dotted(func.value)
            if receiver is None:
                # connection().execute(...), op.get_bind().execute(...)
                inner = func.value
                if isinstance(inner, ast.Call):
                    receiver = (_dotted(inner.func) or "") + "()"
            return f"{receiver}.{func.attr}" if receiver else func.attr
        if is_text_function(func):
            return f"{_dotted(func.value)}.text"
    elif isinstance(func, ast.Name) and func.id == "text":
        return "text"
    return None


def _call_chain(node: ast.expr) -> str:
    """`table.update().where(x).values(y)` → "table.update.where.values"."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        else:
            if isinstance(node, ast.Name):
                names.append(node.id)
            return ".".join(reversed(names))


def _compound_bodies(
    stmt: ast.stmt,
) -> tuple[list[ast.AST], list[list[ast.stmt]]] | None:
    if isinstance(stmt, ast.If | ast.While):
        return [stmt.test], [stmt.body, stmt.orelse]
    if isinstance(stmt, ast.For | ast.AsyncFor):
        return [stmt.iter], [stmt.body, stmt.orelse]
    if isinstance(stmt, ast.Try):
        handlers = [h.body for h in stmt.handlers]
        return [], [stmt.body, *handlers, stmt.orelse, stmt.finalbody]
    if isinstance(stmt, ast.Match):
        return [stmt.subject], [c.body for c in stmt.cases]
    return None


def _header_parts(stmt: ast.stmt) -> list[ast.expr]:
    """The expressions on a block's header lines (`for <target> in <iter>:`, `with <items>:`)."""
    if isinstance(stmt, ast.For | ast.AsyncFor):
        return [stmt.target, stmt.iter]
    if isinstance(stmt, ast.While | ast.If):
        return [stmt.test]
    if isinstance(stmt, ast.With | ast.AsyncWith):
        return [item.optional_vars or item.context_expr for item in stmt.items]
    if isinstance(stmt, ast.Match):
        return [stmt.subject]
    return []


def _names(stmt: ast.stmt, context: type[ast.expr_context]) -> set[str]:
    return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, context)}

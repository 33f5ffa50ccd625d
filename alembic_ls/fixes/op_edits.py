"""Building blocks for fixes that rewrite individual operations (AM401-AM404).

They locate an op again in the *current* text (the finding may be stale), read the surrounding
block (a `with op.batch_alter_table(...)` header, indentation), and refuse — rather than write —
an edit whose result would not parse.
"""

from __future__ import annotations

import re

from alembic_ls.analysis.python_parse import parse_python
from alembic_ls.analysis.revision_file import OpCall, RevisionFile, Span
from alembic_ls.fixes.edits import FixRefused, TextEdit, apply_edits

_BATCH_RECEIVER = re.compile(r"\b([A-Za-z_]\w*)\s*\.\s*batch_alter_table\s*\(")
_AUTOCOMMIT_WITH = re.compile(r"^\s*(async\s+)?with\b.*\bautocommit_block\s*\(")
_SIMPLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
# Words PostgreSQL, SQLite or MySQL reserve that are also likely table/column names.
_RESERVED = frozenset(
    {"user", "order", "group", "table", "select", "where", "from", "limit", "offset", "check", "column"}
    | {"default", "index", "key", "primary", "references", "all", "and", "or", "not", "null", "end"}
    | {"desc", "asc", "to", "when", "case", "grant", "session_user", "current_user", "window"}
)


def find_op(rev: RevisionFile, function: str, names: tuple[str, ...], line: int) -> OpCall:
    for op in rev.ops_in(function):
        if op.name in names and op.span.line == line:
            return op
    raise FixRefused(f"the operation is no longer on line {line + 1}; re-run the check")


def indent_of(lines: list[str], line: int) -> str:
    text = lines[line]
    return text[: len(text) - len(text.lstrip())]


def outer_receiver(rev: RevisionFile, lines: list[str], op: OpCall) -> str:
    """The name `op` goes by here: a batch op's own receiver is the batch alias."""
    if op.batch_span is None:
        return op.receiver
    match = _BATCH_RECEIVER.search(lines[op.batch_span.line])
    if match:
        return match.group(1)
    return rev.op_aliases[0] if rev.op_aliases else "op"


def batch_call(rev: RevisionFile, op: OpCall) -> OpCall | None:
    """The `op.batch_alter_table(...)` call that opened the batch `op` belongs to."""
    if op.batch_span is None:
        return None
    return next(
        (o for o in rev.ops if o.name == "batch_alter_table" and o.stmt_span == op.batch_span),
        None,
    )


def batch_siblings(rev: RevisionFile, op: OpCall) -> list[OpCall]:
    """Every op in the same batch block as `op` (including it)."""
    if op.batch_span is None:
        return [op]
    return [o for o in rev.ops if o.batch_span == op.batch_span and o.name != "batch_alter_table"]


def batch_header(rev: RevisionFile, lines: list[str], op: OpCall) -> list[str]:
    """The `with op.batch_alter_table(...) as batch_op:` line(s) of `op`'s batch, dedented."""
    assert op.batch_span is not None
    first_body = min(o.stmt_span.line for o in batch_siblings(rev, op))
    header = lines[op.batch_span.line : max(first_body, op.batch_span.line + 1)]
    while len(header) > 1 and (not header[-1].strip() or header[-1].lstrip().startswith("#")):
        header.pop()
    margin = len(indent_of(header, 0))
    return [header[0].strip()] + [line[margin:].rstrip() for line in header[1:]]


def whole_lines(lines: list[str], first: int, last: int) -> Span:
    """Lines `first`..`last` with the line break before them.

    Taking the break *before* keeps the span clear of an insertion at the end of `last`, so a
    fix may remove a statement and insert after its block in one go.
    """
    if first > 0:
        return Span(first - 1, len(lines[first - 1]), last, len(lines[last]))
    return Span(0, 0, min(last + 1, len(lines) - 1), 0)


def removal(rev: RevisionFile, lines: list[str], op: OpCall) -> TextEdit:
    """Delete `op`'s statement — or its whole batch block when it is the block's only op."""
    if op.batch_span is not None and len(batch_siblings(rev, op)) == 1:
        block = op.batch_span
        return TextEdit(whole_lines(lines, block.line, block.end_line), "")
    if op.stmt_span.col != len(indent_of(lines, op.stmt_span.line)):
        raise FixRefused(f"line {op.stmt_span.line + 1} holds more than one statement")
    return TextEdit(whole_lines(lines, op.stmt_span.line, op.stmt_span.end_line), "")


def block_end(op: OpCall) -> int:
    """The last line of the statement new code must follow (a batch op's whole block)."""
    return op.batch_span.end_line if op.batch_span is not None else op.stmt_span.end_line


def block_start(op: OpCall) -> int:
    return op.batch_span.line if op.batch_span is not None else op.stmt_span.line


def insert_after(lines: list[str], line: int, new_lines: list[str]) -> TextEdit:
    end = len(lines[line])
    return TextEdit(Span(line, end, line, end), "".join("\n" + text for text in new_lines))


def insert_before(line: int, new_lines: list[str]) -> TextEdit:
    return TextEdit(Span(line, 0, line, 0), "".join(text + "\n" for text in new_lines))


def source_of(lines: list[str], span: Span) -> str:
    if span.line == span.end_line:
        return lines[span.line][span.col : span.end_col]
    middle = lines[span.line + 1 : span.end_line]
    return "\n".join([lines[span.line][span.col :], *middle, lines[span.end_line][: span.end_col]])


def with_kwarg(call_source: str, name: str, value: str) -> str:
    """`f(a, b)` -> `f(a, b, name=value)`; an existing `name=` gets the new value, whatever its old
    value spans (`name=flag(1, 2)` -> `name=True`). Built with libcst, imported only when a fix is
    built, so the rest of the call keeps its exact formatting."""
    import libcst as cst

    call = cst.parse_expression(call_source)
    if not isinstance(call, cst.Call):
        raise FixRefused(f"`{call_source[:40]}` is not a call")
    new_value = cst.parse_expression(value)
    args = list(call.args)
    for index, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == name:
            args[index] = arg.with_changes(value=new_value)
            return cst.Module([]).code_for_node(call.with_changes(args=args))
    added = cst.Arg(
        keyword=cst.Name(name),
        value=new_value,
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
    if args:
        last = args[-1]
        trailing = last.comma if isinstance(last.comma, cst.Comma) else None
        before_last = args[-2].comma if len(args) > 1 else None
        line_break = (
            before_last.whitespace_after
            if isinstance(before_last, cst.Comma)
            else call.whitespace_before_args
        )
        separator: cst.BaseParenthesizableWhitespace = cst.SimpleWhitespace(" ")
        if trailing is not None and not isinstance(trailing.whitespace_after, cst.SimpleWhitespace):
            # `f(\n    a,\n)`: keep the trailing comma and the line break before `)`, and give the
            # new argument a line of its own when the others each have one.
            added = added.with_changes(comma=trailing)
            if isinstance(line_break, cst.ParenthesizedWhitespace):
                separator = line_break
        if trailing is None:  # the space before `)` now follows the new argument
            added = added.with_changes(whitespace_after_arg=last.whitespace_after_arg)
            last = last.with_changes(whitespace_after_arg=cst.SimpleWhitespace(""))
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=separator))
    return cst.Module([]).code_for_node(call.with_changes(args=[*args, added]))


def inside_autocommit_block(lines: list[str], line: int) -> bool:
    """Is `line` in the body of a `with ....autocommit_block():` statement?"""
    indent = len(indent_of(lines, line))
    for index in range(line - 1, -1, -1):
        text = lines[index]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        own = len(indent_of(lines, index))
        if own < indent:
            if _AUTOCOMMIT_WITH.match(text):
                return True
            if text.lstrip().startswith(("def ", "async def ", "class ")):
                return False
            indent = own
    return False


def quote_identifier(name: str, dialect: str | None) -> str:
    """Quote a table/column name for hand-written SQL when it needs it."""
    if _SIMPLE_NAME.match(name) and name not in _RESERVED:
        return name
    if dialect == "mysql":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


def qualified(table: str, schema: str | None, dialect: str | None) -> str:
    quoted = quote_identifier(table, dialect)
    return f"{quote_identifier(schema, dialect)}.{quoted}" if schema else quoted


def python_string(text: str) -> str:
    """A Python string literal for SQL text, double-quoted as alembic writes them."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ensure_parses(lines: list[str], edits: list[TextEdit], what: str) -> list[TextEdit]:
    """Refuse instead of handing an editor a fix whose result is not valid Python."""
    try:
        parse_python(apply_edits("\n".join(lines), edits))
    except SyntaxError as exc:
        raise FixRefused(f"{what} would not leave valid Python here (line {exc.lineno})") from exc
    return edits

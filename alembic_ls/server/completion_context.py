"""Where the cursor is, for completion: read from the text alone, since half-typed code rarely parses.

A forward scan over the lines before the cursor tracks strings, comments, brackets and top-level
commas, which is enough to say "inside the second argument of `op.alter_column(`" or "inside the
value of `down_revision = ...`".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

WINDOW_LINES = 80  # statements longer than this lose completion, not correctness

_CALLEE = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*$")
_KEYWORD = re.compile(r"^\s*([A-Za-z_]\w*)\s*=(?!=)")
_ASSIGNMENT = re.compile(r"^(down_revision|depends_on)\s*(?::[^=\n]*)?=(?!=)")
_STRING_LITERAL = re.compile(r"""^\s*[rRuU]?(['"])(.*?)\1\s*$""", re.S)
_WORD_BEFORE = re.compile(r"\w*$")


@dataclass
class Bracket:
    char: str
    offset: int  # offset of the bracket in the scanned text
    commas: list[int] = field(default_factory=list)  # offsets of its top-level commas


@dataclass
class Call:
    """An unclosed call around the cursor: `callee(` + the arguments typed so far."""

    callee: str
    args: list[str]  # complete arguments before the one holding the cursor
    current: str  # the argument holding the cursor, up to the cursor
    in_list: bool  # the cursor sits inside a `[...]` that is this argument

    @property
    def index(self) -> int:
        return len(self.args)

    @property
    def keyword(self) -> str | None:
        match = _KEYWORD.match(self.current)
        return match.group(1) if match else None

    def argument(self, position: int | None, keyword: str | None) -> str | None:
        """The literal string given for a parameter, positionally or by keyword."""
        for text in [*self.args, self.current]:
            match = _KEYWORD.match(text)
            if match and keyword and match.group(1) == keyword:
                return string_literal(text[match.end() :])
        if position is not None and position < len(self.args) and not _KEYWORD.match(self.args[position]):
            return string_literal(self.args[position])
        return None


@dataclass
class CursorContext:
    line: int
    col: int
    string_start: tuple[int, int] | None  # (line, col) just after the opening quote
    prefix: str  # what is typed of the current word or string
    assignment: str | None  # "down_revision" / "depends_on" when inside that value
    calls: list[Call]  # enclosing calls, innermost last

    @property
    def in_string(self) -> bool:
        return self.string_start is not None


def string_literal(text: str) -> str | None:
    match = _STRING_LITERAL.match(text)
    return match.group(2) if match else None


def cursor_context(lines: list[str], line: int, col: int) -> CursorContext:
    first = max(0, line - WINDOW_LINES)
    window = [*lines[first:line], lines[line][:col] if line < len(lines) else ""]
    text = "\n".join(window)
    stack: list[Bracket] = []
    statement_start = 0
    string_at: int | None = None
    quote = ""
    i = 0
    length = len(text)
    while i < length:
        char = text[i]
        if string_at is not None:
            if char == "\\":
                i += 2
                continue
            if text.startswith(quote, i):
                string_at = None
                i += len(quote)
                continue
            if char == "\n" and len(quote) == 1:
                string_at = None  # an unterminated one-line string ends with its line
            i += 1
            continue
        if char == "#":
            end = text.find("\n", i)
            i = length if end == -1 else end
            continue
        if char in "'\"":
            quote = char * 3 if text.startswith(char * 3, i) else char
            i += len(quote)
            string_at = i
            continue
        if char in "([{":
            stack.append(Bracket(char, i))
        elif char in ")]}":
            if stack:
                stack.pop()
        elif char == "," and stack:
            stack[-1].commas.append(i)
        elif char == "\n" and not stack and (i == 0 or text[i - 1] != "\\"):
            statement_start = i + 1
        i += 1
    string_start = None
    if string_at is not None:
        string_start = _position(text, string_at, first)
        prefix = text[string_at:]
    else:
        prefix = _WORD_BEFORE.search(text)[0]  # type: ignore[index]
    statement = text[statement_start:]
    match = _ASSIGNMENT.match(statement)
    assignment = match.group(1) if match else None
    return CursorContext(line, col, string_start, prefix, assignment, _calls(text, stack))


def _calls(text: str, stack: list[Bracket]) -> list[Call]:
    calls: list[Call] = []
    for index, bracket in enumerate(stack):
        if bracket.char != "(":
            continue
        callee_match = _CALLEE.search(text[: bracket.offset])
        if callee_match is None:
            continue
        inner = stack[index + 1] if index + 1 < len(stack) else None
        end = inner.offset if inner is not None else len(text)
        bounds = [bracket.offset, *[c for c in bracket.commas if c < end]]
        args = [text[start + 1 : stop] for start, stop in pairwise(bounds)]
        current = text[bounds[-1] + 1 :]
        in_list = inner is not None and inner.char == "[" and index + 2 == len(stack)
        calls.append(Call(callee_match.group(1), args, current, in_list))
    return calls


def _position(text: str, offset: int, first_line: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return first_line + line, offset - start

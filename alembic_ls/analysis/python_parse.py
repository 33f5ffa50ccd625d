"""`ast.parse` of a text exactly as given, never of a file on disk, and read as Python reads a file.

When a parse fails, Python converts the error's byte offset to a column using the offending line,
and it reads that line from the file the `filename` argument names, if such a file exists: the
file on disk, not the text being parsed (an editor's unsaved text, a candidate fix). The column
is then measured on the wrong line. `ast.parse`'s default name, `<unknown>`, is no safer: a file
of that name in the working directory is read just the same. No file can have an empty name, so
under it Python takes the line from the text itself.
"""

from __future__ import annotations

import ast

_NO_FILE = ""
BOM = "\ufeff"
# Python ignores a form feed at the start of a line (it resets the indentation count).
_IGNORED_FIRST_CHARACTER = "\x0c"


def python_source(text: str) -> str:
    """`text` as Python reads the file it came from.

    An editor may keep a file's UTF-8 byte order mark as the text's first character; Python takes
    it for the encoding's signature, not code, while `ast.parse` of a string calls it an invalid
    character. A form feed stands in for it: one character too, so every position in the result
    is that position in `text`."""
    return _IGNORED_FIRST_CHARACTER + text[1:] if text.startswith(BOM) else text


def parse_python(text: str) -> ast.Module:
    """`ast.parse(text)` as Python parses the file, raising what it raises, with error positions
    measured on `text` only."""
    return ast.parse(python_source(text), filename=_NO_FILE)


def first_line(stmt: ast.stmt) -> int:
    """A statement's first line (1-based, as ast counts), counting its decorators."""
    decorators: list[ast.expr] = getattr(stmt, "decorator_list", [])
    return min([stmt.lineno, *(d.lineno for d in decorators)])

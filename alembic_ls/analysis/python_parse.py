"""`ast.parse` of a text exactly as given, never of a file on disk.

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


def parse_python(text: str) -> ast.Module:
    """`ast.parse(text)`, raising what it raises, with error positions measured on `text` only."""
    return ast.parse(text, filename=_NO_FILE)

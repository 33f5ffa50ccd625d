"""Does the author say that what a statement removes is no longer used?

"Remove legacy columns no longer in use", a revision titled "drop deprecated tables", "# long-forgotten
columns": the person who wrote the drop states that no code reads the object any more, which is the question
AM408 asks. Read where a reviewer reads it: the comments heading the statement's paragraph (up to a
blank line), a comment trailing it, and the revision's message. The words must say *unused*:
"old" does not (the old column of a copy-and-switch is exactly what running code still reads), nor
words that often name the object itself ("drop legacy body" drops `legacy_body`; `dead_letters`).
"""

from __future__ import annotations

import re

from alembic_ls.analysis.revision_file import RevisionFile, Span

_UNUSED = re.compile(
    r"\b(unused|no longer|not used|not in use|never used|obsolete|deprecated|forgotten|leftovers?|"
    r"superseded)\b",
    re.IGNORECASE,
)


def says_unused(text: str) -> bool:
    return _UNUSED.search(text) is not None


def stated_unused(rev: RevisionFile, span: Span) -> bool:
    """The message, or a comment heading or trailing the statement at `span`, says it is unused."""
    if rev.message and says_unused(rev.message):
        return True
    # Directives (`# alembic-ls: ignore[AM408] unused since 2.3`) are answered by the suppression.
    comments = {c.line: c.text for c in rev.comments if "alembic-ls:" not in c.text}
    if any(says_unused(comments.get(line, "")) for line in range(span.line, span.end_line + 1)):
        return True
    code_lines = _code_lines(rev)
    line = span.line - 1
    while line >= 0 and (line in comments or line in code_lines):
        if says_unused(comments.get(line, "")):
            return True
        line -= 1
    return False


def _code_lines(rev: RevisionFile) -> set[int]:
    """Lines inside the top-level statements of the file's functions (their paragraphs)."""
    lines: set[int] = set()
    for function in rev.functions.values():
        for statement in function.statements:
            lines.update(range(statement.span.line, statement.span.end_line + 1))
    return lines

"""AM412's other fix: set `lock_timeout` once for every migration, in env.py (the editor offers it
beside the per-revision one; it edits env.py, never applied by `check --fix`).

    context.execute("SET lock_timeout = '5s'")  # alembic-ls (AM412): fail fast, then retry
    context.run_migrations()

before each `<context>.run_migrations()` call — online, on the migration's connection; offline, in
the SQL script — found in env.py's syntax tree, so a call in a comment or a string is never taken.
"""

from __future__ import annotations

import ast

from alembic_ls.analysis.revision_file import Span
from alembic_ls.analysis.source_text import split_lines
from alembic_ls.env_locations import names_lock_timeout
from alembic_ls.fixes.edits import FixRefused, TextEdit

TIMEOUT = "5s"


def env_lock_timeout_edits(text: str) -> list[TextEdit]:
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise FixRefused(f"env.py does not parse (line {exc.lineno})") from None
    if names_lock_timeout(tree):
        raise FixRefused("env.py already sets lock_timeout")
    lines = split_lines(text)
    edits = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Expr):
            continue
        call = node.value
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "run_migrations"
            and isinstance(call.func.value, ast.Name)
        ):
            continue
        line = node.lineno - 1
        indent = lines[line][: len(lines[line]) - len(lines[line].lstrip())]
        setting = f"{call.func.value.id}.execute(\"SET lock_timeout = '{TIMEOUT}'\")"
        edits.append(
            TextEdit(
                Span(line, 0, line, 0), f"{indent}{setting}  # alembic-ls (AM412): fail fast, then retry\n"
            )
        )
    if not edits:
        raise FixRefused("env.py has no `context.run_migrations()` call to set it before")
    return sorted(edits, key=lambda e: e.span.line)

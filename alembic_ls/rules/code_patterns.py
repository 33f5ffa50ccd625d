"""Is a code in `select` / `ignore` / `severity` one that names rules? A typo must not silence a check.

`select` and `ignore` take codes and prefixes (`AM2`, `AM`, `ALL`); `severity` grades one rule, so it
takes whole codes only. An unknown one is a configuration error, with the closest real code
suggested (as ruff does).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from alembic_ls.rules.registry import RULES

EVERY_RULE = "ALL"


def _names_rules(pattern: str, prefixes: bool) -> bool:
    if pattern in RULES:
        return True
    return prefixes and (pattern == EVERY_RULE or any(code.startswith(pattern) for code in RULES))


def unknown_code_problem(patterns: Iterable[str], key: str | None, prefixes: bool = True) -> str | None:
    """What is wrong with the first code in `patterns` that names no rule (None: all are fine).
    `key` names the setting, when the caller's message does not already."""
    for pattern in patterns:
        if _names_rules(pattern, prefixes):
            continue
        if not prefixes and any(code.startswith(pattern) for code in RULES):
            return f"`{key}` takes whole rule codes (one entry per rule), not the prefix `{pattern}`"
        problem = f"unknown rule code `{pattern}`" + (f" in `{key}`" if key else "")
        close = difflib.get_close_matches(pattern, list(RULES), n=1, cutoff=0.6)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        return f"{problem}{hint} (`alembic-ls rules` lists them)"
    return None

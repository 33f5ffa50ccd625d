"""Patterns with possessive quantifiers (`*+`, `++`) on Python 3.10, whose `re` has none (3.11 added them).

The lexer's and the name prefilter's patterns are written so that the possessive path always matches when any
path does, and a greedy search tries that path first: dropping the `+` gives the same matches on 3.10, only
without the guarantee of never backtracking.
"""

from __future__ import annotations

import re
import sys

POSSESSIVE_SUPPORTED = sys.version_info >= (3, 11)


def greedy_form(pattern: str) -> str:
    """`pattern` with each possessive quantifier made greedy (`*+` -> `*`, `++` -> `+`, `?+` -> `?`)."""
    return re.sub(r"(?<!\\)([*+?])\+", r"\1", pattern)


def compile_possessive(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern if POSSESSIVE_SUPPORTED else greedy_form(pattern), flags)

"""On Python 3.10 the lexer and the name prefilter use their patterns' greedy form (no possessive quantifiers
there); it must match exactly what the possessive form matches, on any text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alembic_ls.analysis import prefilter, source_text
from alembic_ls.analysis.regex_compat import POSSESSIVE_SUPPORTED, greedy_form

PATTERNS = {"lexer token": source_text._TOKEN.pattern, "prefilter name": prefilter._NAME.pattern}
# Python source shapes that reach every alternative of both patterns.
TEXT = st.text(alphabet="ab_1 .=#'\"\\\n\t(),é", max_size=60) | st.sampled_from(
    [
        "x = f(a, b=1)  # why\n",
        "s = '''a\\'''' + \"b\\\"c\" + 'open",
        "op.execute(sa.text('x'))",
        "1.5e3 .attr",
    ]
)


def test_greedy_form_drops_every_possessive_mark_and_nothing_else() -> None:
    assert greedy_form(r"[^\w.]++|\.\w*+|a?+\++") == r"[^\w.]+|\.\w*|a?\++"
    for pattern in PATTERNS.values():
        greedy = greedy_form(pattern)
        assert "*+" not in greedy and "++" not in greedy.replace("\\++", "")
        re.compile(greedy)


@pytest.mark.skipif(not POSSESSIVE_SUPPORTED, reason="no possessive form to compare with before 3.11")
@pytest.mark.parametrize("name", sorted(PATTERNS))
@settings(max_examples=400, deadline=None)
@given(text=TEXT, start=st.integers(min_value=0, max_value=60))
def test_greedy_form_matches_what_the_possessive_form_matches(name: str, text: str, start: int) -> None:
    possessive, greedy = re.compile(PATTERNS[name]), re.compile(greedy_form(PATTERNS[name]))
    position = min(start, len(text))
    ours, theirs = possessive.match(text, position), greedy.match(text, position)
    assert (ours and (ours.span(), ours.groups())) == (theirs and (theirs.span(), theirs.groups()))

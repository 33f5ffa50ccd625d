"""Lexing only around an edit finds exactly what lexing the whole text finds, edit after edit."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from alembic_ls.analysis.incremental_lex import IncrementalLexer
from alembic_ls.analysis.source_text import lex

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
from bench_server import big_revision  # noqa: E402

DEMO = sorted((REPO / "examples" / "blog" / "migrations" / "versions").glob("*.py"))
# What makes lexing depend on what came before: strings over several lines (closed or not),
# escaped line breaks inside and outside strings, quotes and hashes inside strings.
SNIPPETS = [
    '    """a docstring\n    over lines\n    """',
    "    '''unclosed",
    '    """',
    "    x = 'a # not a comment'  # a comment",
    "    s = 'escaped \\\n    newline'",
    "    y = 1 + \\\n        2",
    '    # a comment with \'quotes\' and """',
    "    op.execute('''\n    UPDATE t SET a = '#'\n    ''')",
    '    f"{x!r}" "#"',
    "",
]


def edit(rng: random.Random, text: str) -> str:
    at = rng.randrange(len(text) + 1)
    kind = rng.randrange(6)
    if kind == 0:  # type a character, the lexer's special ones most often
        return text[:at] + rng.choice("'\"#\\\n ab") + text[at:]
    if kind == 1:
        return text[:at] + text[at + rng.randrange(1, 4) :]
    lines = text.split("\n")
    line = rng.randrange(len(lines))
    if kind == 2:
        lines[line:line] = rng.choice(SNIPPETS).split("\n")
    elif kind == 3:
        del lines[line]
    elif kind == 4:
        lines.insert(line, lines[rng.randrange(len(lines))])
    else:
        lines[line] = lines[line][: rng.randrange(len(lines[line]) + 1)] + rng.choice(["'", '"""', "#", "\\"])
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(8))
def test_random_edits_lex_as_the_whole_text_does(seed: int) -> None:
    rng = random.Random(seed)
    sources = [big_revision("a" * 12, "b" * 12), *(p.read_text(encoding="utf-8") for p in DEMO)]
    text = sources[seed % len(sources)]
    lexer = IncrementalLexer()
    for step in range(200):
        assert lexer.lex(text) == lex(text), f"seed {seed}, step {step}"
        text = edit(rng, text)  # unlike the parser, the lexer must follow text that does not parse
    assert lexer.reused == 199


def test_an_edit_below_a_long_text_lexes_only_around_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typing in one line of a 4,600-line revision looks at that line, not at the whole file."""
    text = big_revision("a" * 12, "b" * 12, tables=330)
    lexer = IncrementalLexer()
    lexer.lex(text)
    at = text.index("col_3") + len("col_3")
    seen: list[int] = []
    from alembic_ls.analysis import incremental_lex

    real_scan = incremental_lex.scan

    def scan(text: str, pos: int, *args: object) -> int:
        stopped = real_scan(text, pos, *args)  # type: ignore[arg-type]
        seen.append(stopped - pos)
        return stopped

    monkeypatch.setattr(incremental_lex, "scan", scan)
    text = text[:at] + "x" + text[at:]
    assert lexer.lex(text) == lex(text)
    assert seen and seen[0] < 200  # characters lexed again: one line's worth


def test_carriage_returns_are_lexed_whole() -> None:
    lexer = IncrementalLexer()
    text = "x = 1  # one\r\ny = '''a\r\nb'''\r\n"
    assert lexer.lex(text) == lex(text)
    text = text.replace("one", "two")
    assert lexer.lex(text) == lex(text)
    assert lexer.reused == 0

"""The incremental parser gives exactly the tree `ast.parse` gives, edit after edit."""

from __future__ import annotations

import ast
import random
import sys
from pathlib import Path

import pytest

from alembic_ls.analysis.incremental import IncrementalParser
from alembic_ls.analysis.parser import parse_revision

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
from bench_server import big_revision  # noqa: E402

# Random text holds escapes like '\)' that Python warns about while parsing.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::SyntaxWarning")

DEMO = sorted((REPO / "examples" / "blog" / "migrations" / "versions").glob("*.py"))
SNIPPETS = [
    "    op.add_column('t', sa.Column('c', sa.Integer(), nullable=True))\n",
    "    # a comment about the next step\n",
    "\n",
    "    with op.batch_alter_table('t') as batch_op:\n        batch_op.drop_column('c')\n",
    "    if True:\n        pass\n    else:\n        op.drop_table('x')\n",
    "x = 1\n",
    "        deeper = 1\n",
    "    op.execute(\n",
    ")\n",
    "    '''\n",
    "\\\n",
    "\t\tpass\n",
    "@decorator\n",
    "    a = 1; b = 2\n",
    "    \n",
    "def extra():\n    return 1\n",
]


def dump(tree: ast.AST) -> str:
    return ast.dump(tree, include_attributes=True)


def expected(text: str) -> str | None:
    try:
        return dump(ast.parse(text))
    except (SyntaxError, ValueError):
        return None


def edit(rng: random.Random, text: str) -> str:
    """A keystroke-sized or line-sized change somewhere in the text."""
    at = rng.randrange(len(text) + 1)
    kind = rng.randrange(6)
    if kind == 0:  # type a character
        return text[:at] + rng.choice("abc_ (),'\"#:=\n") + text[at:]
    if kind == 1:  # delete a few characters
        return text[:at] + text[at + rng.randrange(1, 4) :]
    lines = text.split("\n")
    line = rng.randrange(len(lines))
    if kind == 2:  # insert a line-shaped snippet
        lines[line:line] = rng.choice(SNIPPETS).rstrip("\n").split("\n")
    elif kind == 3:  # delete a line
        del lines[line]
    elif kind == 4:  # duplicate a line
        lines.insert(line, lines[rng.randrange(len(lines))])
    else:  # retype a line's end
        lines[line] = lines[line][: rng.randrange(len(lines[line]) + 1)] + rng.choice(
            ["x", "", ")", "  # why"]
        )
    return "\n".join(lines)


def check(parser: IncrementalParser, text: str) -> bool:
    """Parse `text` both ways and compare; True when it parses."""
    want = expected(text)
    try:
        got: str | None = dump(parser.parse(text))
    except (SyntaxError, ValueError):
        got = None
    assert got == want
    return want is not None


@pytest.mark.parametrize("seed", range(6))
def test_random_edit_sequences_give_the_trees_of_a_full_parse(seed: int) -> None:
    rng = random.Random(seed)
    sources = [big_revision("a" * 12, "b" * 12), *(p.read_text(encoding="utf-8") for p in DEMO)]
    text = sources[seed % len(sources)]
    parser = IncrementalParser()
    check(parser, text)
    for step in range(50 if seed == 0 else 150):  # the 600-line file costs most to compare
        candidate = edit(rng, text)
        if check(parser, candidate):
            text = candidate
        else:  # typing goes on from the last text that parsed, as the next keystrokes mend it
            assert check(parser, text), f"seed {seed}, step {step}"
    assert parser.reused > 10  # the incremental path did much of the work, not the fallback


def test_typing_inside_upgrade_is_spliced() -> None:
    text = big_revision("a" * 12, "b" * 12)
    parser = IncrementalParser()
    parser.parse(text)
    column = text.index("col_3") + len("col_3")
    for _ in range(5):
        text = text[:column] + "x" + text[column:]
        assert dump(parser.parse(text)) == dump(ast.parse(text))
    assert parser.reused == 5


@pytest.mark.parametrize("seed", range(3))
def test_summaries_of_an_edited_document_equal_fresh_ones(seed: int) -> None:
    """What the analyzer reuses from the previous version (op arguments) changes nothing."""
    rng = random.Random(100 + seed)
    text = (
        big_revision("a" * 12, "b" * 12) if seed == 0 else DEMO[seed % len(DEMO)].read_text(encoding="utf-8")
    )
    incremental = IncrementalParser()
    for step in range(60):
        assert parse_revision("v.py", text, incremental) == parse_revision("v.py", text), f"step {step}"
        candidate = edit(rng, text)
        text = candidate if expected(candidate) is not None else text


def test_the_first_keystroke_in_the_other_function_reuses_its_calls() -> None:
    """Typing in upgrade() keeps downgrade() whole; a keystroke in downgrade() next finds its other
    statements' ops where that version kept them (not found again: every op rebuilt was 40 ms on
    a 1,000-op downgrade())."""
    text = big_revision("a" * 12, "b" * 12)
    incremental = IncrementalParser()
    first = parse_revision("v.py", text, incremental)
    in_upgrade = text.index("col_3") + len("col_3")
    text = text[:in_upgrade] + "x" + text[in_upgrade:]
    parse_revision("v.py", text, incremental)
    in_downgrade = text.index("op.drop_table(") + len("op.drop_table(") + 1
    text = text[:in_downgrade] + "x" + text[in_downgrade:]
    third = parse_revision("v.py", text, incremental)
    assert third == parse_revision("v.py", text)
    before, after = first.ops_in("downgrade"), third.ops_in("downgrade")
    kept = sum(1 for old, new in zip(before, after, strict=True) if old is new)
    assert kept == len(after) - 1  # all but the op typed in

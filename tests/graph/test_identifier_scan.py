"""The index reads the four identifiers from the file's head only; the answer must be the one a
full parse gives, or none at all (then the index parses the whole file)."""

from __future__ import annotations

from pathlib import Path

import pytest
from synth import generate_history

from alembic_ls.analysis.identifiers import scan_graph_fields
from alembic_ls.analysis.parser import parse_revision
from alembic_ls.analysis.source_text import split_lines
from alembic_ls.analysis.stored_summary import graph_fields

REPO = Path(__file__).resolve().parents[2]
DEMO = sorted((REPO / "examples" / "blog" / "migrations" / "versions").glob("*.py"))


def full_parse_fields(text: str) -> object:
    return graph_fields(parse_revision("x.py", text))


@pytest.mark.parametrize("seed", [0, 1])
def test_every_synthetic_revision_scans_like_a_full_parse(tmp_path: Path, seed: int) -> None:
    synth = generate_history(tmp_path / "p", 120, seed=seed)
    scanned = 0
    for path in synth.paths:
        text = path.read_text(encoding="utf-8")
        fields = scan_graph_fields(text)
        if fields is not None:
            scanned += 1
            assert fields == full_parse_fields(text), path.name
    assert scanned == len(synth.paths)  # Alembic's own template never needs the full parse


@pytest.mark.parametrize("path", DEMO, ids=lambda p: p.name)
def test_every_prefix_of_the_demo_files_scans_like_a_full_parse_or_not_at_all(path: Path) -> None:
    lines = split_lines(path.read_text(encoding="utf-8"))
    for end in range(len(lines) + 1):
        text = "\n".join(lines[:end])
        parsed = parse_revision("x.py", text)
        fields = scan_graph_fields(text)
        if fields is not None:  # also when the rest of the file does not parse (yet)
            assert fields == graph_fields(parsed), f"first {end} lines"


UNUSUAL = {
    "identifiers after the functions": (
        "def upgrade():\n    pass\n\nrevision = 'a1'\ndown_revision = None\n"
    ),
    "a second assignment after the functions": (
        "revision = 'a1'\ndown_revision = None\n\ndef upgrade():\n    pass\n\nrevision = 'a2'\n"
    ),
    "a docstring holding a column-0 def": (
        '"""notes\ndef upgrade(): this is prose\n"""\nrevision = "a1"\ndown_revision = None\n'
        "def upgrade():\n    pass\n"
    ),
    "an identifier named in the upgrade": (
        "revision = 'a1'\ndown_revision = None\n\ndef upgrade():\n    print(down_revision)\n"
    ),
}


@pytest.mark.parametrize("text", UNUSUAL.values(), ids=UNUSUAL.keys())
def test_unusual_files_are_left_to_the_full_parse_or_read_right(text: str) -> None:
    fields = scan_graph_fields(text)
    assert fields is None or fields == full_parse_fields(text)


def test_common_shapes_are_read_without_the_full_parse() -> None:
    text = (
        '"""add things\n\nRevision ID: b2\nRevises: a1, a0\n"""\nfrom typing import Sequence, Union\n\n'
        "revision: str = 'b2'  # the id\n"
        "down_revision: Union[str, Sequence[str], None] = (\n    'a1',\n    'a0',\n)\n"
        "branch_labels = ('feature',)\ndepends_on = None\n\n@decorated\ndef upgrade() -> None:\n"
        "    op.execute('SELECT 1')\n"
    )
    fields = scan_graph_fields(text)
    assert fields is not None and fields == full_parse_fields(text)
    revision, down_revision, labels, depends_on = fields
    assert revision is not None and revision.values == ("b2",)
    assert down_revision is not None and down_revision.values == ("a1", "a0")
    assert labels is not None and labels.values == ("feature",)
    assert depends_on is not None and depends_on.values == ()

"""Fuzz the running language server with mutated migration files; every answer must stay well formed.

Inputs start from the demo's revision files (examples/blog) and are cut, shuffled and corrupted, then
sent to one real server process (pytest-lsp, VS Code's and Neovim's capabilities) as didChange on the
file's own open document, so graph changes spread to the rest of the project as they would in an
editor. For every input: the publishDiagnostics for that version arrives, every diagnostic range lies
inside the document, hover / definition / references / completion at random positions and
documentSymbol / codeLens answer without an error, every offered quick fix applies cleanly, and the
server logs no error.

Bounded for CI. The long run (see docs/hardening.md):
    ALEMBIC_LS_FUZZ_EXAMPLES=2000 ALEMBIC_LS_FUZZ_PREFIX_CUTS=0 ALEMBIC_LS_FUZZ_HUGE_LINES=4000 \
        .venv/bin/pytest tests/hardening/test_server_fuzz.py -s
ALEMBIC_LS_FUZZ_EXAMPLES: hypothesis examples per test (default 15);
ALEMBIC_LS_FUZZ_PREFIX_CUTS: truncation points per demo file (default 12; 0 = every character);
ALEMBIC_LS_FUZZ_HUGE_LINES: op lines in the huge document (default 1000).
"""

from __future__ import annotations

import os
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from e2e_support import RecordingClient, change_document, open_document, wait_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsp_checks import (
    Documents,
    FixTally,
    apply_every_offered_fix,
    assert_diagnostics_inside,
    assert_no_server_errors,
    exercise_requests,
    random_positions,
)

from alembic_ls.analysis.source_text import split_lines
from alembic_ls.server.paths import path_to_uri

EXAMPLES = int(os.environ.get("ALEMBIC_LS_FUZZ_EXAMPLES", "15"))
PREFIX_CUTS = int(os.environ.get("ALEMBIC_LS_FUZZ_PREFIX_CUTS", "12"))
HUGE_LINES = int(os.environ.get("ALEMBIC_LS_FUZZ_HUGE_LINES", "1000"))
POSITIONS_PER_INPUT = 3
VERSIONS = Path("migrations/versions")
DEMO_VERSIONS = Path(__file__).resolve().parents[2] / "examples" / "blog" / VERSIONS
SEED_NAMES = sorted(p.name for p in DEMO_VERSIONS.glob("*.py"))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 50,  # CI runs the same inputs every time; the long run explores
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass
class ServerFuzzer:
    """Feeds texts to the server through open documents and checks every answer."""

    client: RecordingClient
    root: Path
    docs: Documents = field(default_factory=Documents)
    fixes: FixTally = field(default_factory=FixTally)
    counts: Counter[str] = field(default_factory=Counter)

    def uri(self, name: str) -> str:
        return path_to_uri(str((self.root / VERSIONS / name).resolve()))

    def seed_text(self, name: str) -> str:
        return (DEMO_VERSIONS / name).read_text(encoding="utf-8")

    async def open(self, name: str) -> str:
        uri = self.uri(name)
        if uri not in self.client.versions:
            uri, text = open_document(self.client, self.root / VERSIONS / name)
            self.docs.open_texts[uri] = text
            await wait_for(self.client, uri, version=1)
        return uri

    async def feed(self, name: str, text: str, rnd: random.Random) -> None:
        """One input: the new text of the open document `name`, then every check."""
        uri = await self.open(name)
        logs_before = len(self.client.log_messages)
        self.docs.open_texts[uri] = text
        version = change_document(self.client, uri, text)
        diagnostics = await wait_for(self.client, uri, version=version)
        assert_diagnostics_inside(diagnostics, uri, self.docs, self.client.encoding)
        positions = random_positions(split_lines(text), rnd, POSITIONS_PER_INPUT)
        self.counts["requests"] += await exercise_requests(self.client, uri, self.docs, positions)
        await apply_every_offered_fix(self.client, uri, self.docs, diagnostics, self.fixes)
        assert_no_server_errors(self.client, logs_before)
        self.counts["inputs"] += 1
        self.counts["diagnostics"] += len(diagnostics)

    def report(self, what: str) -> None:
        print(
            f"\n{what}: {self.counts['inputs']} documents, {self.counts['diagnostics']} diagnostics, "
            f"{self.counts['requests']} requests, "
            f"{self.fixes.offered} actions offered, {self.fixes.applied} applied, "
            f"{self.fixes.refused_on_resolve} declined with a message"
        )


@pytest.fixture
def fuzzer(
    static_client: RecordingClient, demo_copy: Path, request: pytest.FixtureRequest
) -> Iterator[ServerFuzzer]:
    """One server for all of a test's inputs (hypothesis examples included): state carries over."""
    fuzzer = ServerFuzzer(static_client, demo_copy)
    yield fuzzer
    fuzzer.report(request.node.name)


def cut_points(text: str) -> list[int]:
    if PREFIX_CUTS <= 0 or len(text) <= PREFIX_CUTS:
        return list(range(len(text) + 1))
    step = len(text) / PREFIX_CUTS
    return sorted({int(i * step) for i in range(PREFIX_CUTS)} | {len(text)})


async def test_prefix_truncations_of_every_demo_file(fuzzer: ServerFuzzer) -> None:
    """Half-typed files: each demo revision cut at evenly spread points (every character in the long run)."""
    rnd = random.Random(0)
    for name in SEED_NAMES:
        text = fuzzer.seed_text(name)
        for cut in cut_points(text):
            await fuzzer.feed(name, text[:cut], rnd)
        await fuzzer.feed(name, text, rnd)


@FUZZ
@given(
    which=st.sampled_from(SEED_NAMES),
    edits=st.lists(
        st.tuples(
            st.sampled_from(("delete", "swap", "duplicate")), st.integers(0, 10**4), st.integers(0, 10**4)
        ),
        min_size=1,
        max_size=8,
    ),
    seed=st.integers(0, 2**16),
)
async def test_line_deletions_swaps_and_duplicates(
    fuzzer: ServerFuzzer, which: str, edits: list[tuple[str, int, int]], seed: int
) -> None:
    lines = fuzzer.seed_text(which).split("\n")
    for kind, first, second in edits:
        i, j = first % len(lines), second % len(lines)
        if kind == "delete" and len(lines) > 1:
            del lines[i]
        elif kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines.insert(j, lines[i])
    await fuzzer.feed(which, "\n".join(lines), random.Random(seed))


@FUZZ
@given(
    which=st.sampled_from(SEED_NAMES),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=12),
    inserted=st.binary(max_size=40),
    seed=st.integers(0, 2**16),
)
async def test_byte_garbage_in_the_editor(
    fuzzer: ServerFuzzer, which: str, flips: list[tuple[int, int]], inserted: bytes, seed: int
) -> None:
    data = bytearray(fuzzer.seed_text(which).encode("utf-8"))
    for position, value in flips:
        data[position % len(data)] = value
    at = flips[0][0] % len(data)
    data[at:at] = inserted
    # Undecodable bytes on disk are covered by tests/e2e/test_garbage_input.py and tests/fuzz.
    await fuzzer.feed(which, bytes(data).decode("utf-8", errors="replace"), random.Random(seed))


@FUZZ
@given(
    which=st.sampled_from(SEED_NAMES),
    at=st.integers(0, 10**5),
    text=st.text(st.characters(exclude_categories=("Cs",)), max_size=200),
    seed=st.integers(0, 2**16),
)
async def test_arbitrary_text_spliced_into_a_revision(
    fuzzer: ServerFuzzer, which: str, at: int, text: str, seed: int
) -> None:
    """Any Unicode (astral characters, lone \\r, form feeds, U+2028) in the middle of a real file."""
    original = fuzzer.seed_text(which)
    cut = at % (len(original) + 1)
    await fuzzer.feed(which, original[:cut] + text + original[cut:], random.Random(seed))


async def test_huge_and_deeply_nested_documents(fuzzer: ServerFuzzer) -> None:
    name = SEED_NAMES[-1]
    base = fuzzer.seed_text(name)
    rnd = random.Random(1)
    body = "".join(f"    op.add_column('t{i}', sa.Column('c{i}', sa.Integer()))\n" for i in range(HUGE_LINES))
    huge = base.replace("def downgrade", "def helper():\n" + body + "\n\ndef downgrade", 1)
    long_line = base + "\nx = '" + "é" * 200_000 + "'\n"
    deep_parens = base + "\nx = " + "(" * 3000 + "1" + ")" * 3000 + "\n"
    deep_blocks = base + "\ndef nested():\n" + "".join("    " * (i + 1) + "if x:\n" for i in range(95))
    deep_blocks += "    " * 96 + "op.add_column('t', sa.Column('c', sa.Integer()))\n"
    for text in (huge, long_line, deep_parens, deep_blocks, base):
        await fuzzer.feed(name, text, rnd)
    assert fuzzer.counts["inputs"] == 5

"""An open document is analysed exactly as `alembic-ls check` analyses the same text saved.

The editor's text is compared with `check --output-format json` on the file written with that text,
including texts that do not parse: their AM000 range must come from the text, not from whatever
is on disk at the time (issue 20)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from e2e_support import RecordingClient, change_document, initial_diagnostics, open_document, wait_for
from lsprotocol import types

from alembic_ls.analysis.source_text import split_lines

BIO = Path("migrations/versions/5e6f708192a3_add_bio_to_user.py")
# Code, 1-based (row, column, end row, end column), message: the fields both outputs carry.
Entry = tuple[str, tuple[int, int, int, int], str]


def from_server(diagnostics: Sequence[types.Diagnostic]) -> list[Entry]:
    return sorted(
        (
            str(d.code),
            (
                d.range.start.line + 1,
                d.range.start.character + 1,
                d.range.end.line + 1,
                d.range.end.character + 1,
            ),
            d.message,
        )
        for d in diagnostics
    )


def from_check(root: Path, path: Path) -> list[Entry]:
    run = subprocess.run(
        [sys.executable, "-m", "alembic_ls", "check", "--output-format", "json"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode in (0, 1), run.stderr
    return sorted(
        (
            f["code"],
            (
                f["location"]["row"],
                f["location"]["column"],
                f["end_location"]["row"],
                f["end_location"]["column"],
            ),
            f["message"],
        )
        for f in json.loads(run.stdout)
        if Path(f["filename"]) == path
    )


def edited_texts(original: str) -> list[str]:
    """Texts that do and do not parse, each with its error on a line that is short on disk."""
    lines = split_lines(original)
    blank = lines.index("", 8)  # the blank line after the imports
    assert len(lines[blank]) < 26

    def with_line(index: int, line: str) -> str:
        return "\n".join([*lines[:index], line, *lines[index + 1 :]])

    return [
        with_line(blank, 'value_of_something = "abc"fr'),
        with_line(blank, "    badly_indented_name_for_a_value = 1"),
        with_line(blank + 1, "def upgrade_helper(:"),
        with_line(blank, "from sqlalchemy.dialects import postgresql"),
        original.replace("    pass", "    op.drop_column('user', 'bio')\n    value = (1,"),
    ]


async def test_open_document_diagnostics_equal_checks_for_the_saved_text(
    client: RecordingClient, demo_copy: Path
) -> None:
    await initial_diagnostics(client, demo_copy)
    path = (demo_copy / BIO).resolve()
    uri, original = open_document(client, path)
    await wait_for(client, uri, version=1)
    for text in edited_texts(original):
        version = change_document(client, uri, text)
        # The file on disk still holds the previous text while the editor shows this one.
        served = from_server(await wait_for(client, uri, version=version))
        path.write_text(text, encoding="utf-8")
        assert served == from_check(demo_copy, path), text

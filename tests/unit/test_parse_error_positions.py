"""A syntax error's position depends only on the text analysed, never on a file on disk (issue 20).

Python measures a failed parse's column on the offending line, which it reads from the file the
parse was named after when such a file exists: the saved file, not the editor's unsaved text."""

from __future__ import annotations

from pathlib import Path

import pytest

from alembic_ls.analysis.incremental import IncrementalParser
from alembic_ls.analysis.parser import parse_revision
from alembic_ls.analysis.revision_file import Span

BROKEN = 'value_of_something = "abc"fr\n'
GOOD = "x = 1\n"


def error_span(path: str, text: str, incremental: IncrementalParser | None = None) -> Span:
    error = parse_revision(path, text, incremental).parse_error
    assert error is not None
    return error.span


def test_the_span_of_unsaved_text_ignores_the_saved_file(tmp_path: Path) -> None:
    saved = tmp_path / "saved.py"
    saved.write_text(GOOD, encoding="utf-8")
    fresh = tmp_path / "never_written.py"
    assert error_span(str(saved), BROKEN) == error_span(str(fresh), BROKEN) == Span(0, 26, 0, 28)


def test_the_incremental_parser_ignores_the_saved_file(tmp_path: Path) -> None:
    saved = tmp_path / "saved.py"
    saved.write_text(GOOD, encoding="utf-8")
    parser = IncrementalParser()
    parse_revision(str(saved), GOOD, parser)
    assert error_span(str(saved), BROKEN, parser) == Span(0, 26, 0, 28)


def test_a_file_named_like_pythons_default_is_not_read_either(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ast.parse`'s default file name, `<unknown>`, is read from the working directory."""
    (tmp_path / "<unknown>").write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert error_span("<unknown>", BROKEN) == Span(0, 26, 0, 28)

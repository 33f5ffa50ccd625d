"""Apply every safe fix to a document's text, the way `alembic-ls check --fix` does to a file.

One fix at a time, re-checking after each (a fix can make another's recipe stale), never keeping
a result that no longer parses. Works on a shadow of the project index so the live index — and
the diagnostics computed from it — never sees the intermediate texts.
"""

from __future__ import annotations

from dataclasses import replace

from alembic_ls.analysis.incremental import IncrementalParser
from alembic_ls.analysis.index import ProjectIndex
from alembic_ls.analysis.revision_file import RevisionFile, Span
from alembic_ls.analysis.source_text import split_lines
from alembic_ls.checker import Checker
from alembic_ls.fixes import FixRefused, apply_edits, build_edits
from alembic_ls.fixes.edits import TextEdit
from alembic_ls.rules.base import Finding
from alembic_ls.settings import ConfigError, Settings

MAX_ROUNDS = 20


def fix_all_text(
    index: ProjectIndex,
    settings: Settings,
    path: str,
    text: str,
    summary: RevisionFile | None = None,
    findings: list[Finding] | None = None,
) -> tuple[str, int]:
    """(fixed text, number of fixes applied). `summary` and `findings`, when given, are the
    analysis and the findings of `text` already made: the first round starts from them."""
    shadow = replace(index, files=dict(index.files), stray=dict(index.stray), cache=None)
    refused: set[tuple[str, str]] = set()
    fixed = 0
    incremental = IncrementalParser()  # most fixes touch one statement: re-parse only that
    for _round in range(MAX_ROUNDS):
        rev = shadow.update(path, text, incremental, summary)
        summary = None  # later rounds analyse the text the fixes made
        if rev is None:
            break
        if findings is None:
            try:
                checker = Checker(shadow, settings)
            except ConfigError:
                checker = Checker(shadow, replace(settings, baseline=None))
            findings = checker.check_file(rev)
        candidates = [
            f
            for f in findings
            if f.fix is not None and f.fix.safe and (f.code, repr(f.fix.params)) not in refused
        ]
        findings = None
        if not candidates:
            break
        finding = candidates[0]
        assert finding.fix is not None
        key = (finding.code, repr(finding.fix.params))
        try:
            candidate = apply_edits(text, build_edits(path, text, finding.fix.kind, finding.fix.params, rev))
            incremental.parse(candidate)  # the next round's analysis starts from this tree
        except (FixRefused, SyntaxError, ValueError):
            refused.add(key)
            continue
        if candidate == text:
            refused.add(key)
            continue
        text = candidate
        fixed += 1
    return text, fixed


def replacement_edit(old: str, new: str) -> TextEdit | None:
    """One edit turning `old` into `new`, limited to the lines that differ (None: no change)."""
    if old == new:
        return None
    old_lines, new_lines = split_lines(old), split_lines(new)
    start = 0
    while start < min(len(old_lines), len(new_lines)) and old_lines[start] == new_lines[start]:
        start += 1
    old_end, new_end = len(old_lines), len(new_lines)
    while old_end > start and new_end > start and old_lines[old_end - 1] == new_lines[new_end - 1]:
        old_end -= 1
        new_end -= 1
    newline = "\n"  # TextEdit convention: apply_edits and lsp_edits turn it into the file's own
    # Replace whole lines [start, old_end) including their line breaks; at the end of the
    # document there is no break to include, so the edit ends at the last line's end instead.
    if old_end < len(old_lines):
        span = Span(start, 0, old_end, 0)
        inserted = "".join(line + newline for line in new_lines[start:new_end])
    else:
        last = len(old_lines) - 1
        begin_line, begin_col = (start, 0)
        if start > last:  # pure append after the last line
            begin_line, begin_col = last, len(old_lines[last])
            inserted = "".join(newline + line for line in new_lines[start:new_end])
        else:
            inserted = newline.join(new_lines[start:new_end])
        span = Span(begin_line, begin_col, last, len(old_lines[last]))
        if 0 < start <= last and new_end == start:  # lines removed up to the end: drop the break before
            span = Span(start - 1, len(old_lines[start - 1]), last, len(old_lines[last]))
    return TextEdit(span, inserted)

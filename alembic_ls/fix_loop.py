"""Apply every safe fix to one file's text: the one loop behind `alembic-ls check --fix` and the
editor's "Fix all" (`source.fixAll.alembic-ls`).

One fix at a time, re-checking after each (a fix can make another's recipe stale), never keeping a
result that does not parse, never retrying a fix that was refused or changed nothing. The index
given is updated with each intermediate text: the CLI passes its own (it re-reads the file after
writing it), the server a detached copy, so its live index and diagnostics never see them.
"""

from __future__ import annotations

from dataclasses import replace

from alembic_ls.analysis.incremental import IncrementalParser
from alembic_ls.analysis.index import ProjectIndex
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.checker import Checker
from alembic_ls.fixes import FixRefused, apply_edits, recipe_edits
from alembic_ls.rules.base import Finding
from alembic_ls.settings import ConfigError, Settings

MAX_ROUNDS = 20  # a fix that keeps offering itself must not loop forever


def apply_safe_fixes(
    index: ProjectIndex,
    settings: Settings,
    path: str,
    text: str,
    summary: RevisionFile | None = None,
    findings: list[Finding] | None = None,
) -> tuple[str, int]:
    """(fixed text, number of fixes applied). `summary` and `findings`, when given, are the analysis
    and the findings of `text` already made: the first round starts from them."""
    refused: set[tuple[str, str]] = set()
    applied = 0
    incremental = IncrementalParser()  # most fixes touch one statement: re-parse only that
    for _round in range(MAX_ROUNDS):
        rev = index.update(path, text, incremental, summary)
        summary = None  # later rounds analyse the text the fixes made
        if rev is None:
            break
        if findings is None:
            findings = _checker(index, settings).check_file(rev)
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
            candidate = apply_edits(text, recipe_edits(path, text, finding.fix.recipe, rev))
            incremental.parse(candidate)  # the next round's analysis starts from this tree
        except (FixRefused, SyntaxError, ValueError):
            refused.add(key)
            continue
        if candidate == text:
            refused.add(key)
            continue
        text = candidate
        applied += 1
    return text, applied


def detached(index: ProjectIndex) -> ProjectIndex:
    """A copy of `index` whose updates leave the original (and its cache file) as they are."""
    return replace(index, files=dict(index.files), stray=dict(index.stray), cache=None)


def _checker(index: ProjectIndex, settings: Settings) -> Checker:
    try:
        return Checker(index, settings)
    except ConfigError:  # a baseline naming a revision the edit removed: fix the whole file
        return Checker(index, replace(settings, baseline=None))

from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity


class SyntaxErrorRule(Rule):
    code = "AM000"
    name = "syntax-error"
    severity = Severity.ERROR
    summary = "The migration file cannot be parsed (or decoded), so Alembic cannot load it."
    suppressible = False

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if rev.parse_error is not None:
            yield self.finding(
                rev, rev.parse_error.span, f"Cannot analyse this file: {rev.parse_error.message}"
            )

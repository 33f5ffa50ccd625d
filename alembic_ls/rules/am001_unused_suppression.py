from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity


class UnusedSuppression(Rule):
    """Reported by the checker, which knows which suppressions were used."""

    code = "AM001"
    name = "unused-suppression"
    severity = Severity.WARNING
    summary = "An `# alembic-ls: ignore[...]` comment suppresses nothing."
    fix_summary = "safe: remove the suppression"
    fixable = True
    suppressible = False
    unnecessary = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        return iter(())


class UnknownCode(Rule):
    code = "AM002"
    name = "unknown-rule-code"
    severity = Severity.WARNING
    summary = "A suppression comment names a rule code alembic-ls does not have."
    suppressible = False

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        return iter(())

from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity


class EmptyRevision(Rule):
    code = "AM102"
    name = "empty-revision"
    severity = Severity.WARNING
    summary = "upgrade() and downgrade() do nothing: made without --autogenerate, or nothing to detect."

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        upgrade, downgrade = rev.upgrade, rev.downgrade
        if not rev.is_revision or upgrade is None or len(rev.parents) > 1:
            return  # merge revisions are empty by design
        if not upgrade.is_empty or (downgrade is not None and not downgrade.is_empty):
            return
        if rev.has_markers:
            why = "autogenerate detected no changes when this revision was made"
        else:
            why = "it was made with `alembic revision` without --autogenerate"
        yield self.finding(
            rev,
            upgrade.name_span,
            f"Empty revision: {why}. Delete it, change the models, and run "
            '`alembic revision --autogenerate -m "..."`.',
        )

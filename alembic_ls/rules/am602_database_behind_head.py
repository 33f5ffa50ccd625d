"""AM602: a revision the configured database has not applied, shown where it is declared.

The language server knows the database's position from the agent (a read of alembic_version for the
`alembic-ls/status` notification) and hands it to the checker; elsewhere the position is unknown and
the rule finds nothing. Its fix runs `alembic-ls.upgrade` with the revision as target.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.fixes.command import RunCommand
from alembic_ls.rules.base import CheckContext, Finding, Fix, Rule, Severity

UPGRADE = "alembic-ls.upgrade"


def upgrade_arguments(ctx: CheckContext, rid: str) -> dict[str, str]:
    return {"project": str(ctx.index.project.root), "target": rid}


class DatabaseBehindHead(Rule):
    code = "AM602"
    name = "database-behind-head"
    severity = Severity.INFO
    summary = "The configured database has not applied this revision (alembic_version is behind it)."
    fix_summary = "upgrade (command)"
    reported_by_agent: ClassVar[bool] = True  # needs the database's position, which only the agent reads

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterable[Finding]:
        applied = ctx.applied_revisions()
        rid = rev.revision_id
        if applied is None or rid is None or rev.revision is None or rid in applied or not ctx.is_loaded(rev):
            return ()
        current = ", ".join(r[:12] for r in ctx.database_current or ()) or "base (no revision applied)"
        fix = Fix(
            "Upgrade the database to here",
            RunCommand(UPGRADE, (upgrade_arguments(ctx, rid),)),
            safe=False,
        )
        message = (
            f"Not applied: the database is at {current}. {ctx.wording.upgrade_to(rid[:12])} to apply it "
            "and the revisions before it."
        )
        return [self.finding(rev, rev.revision.span, message, fix)]

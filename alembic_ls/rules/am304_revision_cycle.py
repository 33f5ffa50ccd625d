from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity


class RevisionCycle(Rule):
    code = "AM304"
    name = "revision-cycle"
    severity = Severity.ERROR
    summary = "down_revision links form a cycle; Alembic cannot order these revisions."

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        rid = rev.revision_id
        if rid is None or not ctx.is_loaded(rev) or rid not in ctx.graph.in_cycle:
            return
        cycle = next(c for c in ctx.graph.cycles if rid in c)
        span = rev.down_revision.span if rev.down_revision else rev.revision.span  # type: ignore[union-attr]
        yield self.finding(
            rev,
            span,
            f"Revision cycle: {' → '.join(cycle)} → {cycle[0]}. Alembic raises CycleDetected; "
            "point one down_revision at the revision it really follows.",
        )

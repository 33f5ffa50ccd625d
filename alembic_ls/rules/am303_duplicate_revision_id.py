from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity


class DuplicateRevisionId(Rule):
    code = "AM303"
    name = "duplicate-revision-id"
    severity = Severity.ERROR
    summary = "Two revision files declare the same revision id; Alembic silently keeps only one."

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        rid = rev.revision_id
        if rid is None or rev.revision is None or not ctx.is_loaded(rev):
            return
        twins = [other for other in ctx.graph.by_id.get(rid, []) if other.path != rev.path]
        if not twins:
            return
        names = ", ".join(ctx.relpath(t.path) for t in twins)
        yield self.finding(
            rev,
            rev.revision.span,
            f"Revision id '{rid}' is also declared in {names}. Alembic keeps only one of them "
            '("Revision ... is present more than once"). Give one a new id, or delete the copy.',
            related=tuple((t.path, t.revision.span, "same revision id") for t in twins if t.revision),
        )

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity


class OutsideVersionLocations(Rule):
    code = "AM305"
    name = "outside-version-locations"
    severity = Severity.WARNING
    summary = "A revision file Alembic will never load: it is not in version_locations."

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision or rev.revision is None or ctx.is_loaded(rev):
            return
        project = ctx.index.project
        locations = ", ".join(ctx.relpath(str(p)) for p in project.version_locations)
        hint = (
            " (it sits in a sub-folder: set `recursive_version_locations = true` or move it up)"
            if any(loc in Path(rev.path).parents for loc in project.version_locations)
            else f"; move it into {locations}"
        )
        yield self.finding(
            rev,
            rev.revision.span,
            f"Alembic never loads this revision: it is outside version_locations ({locations}){hint}.",
        )

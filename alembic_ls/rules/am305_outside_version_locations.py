from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from alembic_ls.analysis.read_facts import ALL, note
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
        note("strays")  # what the other files are decides between one finding and one per file
        note(ALL)
        locations = ", ".join(ctx.relpath(str(p)) for p in project.version_locations)
        strays = sorted(path for path, r in ctx.index.stray.items() if r.is_revision)
        if len(strays) > 1 and not any(r.is_revision for r in ctx.index.files.values()):
            # No history where alembic-ls looked: the project keeps it somewhere its configuration
            # does not say. One finding for the project, not one per file of its whole history.
            if strays[0] == rev.path:
                where = ctx.relpath(str(project.script_location))
                yield self.finding(
                    rev,
                    rev.revision.span,
                    f"None of the {len(strays)} revision files under {where} is in version_locations "
                    f"({locations}), and alembic-ls could not tell where this project keeps its history: "
                    "set `version_locations` (or `recursive_version_locations = true`) in its Alembic "
                    "configuration.",
                )
            return
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

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from alembic_ls.analysis.revision_file import RevisionFile, Span
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity


class EditedSharedRevision(Rule):
    """Reported where the check knows a git base (`check --diff-base REF`): the workspace hands the
    checker each revision file that existed there and differs now, with its first changed line."""

    code = "AM105"
    name = "edited-shared-revision"
    severity = Severity.ERROR
    summary = (
        "A revision that already exists at the base ref was edited: databases that ran it never run the edit."
    )
    ignores_baseline = True  # an edit of history the baseline accepted is exactly what it reports
    needs_git_history: ClassVar[bool] = True  # its docs examples cannot show it without a repository

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        line = ctx.edited_since_base.get(rev.path) if ctx.edited_since_base else None
        if line is None or not rev.is_revision:
            return
        rid = rev.revision_id
        applied = ctx.applied_revisions()
        ran_here = applied is not None and rid is not None and rid in applied
        base = ctx.base_name or "the base"
        message = (
            f"Revision {rid or '?'} already exists at {base} and was edited here: every database that "
            "already ran it (teammates', staging, production) will never run this edit, so their "
            "schemas and this file part ways. The rule book: never edit a migration once it exists; "
            "put the change in a new revision (`alembic revision --autogenerate`)."
        )
        if ran_here:
            message += " Your own database has already applied it too."
        yield self.finding(rev, Span(line, 0, line, 0), message)

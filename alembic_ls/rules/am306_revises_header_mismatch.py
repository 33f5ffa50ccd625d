from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.revision_file import RevisionFile, Span
from alembic_ls.fixes.header_docstring import SyncHeader
from alembic_ls.rules.base import CheckContext, Finding, Fix, Rule, Severity


class RevisesHeaderMismatch(Rule):
    code = "AM306"
    name = "revises-header-mismatch"
    severity = Severity.WARNING
    summary = "The docstring's `Revises:` / `Revision ID:` disagree with down_revision / revision."
    fix_summary = "safe: rewrite the header from the code"
    fixable = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        header = rev.header
        if not rev.is_revision or header is None:
            return
        fix = Fix("Update the header to match the code", SyncHeader(), safe=True)
        down = rev.down_revision.values if rev.down_revision else None
        revises, span = header.revises, header.revises_span
        if revises is not None and span is not None and down is not None and set(revises) != set(down):
            if span.end_col == span.col:  # `Revises:` with nothing after it: underline the label
                span = Span(span.line, 0, span.line, span.col)
            said = ", ".join(revises) or "nothing"
            real = ", ".join(down) or "None (a base)"
            yield self.finding(
                rev,
                span,
                f"The header says `Revises: {said}` but down_revision is {real}. Reviewers read the "
                "header; a hand-edited down_revision (a rebase gone wrong?) hides behind it.",
                fix,
            )
        rid = rev.revision_id
        if header.revision_id and header.revision_id_span and rid and header.revision_id != rid:
            yield self.finding(
                rev,
                header.revision_id_span,
                f"The header says `Revision ID: {header.revision_id}` but revision is '{rid}'.",
                fix,
            )

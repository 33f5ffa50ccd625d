from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.revision_file import RevisionFile, Span, StatementKind
from alembic_ls.rules.base import CheckContext, Finding, Fix, Rule, Severity


class UnexplainedManualEdit(Rule):
    code = "AM103"
    name = "unexplained-manual-edit"
    severity = Severity.WARNING
    summary = "A statement added outside the autogenerate block with no comment saying why."
    fixable = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision or not rev.has_markers:
            return  # without markers the whole file is AM101's business
        for function in (rev.upgrade, rev.downgrade):
            if function is None:
                continue
            for statement in function.statements:
                if statement.in_autogen_block or statement.explained:
                    continue
                if statement.kind not in (StatementKind.OP, StatementKind.OTHER):
                    continue
                span = statement.span
                yield self.finding(
                    rev,
                    Span(span.line, span.col, span.line, span.col + 1)
                    if span.line != span.end_line
                    else span,
                    f"Hand-added statement in {function.name}() outside the autogenerate block, with "
                    'no comment saying why. The rule book: "NEVER manually ... edit migration files '
                    '(except data migrations)" — and then "Add comment explaining manual edit".',
                    Fix(
                        "Add a `# MANUAL: <why>` comment",
                        "explain-comment",
                        safe=False,
                        params={"line": span.line},
                    ),
                )

from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.op_catalog import SCHEMA_OPS
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity, call_head_span


class HandWrittenRevision(Rule):
    code = "AM101"
    name = "hand-written-revision"
    severity = Severity.WARNING
    summary = "Schema operations with no autogenerate markers: the revision was written by hand."
    fix_summary = "regenerate (command)"

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision or rev.has_markers:
            return
        schema_ops = [o for o in rev.ops if o.name in SCHEMA_OPS and o.function in ("upgrade", "downgrade")]
        if not schema_ops:
            return
        first = schema_ops[0]
        message = rev.message or "<same message>"
        yield self.finding(
            rev,
            call_head_span(first.span, f"{first.receiver}.{first.name}"),
            "Schema changes written by hand (no autogenerate markers). The rule book: "
            '"ALWAYS use --autogenerate". Regenerate it: delete this file, '
            f"{ctx.wording.upgrade_head_command}, then {ctx.wording.generate(message)}.",
        )

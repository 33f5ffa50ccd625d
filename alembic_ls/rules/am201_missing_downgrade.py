from __future__ import annotations

import re
from collections.abc import Iterator

from alembic_ls.analysis.parser import is_meaningful_comment
from alembic_ls.analysis.revision_file import FunctionInfo, RevisionFile
from alembic_ls.analysis.script_template import writes_downgrade
from alembic_ls.fixes.downgrade import DeriveDowngrade, plan_downgrade
from alembic_ls.fixes.edits import FixRefused
from alembic_ls.rules.base import CheckContext, Finding, Fix, Rule, Severity

_ADMISSIONS = frozenset({"todo", "fixme", "xxx", "tbd", "wip", "hack"})


class MissingDowngrade(Rule):
    code = "AM201"
    name = "missing-downgrade"
    severity = Severity.ERROR
    summary = "upgrade() changes the schema but downgrade() is missing or does nothing."
    fix_summary = "safe: derived downgrade (refuses, saying why, when an op is irreversible)"
    fixable = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        upgrade, downgrade = rev.upgrade, rev.downgrade
        if not rev.is_revision or upgrade is None or not upgrade.has_schema_ops:
            return
        if downgrade is not None and not downgrade.is_empty:
            return
        if downgrade is not None and _says_why_empty(rev, downgrade):
            return  # a decision written down ("pgAdmin only upgrades"), not a forgotten downgrade
        if downgrade is None and not writes_downgrade(ctx.index.project.script_location):
            return  # the project's template has no downgrade(): its revisions have none by design
        where = "has no downgrade()" if downgrade is None else "has a downgrade() that does nothing"
        span = downgrade.name_span if downgrade is not None else upgrade.name_span
        message = (
            f"This revision changes the schema but {where}, so `alembic downgrade -1` cannot undo it. "
            'The rule book: "Both upgrade() and downgrade() present".'
        )
        fix: Fix | None = None
        try:
            plan_downgrade(rev)
        except FixRefused as refused:
            message += f" No automatic fix: {refused}."
        else:
            fix = Fix("Derive downgrade() from upgrade()", DeriveDowngrade(), safe=True)
        yield self.finding(rev, span, message, fix)


def _says_why_empty(rev: RevisionFile, downgrade: FunctionInfo) -> bool:
    """A meaningful comment inside the empty body that gives a reason; one that opens with TODO,
    FIXME or XXX admits the downgrade is missing and does not count."""
    first, last = downgrade.name_span.line, downgrade.body_span.end_line
    for comment in rev.comments:
        if first <= comment.line <= last and is_meaningful_comment(comment.text):
            words = re.findall(r"\w+", comment.text.lower())
            if words and words[0] not in _ADMISSIONS:
                return True
    return False

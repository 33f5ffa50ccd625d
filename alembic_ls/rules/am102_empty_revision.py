from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.revision_file import FunctionInfo, RevisionFile
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity


class EmptyRevision(Rule):
    code = "AM102"
    name = "empty-revision"
    severity = Severity.WARNING
    summary = "upgrade() and downgrade() do nothing: made without --autogenerate, or nothing to detect."

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        upgrade, downgrade = rev.upgrade, rev.downgrade
        rid = rev.revision_id
        if not rev.is_revision or upgrade is None or len(rev.parents) > 1:
            return  # merge revisions are empty by design
        if not upgrade.is_empty or (downgrade is not None and not downgrade.is_empty):
            return
        if _says_why(upgrade) or (downgrade is not None and _says_why(downgrade)):
            return  # a deliberate no-op: a milestone, a migration since removed, a branch's start
        followers = (
            len(ctx.graph.children.get(rid, ())) + len(ctx.graph.dependents.get(rid, ())) if rid else 0
        )
        if followers and self._starts_a_line(rev, ctx):
            return  # the base of the history or the root of a branch: others build on it
        if rev.has_markers:
            why = "autogenerate detected no changes when this revision was made"
        else:
            # A file cannot tell a revision made empty from one whose body was removed later (ckan 089).
            why = (
                "no autogenerate markers and no comment say why (made with `alembic revision` "
                "without --autogenerate, or its body was removed later)"
            )
        if followers:
            advice = (
                "Later revisions build on it, so keep it: if it is deliberate, say why in a comment; "
                'otherwise make the change it was meant for with `alembic revision --autogenerate -m "..."`.'
            )
        else:
            advice = 'Delete it, change the models, and run `alembic revision --autogenerate -m "..."`.'
        yield self.finding(rev, upgrade.name_span, f"Empty revision: {why}. {advice}")

    @staticmethod
    def _starts_a_line(rev: RevisionFile, ctx: CheckContext) -> bool:
        if not rev.parents or rev.labels:
            return True
        parent = rev.parents[0]
        return len(ctx.graph.children.get(parent, ())) > 1  # the first revision of a branch


def _says_why(function: FunctionInfo) -> bool:
    return any(statement.explained for statement in function.statements)

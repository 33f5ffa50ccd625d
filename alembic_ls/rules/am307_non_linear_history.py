"""AM307: for teams that keep one straight line of revisions (`linear = true`).

Every merge revision and every fork (a branch point's children) is reported. A child of a branch
point that is the user's own (rules/own_revisions) gets the rebase: after the tip of the other
line, when that line has exactly one head.
"""

from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.graph import RevisionGraph
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.rules.base import CheckContext, Finding, Fix, Rule, Severity
from alembic_ls.rules.own_revisions import own_revisions, rebase_fix


class NonLinearHistory(Rule):
    code = "AM307"
    name = "non-linear-history"
    severity = Severity.WARNING
    summary = "A merge revision or a branch point where the team keeps a straight history (`linear = true`)."
    fixable = True
    fix_summary = "rebase your own branch onto the other line (not auto)"
    opt_in = True
    enabled_by = "linear"

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        rid, down = rev.revision_id, rev.down_revision
        if rid is None or down is None or not ctx.is_loaded(rev):
            return
        graph = ctx.graph
        if rid in graph.in_cycle:  # AM304's business
            return
        parents = graph.parents(rid)
        if len(parents) > 1:
            yield self.finding(
                rev,
                down.span,
                f"Merge revision: {rid} joins {', '.join(parents)}. This project keeps a straight history "
                "(`linear = true`): instead of merging, rebase the newer line onto the other one.",
            )
        for parent in parents:
            if not graph.is_branch_point(parent):
                continue
            siblings = [c for c in graph.children[parent] if c != rid]
            fix = self._rebase(rev, parent, siblings, ctx)
            advice = (
                f"rebase it onto {str(fix.params['onto'])[:12]}"
                if fix is not None
                else "rebase the newer branch onto the other"
            )
            yield self.finding(
                rev,
                down.span,
                f"Branch point: {parent} also has {', '.join(siblings)} after it, so the history forks "
                f"here. This project keeps a straight history (`linear = true`): {advice}.",
                fix,
            )

    def _rebase(self, rev: RevisionFile, parent: str, siblings: list[str], ctx: CheckContext) -> Fix | None:
        rid = rev.revision_id
        graph = ctx.graph
        if rid is None or len(siblings) != 1 or rid not in own_revisions(ctx, graph.children[parent]):
            return None
        tip = _single_tip(graph, siblings[0])
        if tip is None or tip == rid or tip in graph.descendants(rid):  # the lines meet again below
            return None
        return rebase_fix(rev, tip)


def _single_tip(graph: RevisionGraph, start: str) -> str | None:
    """The one head `start`'s line ends in; None when it ends in several."""
    line = graph.descendants(start) | {start}
    tips = [rid for rid in line if rid in graph.heads]
    return tips[0] if len(tips) == 1 else None

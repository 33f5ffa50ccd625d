from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.rules.base import CheckContext, Finding, Fix, Rule, Severity
from alembic_ls.rules.own_revisions import own_revisions, rebase_fix


class MultipleHeads(Rule):
    code = "AM301"
    name = "multiple-heads"
    severity = Severity.ERROR
    summary = "More than one head on the same branch: `alembic upgrade head` will refuse to run."
    fix_summary = "rebase your own head onto the other (not auto), or merge heads (command)"
    fixable = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        rid = rev.revision_id
        if rid is None or rev.revision is None or not ctx.is_loaded(rev):
            return
        if ctx.graph.children.get(rid):
            return  # not a head (asked first: which heads exist is read only by heads)
        project = ctx.index.project
        for group in ctx.graph.head_groups():
            if rid not in group:
                continue
            # Heads of separate histories (env.py picks one per database) never meet in one upgrade.
            mine = project.history_of(Path(rev.path))
            group = [h for h in group if project.history_of(Path(ctx.graph.revisions[h].path)) == mine]
            if len(group) < 2:
                continue
            others = ", ".join(h for h in group if h != rid)
            labels = sorted(ctx.graph.labels.get(rid, ()))
            target = f"'{labels[0]}@head'" if labels else "'head'"
            related = tuple(
                (other.path, other.revision.span, f"other head {h}")
                for h in group
                if h != rid and (other := ctx.graph.revisions[h]).revision is not None
            )
            fix = self._rebase(rev, group, ctx)
            rebase = ""
            if fix is not None:
                onto = str(fix.params["onto"])
                rebase = f" Or, as it is yours alone, rebase it: {ctx.wording.rebase(rid, onto[:12])}."
            yield self.finding(
                rev,
                rev.revision.span,
                f"Multiple heads: {rid} and {others}. `alembic upgrade {target.strip(chr(39))}` fails with "
                f'"Multiple head revisions are present for given argument {target}". Merge them '
                f"({ctx.wording.merge_heads_command}) or, per the rule book, delete your "
                f"revision, pull, {ctx.wording.upgrade_head_command} and regenerate it.{rebase}",
                fix,
                related=related,
            )

    def _rebase(self, rev: RevisionFile, group: list[str], ctx: CheckContext) -> Fix | None:
        """Two heads, this one the user's own: put it after the other, for one head again."""
        rid = rev.revision_id
        if rid is None or len(group) != 2 or rid not in own_revisions(ctx, group):
            return None
        (onto,) = (h for h in group if h != rid)
        return rebase_fix(rev, onto)

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path

from alembic_ls.analysis.graph import RevisionGraph
from alembic_ls.analysis.revision_file import RefKind, RevisionFile
from alembic_ls.fixes.headers import ReplaceText
from alembic_ls.rules.base import CheckContext, Finding, Fix, Rule, Severity


def nearest_revision(graph: RevisionGraph, missing: str) -> tuple[str, bool] | None:
    """(candidate id, unambiguous) for a mistyped reference: file name, id prefix, or close match."""
    for rid, rev in graph.revisions.items():
        stem = Path(rev.path).stem
        if stem in (missing, Path(missing).stem) or stem.startswith(missing + "_"):
            return rid, True
    prefixed = [rid for rid in graph.revisions if rid.startswith(missing) or missing.startswith(rid)]
    if len(prefixed) == 1:
        return prefixed[0], True
    close = difflib.get_close_matches(missing, list(graph.revisions), n=2, cutoff=0.6)
    if close:
        return close[0], False
    return None


class MissingDownRevision(Rule):
    code = "AM302"
    name = "missing-down-revision"
    severity = Severity.ERROR
    summary = "down_revision (or depends_on) names a revision that does not exist."
    fix_summary = "nearest candidate"
    fixable = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        rid = rev.revision_id
        if rid is None or not ctx.is_loaded(rev):
            return
        missing = {(m.missing, m.kind) for m in ctx.graph.missing if m.revision == rid}
        if not missing:
            return
        for ref in rev.id_refs:
            kind = {RefKind.DOWN_REVISION: "down_revision", RefKind.DEPENDS_ON: "depends_on"}.get(ref.kind)
            if kind is None or (ref.value, kind) not in missing:
                continue
            message = (
                f"{kind} names revision '{ref.value}', which does not exist in "
                f"{ctx.relpath(str(ctx.index.project.script_location))}; Alembic would stop with a bare "
                f"KeyError: '{ref.value}'."
            )
            fix = None
            candidate = nearest_revision(ctx.graph, ref.value)
            if candidate is not None:
                target, certain = candidate
                message += f" Did you mean '{target}'?"
                span = ref.span
                # A header saying the same wrong id is corrected with it, or AM306 would follow.
                header_refs = [
                    {"line": r.span.line, "col": r.span.col, "end_col": r.span.end_col}
                    for r in rev.id_refs
                    if r.kind is RefKind.REVISES_HEADER and r.value == ref.value
                ]
                fix = Fix(
                    f"Replace with '{target}'",
                    ReplaceText(
                        span.line, span.col + 1, span.end_col - 1, ref.value, target, tuple(header_refs)
                    ),
                    safe=certain,
                )
            yield self.finding(rev, ref.span, message, fix)

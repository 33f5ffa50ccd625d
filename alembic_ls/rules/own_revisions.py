"""Which revisions are the user's own, so that rewriting their down_revision (a rebase) hurts nobody.

Own: not at the git base (alembic_ls.git_base: new, uncommitted, or committed on this branch only)
and, when the editor knows the database's position, not applied to it. Outside git nothing says
who wrote what; the newest of the candidates by its header's Create Date (then by file time) is
taken as the one just written, and only when that is unambiguous.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.rules.base import CheckContext, Fix


def own_revisions(ctx: CheckContext, candidates: Sequence[str]) -> frozenset[str]:
    """The candidates (revision ids) a rebase may rewrite."""
    applied = ctx.applied_revisions() or frozenset()
    shared = ctx.shared_revisions(candidates)
    if shared is None:
        newest = _newest(ctx, candidates)
        mine = {newest} if newest is not None else set()
    else:
        mine = set(candidates) - shared
    return frozenset(mine - applied)


def _newest(ctx: CheckContext, candidates: Sequence[str]) -> str | None:
    dated = [(_when(rev), rid) for rid in candidates if (rev := ctx.graph.revisions.get(rid)) is not None]
    if len(dated) < 2:
        return None
    dated.sort(reverse=True)
    return dated[0][1] if dated[0][0] != dated[1][0] else None


def _when(rev: RevisionFile) -> tuple[str, int]:
    # Alembic writes Create Date as `2024-01-02 10:11:12.123456`, which sorts as text.
    created = rev.header.create_date if rev.header is not None and rev.header.create_date else ""
    try:
        modified = os.stat(rev.path).st_mtime_ns
    except OSError:
        modified = 0
    return created, modified


def rebase_fix(rev: RevisionFile, onto: str) -> Fix | None:
    """The fix "Rebase onto ONTO" for a revision with one literal parent (or none); None for anything else."""
    down = rev.down_revision
    if down is None or down.values is None or len(down.values) > 1 or rev.parse_error is not None:
        return None
    return Fix(
        f"Rebase onto {onto[:12]} (rewrite down_revision)",
        "rebase",
        safe=False,  # rewrites history: a person decides, after checking both revisions' changes
        params={"onto": onto, "from": list(down.values)},
    )

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
from alembic_ls.fixes.rebase import Rebase
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
    revs = [(rid, rev) for rid in candidates if (rev := ctx.graph.revisions.get(rid)) is not None]
    if len(revs) < 2:
        return None
    # Dates compare only when every file has one; a file without a header falls back to file times.
    dated = all(_created(rev) for _rid, rev in revs)
    ranked = sorted((((_created(rev) if dated else ""), _modified(rev)), rid) for rid, rev in revs)
    return ranked[-1][1] if ranked[-1][0] != ranked[-2][0] else None


def _created(rev: RevisionFile) -> str:
    # Alembic writes Create Date as `2024-01-02 10:11:12.123456`, which sorts as text.
    return rev.header.create_date if rev.header is not None and rev.header.create_date else ""


def _modified(rev: RevisionFile) -> int:
    try:
        return os.stat(rev.path).st_mtime_ns
    except OSError:
        return 0


def rebase_fix(rev: RevisionFile, onto: str) -> Fix | None:
    """The fix "Rebase onto ONTO" for a revision with one literal parent (or none); None for anything else."""
    down = rev.down_revision
    if down is None or down.values is None or len(down.values) > 1 or rev.parse_error is not None:
        return None
    return Fix(
        f"Rebase onto {onto[:12]} (rewrite down_revision)",
        Rebase(onto, tuple(down.values)),
        safe=False,  # rewrites history: a person decides, after checking both revisions' changes
    )

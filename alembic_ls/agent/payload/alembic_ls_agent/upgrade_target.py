"""`upgrade` only moves forward: a target behind the database is said to be so, before Alembic runs.

Alembic answers `upgrade -1` with "Relative revision -1 didn't produce 1 migrations" (raised under env.py,
so it looked like env.py's fault) and `upgrade base` or an applied ancestor with nothing at all.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import BadTarget

_BACKWARDS = re.compile(r"^-\d+$")
_RELATIVE_OR_BRANCH = re.compile(r"[@+]|-\d+$")


def _go_back(target: str) -> str:
    return f"to go back, use downgrade {target} (it asks first: it can drop data)"


def check(script: Any, target: str, current: tuple[str, ...]) -> None:
    """Raise BadTarget when `target` is behind the database at `current` (its alembic_version)."""
    at = [c for c in current if c]
    if target == "base" and not at:
        return  # already there: Alembic says so
    if target == "base" or _BACKWARDS.match(target):
        step = "base is below every revision" if target == "base" else f"`{target}` is a step back"
        raise BadTarget(f"{step}, and upgrade only moves forward ({_go_back(target)})")
    if target in ("head", "heads") or _RELATIVE_OR_BRANCH.search(target):
        return  # Alembic resolves these against the database itself
    try:
        wanted = [r.revision for r in script.get_revisions(target) if r is not None]
    except Exception:  # unknown or ambiguous: Alembic's own message says which
        return
    applied: set[str] = set()
    for head in at:
        applied.update(s.revision for s in script.iterate_revisions(head, "base"))
    if wanted and all(w in applied for w in wanted) and not all(w in at for w in wanted):
        now = ", ".join(c[:12] for c in at)
        raise BadTarget(
            f"{wanted[0][:12]} is older than the database's revision ({now}), which already includes it, "
            f"and upgrade only moves forward ({_go_back(target)})"
        )

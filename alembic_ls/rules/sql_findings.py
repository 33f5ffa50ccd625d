"""How the lock rules report what SQL text does: one finding per `op.execute` call, however many
statements it runs (indico re-creates twenty CHECK constraints in one call)."""

from __future__ import annotations

from collections.abc import Iterable

from alembic_ls.analysis.revision_file import SqlCall
from alembic_ls.analysis.sql_statements import SqlAction


def per_call(pairs: Iterable[tuple[SqlCall, SqlAction]]) -> list[tuple[SqlCall, list[SqlAction]]]:
    """The actions grouped by the call that runs them, in the order the calls appear."""
    grouped: dict[int, tuple[SqlCall, list[SqlAction]]] = {}
    for call, action in pairs:
        grouped.setdefault(id(call), (call, []))[1].append(action)
    return list(grouped.values())


def listed(names: list[str], limit: int = 3) -> str:
    """`a`, `b` and `c`; `a`, `b`, `c` and 4 more."""
    shown = [f"`{name}`" for name in dict.fromkeys(names)]
    if len(shown) > limit:
        rest = len(shown) - limit
        shown = [*shown[:limit], f"{rest} more"]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def named(kind: str, name: str | None) -> str:
    """How a message names what SQL text creates: constraint `ck_a`; an unnamed constraint."""
    return f"{kind} `{name}`" if name is not None else f"an unnamed {kind}"

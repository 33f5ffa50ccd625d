"""What the trace rules read: the records `alembic-ls trace` made for one revision file, and where
in the file each one points (its op call's line)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from alembic_ls.analysis.revision_file import RevisionFile, Span
from alembic_ls.rules.base import CheckContext, call_head_span


def traced_records(rev: RevisionFile, ctx: CheckContext) -> Sequence[Mapping[str, Any]]:
    """The file's records (keyed by real path: the agent reports the files Alembic loaded)."""
    return (ctx.traced.get(os.path.realpath(rev.path)) or ()) if ctx.traced else ()


def statements(rev: RevisionFile, ctx: CheckContext) -> Iterator[tuple[Mapping[str, Any], Span]]:
    """Each traced statement with the span of the op call it came from (its line when none matches)."""
    for record in traced_records(rev, ctx):
        line = record.get("line")
        if "not_traced" in record or not isinstance(line, int):
            continue
        op = next((o for o in rev.ops if o.span.line == line - 1), None)
        span = call_head_span(op.span, f"{op.receiver}.{op.name}") if op else Span(line - 1, 0, line - 1, 0)
        yield record, span

"""AM101 hand-written-revision: schema operations with no autogenerate markers.

A missing marker is evidence only where markers are the habit, and only when the calls do not read
exactly as autogenerate renders them (then the markers were taken out of its output). More shapes
say nothing and stay quiet, because hand-writing was the only way: a revision whose every operation
is one autogenerate never writes (a rename, a check constraint, a call under an inspector check or
a dialect branch: see autogenerate_output), a data migration (it rewrites existing rows), a
project whose env.py gives autogenerate no MetaData (env_metadata); and a revision whose nearest
neighbours in the graph carry no markers either (the team strips them, or writes every revision by
hand as a rule).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from pathlib import Path

from alembic_ls.analysis.op_catalog import SCHEMA_OPS
from alembic_ls.analysis.revision_file import MarkerKind, OpCall, RevisionFile
from alembic_ls.env_metadata import offers_no_metadata
from alembic_ls.rules.autogenerate_output import autogenerate_writes, rendered_by_autogenerate
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity, call_head_span
from alembic_ls.rules.data_revision import rewrites_existing_rows

# How much history the habit is read from: the nearest revisions that change the schema.
HABIT_WINDOW = 10
# Fewer neighbours than this with schema changes: too young a history to have a habit.
HABIT_MINIMUM = 3


def _schema_ops(rev: RevisionFile) -> list[OpCall]:
    return [o for o in rev.ops if o.name in SCHEMA_OPS and o.function in ("upgrade", "downgrade")]


def history_keeps_markers(rev: RevisionFile, ctx: CheckContext) -> bool:
    """Do the revisions nearest to this one in the graph (ancestors and descendants, the closest
    first) that change the schema carry markers, any of them? True too when there are too few to
    tell: a young history is held to the rule book."""
    graph = ctx.graph
    start = rev.revision_id
    if start is None or start not in graph.revisions:
        return True
    seen = {start}
    frontier = deque([*graph.parents(start), *graph.children[start]])
    changing = 0
    while frontier and changing < HABIT_WINDOW:
        rid = frontier.popleft()
        if rid in seen or rid not in graph.revisions:
            continue
        seen.add(rid)
        frontier.extend(graph.parents(rid))
        frontier.extend(graph.children[rid])
        neighbour = graph.revisions[rid]
        if not _schema_ops(neighbour):
            continue
        if any(marker.kind is MarkerKind.START for marker in neighbour.markers):
            return True  # an opening marker: a stray end marker alone is left from the template

        changing += 1
    return changing < HABIT_MINIMUM


class HandWrittenRevision(Rule):
    code = "AM101"
    name = "hand-written-revision"
    severity = Severity.WARNING
    summary = "Schema operations with no autogenerate markers: the revision was written by hand."
    fix_summary = "regenerate (command)"

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision or rev.has_markers:
            return
        writable = [o for o in _schema_ops(rev) if autogenerate_writes(o, rev)]
        if not writable or not history_keeps_markers(rev, ctx):
            return
        if rewrites_existing_rows(rev):
            return  # a data migration: the one kind of revision the rule book lets a person write
        if offers_no_metadata(Path(ctx.index.project.script_location) / "env.py"):
            return  # Alembic refuses --autogenerate here: writing by hand is the only way
        by_hand = [o for o in writable if not rendered_by_autogenerate(o)]
        if not by_hand:
            return  # Alembic's output with the markers taken out: nothing says a person wrote it
        first = by_hand[0]  # the call that shows a hand: autogenerate would have written it otherwise
        message = rev.message or "<same message>"
        if rev.revision_id is not None and ctx.graph.children.get(rev.revision_id):
            advice = (
                "Later revisions build on it, so it stays; the next one should come from "
                f"{ctx.wording.generate(message)}."
            )
        else:
            advice = (
                f"Regenerate it: delete this file, {ctx.wording.upgrade_head_command}, "
                f"then {ctx.wording.generate(message)}."
            )
        yield self.finding(
            rev,
            call_head_span(first.span, f"{first.receiver}.{first.name}"),
            "Schema changes written by hand (no autogenerate markers). The rule book: "
            f'"ALWAYS use --autogenerate". {advice}',
        )

"""The graph facts Alembic and alembic-ls must agree on, read from each side the same way."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from alembic_ls.analysis.graph import RevisionGraph


@dataclass(frozen=True)
class GraphFacts:
    heads: frozenset[str]
    bases: frozenset[str]
    branch_points: frozenset[str]
    merge_points: frozenset[str]
    children: dict[str, frozenset[str]]
    labels: dict[str, frozenset[str]]  # every label a revision carries, inherited ones included


def alembic_facts(ini: Path) -> GraphFacts:
    """What Alembic's own ScriptDirectory says (it executes every revision file)."""
    script = ScriptDirectory.from_config(Config(str(ini)))
    scripts = list(script.walk_revisions(base="base", head="heads"))
    return GraphFacts(
        heads=frozenset(script.get_heads()),
        bases=frozenset(script.get_bases()),
        branch_points=frozenset(s.revision for s in scripts if s.is_branch_point),
        merge_points=frozenset(s.revision for s in scripts if s.is_merge_point),
        children={s.revision: frozenset(s.nextrev) for s in scripts},
        labels={s.revision: frozenset(s.branch_labels) for s in scripts},
    )


def our_facts(graph: RevisionGraph) -> GraphFacts:
    return GraphFacts(
        heads=frozenset(graph.heads),
        bases=frozenset(graph.bases),
        branch_points=frozenset(graph.branch_points),
        merge_points=frozenset(rid for rid in graph.revisions if graph.is_merge_point(rid)),
        children={rid: frozenset(kids) for rid, kids in graph.children.items()},
        labels={rid: graph.labels[rid] for rid in graph.revisions},
    )

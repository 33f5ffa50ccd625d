"""What the picture shows: revisions, parent edges, labels, heads/merges, findings, database state."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from alembic_ls.analysis.graph import RevisionGraph
from alembic_ls.rules.base import Finding, Severity

SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO, Severity.HINT)
MIN_COLLAPSE = 4  # linear runs shorter than this are drawn in full


@dataclass
class Node:
    id: str
    label: str  # short id + message, or "… N revisions"
    message: str = ""
    path: str | None = None
    line: int = 0
    branch_labels: list[str] = field(default_factory=list)
    head: bool = False
    base: bool = False
    merge: bool = False
    branch_point: bool = False
    missing: bool = False  # named as a parent but no file declares it
    severity: str | None = None  # worst finding on the revision
    codes: list[str] = field(default_factory=list)
    applied: bool | None = None  # None: database state unknown
    current: bool = False
    collapsed: list[str] = field(default_factory=list)  # ids folded into this node


@dataclass
class GraphModel:
    nodes: list[Node]
    edges: list[tuple[str, str]]  # (child, parent)

    def to_json(self) -> dict[str, Any]:
        return {"nodes": [asdict(n) for n in self.nodes], "edges": [list(e) for e in self.edges]}


def _worst(findings: Sequence[Finding]) -> str | None:
    for severity in SEVERITY_ORDER:
        if any(f.severity is severity for f in findings):
            return severity.value
    return None


def build_model(
    graph: RevisionGraph,
    findings: Mapping[str, Sequence[Finding]] | None = None,
    current: Sequence[str] | None = None,
    since: str | None = None,
    full: bool = False,
) -> GraphModel:
    """Nodes and edges for the graph; `current` (database heads) marks applied revisions."""
    findings = findings or {}
    applied: set[str] | None = None
    if current is not None:
        applied = set(current)
        for rid in current:
            applied |= graph.ancestors(rid)
    wanted = set(graph.revisions)
    if since is not None:
        root = _resolve(graph, since)
        wanted = graph.descendants(root) | {root}
    nodes: dict[str, Node] = {}
    edges: list[tuple[str, str]] = []
    for rid in sorted(wanted):
        rev = graph.revisions[rid]
        rev_findings = findings.get(rev.path, ())
        message = rev.message or ""
        nodes[rid] = Node(
            id=rid,
            label=f"{rid[:12]} {message}".strip(),
            message=message,
            path=rev.path,
            line=rev.revision.span.line if rev.revision else 0,
            branch_labels=sorted(rev.labels),
            head=rid in graph.heads,
            base=rid in graph.bases,
            merge=graph.is_merge_point(rid),
            branch_point=graph.is_branch_point(rid),
            severity=_worst(rev_findings),
            codes=sorted({f.code for f in rev_findings}),
            applied=None if applied is None else rid in applied,
            current=current is not None and rid in current,
        )
        for parent in rev.parents:
            if parent in wanted:
                edges.append((rid, parent))
            elif parent not in graph.revisions:
                nodes.setdefault(
                    parent, Node(id=parent, label=f"{parent} (missing)", missing=True, severity="error")
                )
                edges.append((rid, parent))
    model = GraphModel(list(nodes.values()), edges)
    return model if full else collapse_linear_runs(model)


def _resolve(graph: RevisionGraph, rid: str) -> str:
    if rid in graph.revisions:
        return rid
    matches = [r for r in graph.revisions if r.startswith(rid)]
    if len(matches) != 1:
        raise KeyError(f"no single revision matches {rid!r}")
    return matches[0]


def _plain(node: Node) -> bool:
    """A node a reader does not need to see on its own."""
    return not (
        node.head
        or node.base
        or node.merge
        or node.branch_point
        or node.missing
        or node.branch_labels
        or node.severity
        or node.current
    )


def collapse_linear_runs(model: GraphModel) -> GraphModel:
    parents: dict[str, list[str]] = {n.id: [] for n in model.nodes}
    children: dict[str, list[str]] = {n.id: [] for n in model.nodes}
    for child, parent in model.edges:
        parents[child].append(parent)
        children[parent].append(child)
    by_id = {n.id: n for n in model.nodes}

    def foldable(rid: str) -> bool:
        return _plain(by_id[rid]) and len(parents[rid]) == 1 and len(children[rid]) == 1

    def joins(rid: str, run_start: str) -> bool:
        # A run never mixes applied and unapplied revisions: that boundary is worth seeing.
        return foldable(rid) and rid not in seen and by_id[rid].applied == by_id[run_start].applied

    folded: dict[str, str] = {}  # member -> representative
    seen: set[str] = set()
    for node in model.nodes:
        rid = node.id
        if rid in seen or not foldable(rid):
            continue
        # Walk to the top of the run, then collect it downwards.
        top = rid
        while joins(children[top][0], rid) and children[top][0] != rid:
            top = children[top][0]
        run = [top]
        seen.add(top)
        while joins(parents[run[-1]][0], rid):
            run.append(parents[run[-1]][0])
            seen.add(run[-1])
        if len(run) < MIN_COLLAPSE:
            continue
        representative = run[0]
        by_id[representative] = Node(
            id=representative,
            label=f"… {len(run)} revisions ({run[-1][:8]} → {run[0][:8]})",
            message=f"{len(run)} linear revisions",
            path=by_id[run[0]].path,
            line=by_id[run[0]].line,
            applied=by_id[run[0]].applied,
            collapsed=list(run),
        )
        for member in run[1:]:
            folded[member] = representative
    nodes = [by_id[n.id] for n in model.nodes if n.id not in folded]
    edges: list[tuple[str, str]] = []
    for child, parent in model.edges:
        child, parent = folded.get(child, child), folded.get(parent, parent)
        if child != parent and (child, parent) not in edges:
            edges.append((child, parent))
    return GraphModel(nodes, edges)


def display_name(path: str | None) -> str:
    return Path(path).name if path else ""

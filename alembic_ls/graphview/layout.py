"""Lane layout, as `git log --graph` draws history: one row per revision, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from alembic_ls.graphview.model import GraphModel


@dataclass(frozen=True)
class Placed:
    row: int
    lane: int


def topological_rows(model: GraphModel) -> list[str]:
    """Children before parents; revisions in a cycle are appended at the end so nothing is lost."""
    parents: dict[str, list[str]] = {n.id: [] for n in model.nodes}
    pending_children: dict[str, int] = {n.id: 0 for n in model.nodes}
    for child, parent in model.edges:
        parents[child].append(parent)
        pending_children[parent] += 1
    ready = sorted((rid for rid, count in pending_children.items() if count == 0), reverse=True)
    order: list[str] = []
    while ready:
        rid = ready.pop()
        order.append(rid)
        for parent in parents[rid]:
            pending_children[parent] -= 1
            if pending_children[parent] == 0:
                ready.append(parent)
    placed = set(order)
    order.extend(sorted(rid for rid in parents if rid not in placed))
    return order


def assign_lanes(model: GraphModel) -> dict[str, Placed]:
    return lanes_and_edges(model)[0]


def lanes_and_edges(model: GraphModel) -> tuple[dict[str, Placed], list[set[int]]]:
    """Placement of every revision, and for each row the lanes an edge passes through."""
    parents: dict[str, list[str]] = {n.id: [] for n in model.nodes}
    for child, parent in model.edges:
        parents[child].append(parent)
    lanes: list[str | None] = []
    placed: dict[str, Placed] = {}
    passing: list[set[int]] = []
    for row, rid in enumerate(topological_rows(model)):
        passing.append({i for i, waiting in enumerate(lanes) if waiting is not None and waiting != rid})
        if rid in lanes:
            lane = lanes.index(rid)
            # Other lanes waiting for this revision converge here: free them.
            lanes[:] = [None if (i != lane and w == rid) else w for i, w in enumerate(lanes)]
        else:
            lane = lanes.index(None) if None in lanes else len(lanes)
            if lane == len(lanes):
                lanes.append(None)
        placed[rid] = Placed(row, lane)
        own_parents = [p for p in parents[rid] if p not in placed]
        lanes[lane] = own_parents[0] if own_parents else None
        for extra in own_parents[1:]:
            if extra in lanes:
                continue
            free = lanes.index(None) if None in lanes else len(lanes)
            if free == len(lanes):
                lanes.append(extra)
            else:
                lanes[free] = extra
        while lanes and lanes[-1] is None:
            lanes.pop()
    return placed, passing

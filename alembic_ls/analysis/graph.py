"""The revision graph, with Alembic's semantics, built from static summaries.

Heads are revisions no other revision names in `down_revision` (depends_on does not count), bases
have `down_revision = None`, branch labels flow to descendants and up to the nearest branch or
merge point (as `RevisionMap._add_branches` does). Unlike Alembic, a missing parent or a cycle is
recorded, not raised, so every other fact about the graph stays available.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from alembic_ls.analysis.revision_file import RevisionFile


@dataclass(frozen=True, slots=True)
class MissingReference:
    revision: str  # the revision whose file names the missing id
    missing: str
    kind: str  # "down_revision" | "depends_on"


class RevisionGraph:
    def __init__(self, files: Iterable[RevisionFile]) -> None:
        self.by_id: dict[str, list[RevisionFile]] = {}
        for rev in sorted(files, key=lambda r: r.path):
            rid = rev.revision_id
            if rid is not None:
                self.by_id.setdefault(rid, []).append(rev)
        # Alembic keeps the last file it loads for a duplicated id; any one will do for edges.
        self.revisions: dict[str, RevisionFile] = {k: v[-1] for k, v in self.by_id.items()}
        self.children: dict[str, list[str]] = {rid: [] for rid in self.revisions}
        self.dependents: dict[str, list[str]] = {rid: [] for rid in self.revisions}
        self.missing: list[MissingReference] = []
        self.label_owner: dict[str, str] = {}
        for rid, rev in self.revisions.items():
            for label in rev.labels:
                self.label_owner.setdefault(label, rid)
        for rid, rev in self.revisions.items():
            for parent in rev.parents:
                if parent in self.children:
                    self.children[parent].append(rid)
                else:
                    self.missing.append(MissingReference(rid, parent, "down_revision"))
            for dep in rev.dependencies:
                target = dep if dep in self.revisions else self.label_owner.get(dep)
                if target is not None:
                    self.dependents[target].append(rid)
                else:
                    self.missing.append(MissingReference(rid, dep, "depends_on"))
        self.heads: tuple[str, ...] = tuple(sorted(rid for rid, kids in self.children.items() if not kids))
        self.bases: tuple[str, ...] = tuple(
            sorted(
                rid
                for rid, rev in self.revisions.items()
                if rev.down_revision is not None and rev.down_revision.values == ()
            )
        )
        self.cycles: list[list[str]] = _cycles(self.revisions)
        self.in_cycle: set[str] = {rid for cycle in self.cycles for rid in cycle}
        self.labels: dict[str, frozenset[str]] = self._inherited_labels()

    # -- queries ------------------------------------------------------------------------------

    def parents(self, rid: str) -> tuple[str, ...]:
        rev = self.revisions.get(rid)
        return rev.parents if rev else ()

    def is_branch_point(self, rid: str) -> bool:
        return len(self.children.get(rid, ())) > 1

    def is_merge_point(self, rid: str) -> bool:
        return len(self.parents(rid)) > 1

    @property
    def branch_points(self) -> tuple[str, ...]:
        return tuple(sorted(rid for rid in self.revisions if self.is_branch_point(rid)))

    def ancestors(self, rid: str) -> set[str]:
        """All revisions reachable through down_revision (not including `rid`)."""
        seen: set[str] = set()
        stack = list(self.parents(rid))
        while stack:
            current = stack.pop()
            if current in seen or current not in self.revisions:
                continue
            seen.add(current)
            stack.extend(self.parents(current))
        return seen

    def descendants(self, rid: str) -> set[str]:
        seen: set[str] = set()
        stack = list(self.children.get(rid, ()))
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            stack.extend(self.children.get(current, ()))
        return seen

    def head_groups(self) -> list[list[str]]:
        """Heads that `alembic upgrade <label>@head` (or plain `head`) cannot tell apart."""
        groups: dict[frozenset[str], list[str]] = {}
        for head in self.heads:
            groups.setdefault(self.labels.get(head, frozenset()), []).append(head)
        return [sorted(g) for g in groups.values() if len(g) > 1]

    # -- construction -------------------------------------------------------------------------

    def _inherited_labels(self) -> dict[str, frozenset[str]]:
        """Alembic's `RevisionMap._add_branches`: a label goes to its revision and every
        descendant; and up through the ancestors only when the labelled revision's descendants
        form one unbroken line, since Alembic climbs from the last descendant it visited and stops
        at the first branch point (counting depends_on) or merge point on the way up."""
        labels: dict[str, set[str]] = {rid: set() for rid in self.revisions}
        for rid, rev in self.revisions.items():
            if not rev.labels:
                continue
            own = set(rev.labels)
            labels[rid] |= own
            for descendant in self.descendants(rid):
                labels[descendant] |= own
            if not self._unbroken_line_below(rid):
                continue
            parent = rid
            seen = {rid}
            while True:
                parents = self.parents(parent)
                if len(parents) != 1 or parents[0] not in self.revisions or parents[0] in seen:
                    break
                parent = parents[0]
                seen.add(parent)
                if self._is_real_branch_point(parent) or self.is_merge_point(parent):
                    break
                labels[parent] |= own
        return {rid: frozenset(v) for rid, v in labels.items()}

    def _is_real_branch_point(self, rid: str) -> bool:
        return len({*self.children[rid], *self.dependents[rid]}) > 1

    def _unbroken_line_below(self, rid: str) -> bool:
        """`rid` and its descendants are a single line with no branch or merge point."""
        current, seen = rid, set()
        while current not in seen:
            seen.add(current)
            if self._is_real_branch_point(current) or self.is_merge_point(current):
                return False
            children = self.children[current]
            if not children:
                return True
            current = children[0]
        return False  # a cycle


def _cycles(revisions: Mapping[str, RevisionFile]) -> list[list[str]]:
    """Strongly connected components with a cycle (iterative Tarjan over down_revision edges)."""
    index_of: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for start in revisions:
        if start in index_of:
            continue
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, edge = work.pop()
            if edge == 0:
                index_of[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            parents = [p for p in revisions[node].parents if p in revisions]
            if edge < len(parents):
                work.append((node, edge + 1))
                nxt = parents[edge]
                if nxt not in index_of:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index_of[nxt])
                continue
            if low[node] == index_of[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in revisions[node].parents:
                    result.append(sorted(component))
            if work:
                caller = work[-1][0]
                low[caller] = min(low[caller], low[node])
    return result

"""What checking one file read beyond the file: the facts its cached findings depend on.

The rules checking a revision also look at the graph around it: its parents' schema, its
neighbours' markers, its children, the heads, the labels. While `recording()` is open, the graph the
rules are given (`RecordingGraph`) notes every fact it answers, as `(kind, key)` pairs; the findings
cache (alembic_ls.findings_cache) stores them with their values and reuses the findings only while
each fact still has its value. Reads through a whole history (a revision's schema state, the
nearest ancestor that says something) are noted once, as the `history` of the revision they start
from, instead of once per ancestor.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from alembic_ls.analysis.graph import RevisionGraph
from alembic_ls.analysis.revision_file import RevisionFile

Fact = tuple[str, str]  # (kind, key); the key is "" for a fact about the whole graph

FILE = "file"  # the revision file an id names (its path, mtime and size), or that there is none
PATH = "path"  # the loaded file at a path, or that there is none
ALL = "all"  # every loaded file: something iterated over them all
HISTORY = "history"  # a revision and everything before it (parents and depends_on, transitively)

_log: set[Fact] | None = None


@contextmanager
def recording() -> Iterator[set[Fact]]:
    """Collect the facts noted until the block ends (one file's check at a time)."""
    global _log
    outer, facts = _log, set[Fact]()
    _log = facts
    try:
        yield facts
    finally:
        _log = outer
        if outer is not None:
            outer |= facts


def note(kind: str, key: str = "") -> None:
    if _log is not None:
        _log.add((kind, key))


def note_history(rid: str | None) -> None:
    if _log is not None and rid is not None:
        _log.add((HISTORY, rid))


def unrecorded(graph: RevisionGraph) -> RevisionGraph:
    """The plain graph behind a recording one: a reader that notes what it reads as a history
    walks this one, so that a walk over a thousand ancestors is not a thousand facts."""
    return graph.unrecorded if isinstance(graph, RecordingGraph) else graph


def history_inputs(graph: RevisionGraph, rev: RevisionFile) -> list[str]:
    """The revisions whose upgrades run right before `rev`'s: its parents and its depends_on
    targets (a label names its owner), leaving out the missing ones and those in a cycle."""
    found = [p for p in rev.parents if p in graph.revisions and p not in graph.in_cycle]
    for dependency in rev.dependencies:
        target = dependency if dependency in graph.revisions else graph.label_owner.get(dependency)
        if target is not None and target not in found and target not in graph.in_cycle:
            found.append(target)
    return found


_V = TypeVar("_V")

# Attributes of the graph whose whole value is one fact (kind = the attribute's name).
_WHOLE_GRAPH_VALUES = frozenset(("heads", "bases", "missing"))


class _RecordedDict(dict[str, _V]):
    """A map of the graph that notes `(kind, key)` for each key read, and ALL when iterated."""

    def __init__(self, source: Mapping[str, _V], kind: str) -> None:
        super().__init__(source)
        self._kind = kind

    def __getitem__(self, key: str) -> _V:
        note(self._kind, key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        note(self._kind, key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        note(self._kind, str(key))
        return super().__contains__(key)

    def __iter__(self) -> Iterator[str]:
        note(ALL)
        return super().__iter__()

    def __len__(self) -> int:
        note(ALL)
        return super().__len__()

    def keys(self) -> Any:
        note(ALL)
        return super().keys()

    def values(self) -> Any:
        note(ALL)
        return super().values()

    def items(self) -> Any:
        note(ALL)
        return super().items()


class RecordingGraph(RevisionGraph):
    """`graph` as the rules see it while their reads are recorded (the facts: see module doc).

    The graph must have no cycle: what a cycle does to a history is not a recorded fact, so a graph
    with one is never recorded (the findings cache is not used for it)."""

    def __init__(self, graph: RevisionGraph) -> None:
        if graph.cycles:
            raise ValueError("a graph with a cycle is not recorded")
        self.unrecorded = graph
        self.revisions = _RecordedDict(graph.revisions, FILE)
        self.by_id = _RecordedDict(graph.by_id, "by_id")
        self.children = _RecordedDict(graph.children, "children")
        self.dependents = _RecordedDict(graph.dependents, "dependents")
        self.labels = _RecordedDict(graph.labels, "labels")
        self.label_owner = _RecordedDict(graph.label_owner, "label_owner")
        self.cycles = graph.cycles
        self.in_cycle = graph.in_cycle  # empty: see the class doc
        # heads, bases and missing are left unset here: reading one is a fact (see __getattr__).

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes this instance lacks: the values about the whole graph, each
        # noted as read whatever the reader does with it (iterates, compares, tests membership).
        if name not in _WHOLE_GRAPH_VALUES:
            raise AttributeError(name)
        note(name)
        return getattr(self.unrecorded, name)

    def ancestors(self, rid: str) -> set[str]:
        note_history(rid)
        return self.unrecorded.ancestors(rid)

    def descendants(self, rid: str) -> set[str]:
        note("descendants", rid)
        return self.unrecorded.descendants(rid)

    def head_groups(self) -> list[list[str]]:
        note("head_groups")
        return self.unrecorded.head_groups()

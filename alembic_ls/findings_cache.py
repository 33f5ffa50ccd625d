"""The findings cache of `alembic-ls check`: a file's findings are reused while nothing they were
computed from has changed.

A file's findings depend on
- the file itself: its mtime and size, as the index cache keys it;
- the project, one key for all its files: alembic-ls's own code (the mtime and size of each of
  its source files), the settings, the configuration (its parsed form, and the files the rules read:
  env.py, script.py.mako), the revisions the baseline skips, the dialect, which pglast (if any)
  reads the SQL texts;
- the facts about the rest of the history the rules read while checking it (analysis.read_facts):
  another revision's file, a revision's whole history, a revision's children, the heads, the
  labels, what git's base holds. They are recorded as the file is checked and stored with their
  values; on the next run every stored fact is evaluated once on the new graph, and a file whose
  facts all kept their values keeps its findings.

So adding a revision re-checks what it can change (its parent, which gains a child; the files
that read the heads) and reuses the rest; editing an early revision re-checks every revision whose
history includes it. The cache is one pickle per project beside the index cache; a corrupt or
foreign one is a cold start.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from alembic_ls import __version__
from alembic_ls.analysis.graph import RevisionGraph
from alembic_ls.analysis.index import ProjectIndex
from alembic_ls.analysis.read_facts import ALL, FILE, HISTORY, PATH, Fact, recording, unrecorded
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.analysis.sql_statements import sql_reader_location
from alembic_ls.project import Project
from alembic_ls.rules.base import Finding

_LAYOUT = 1  # bump when the pickle's shape changes

Identity = tuple[str, int, int] | None  # path, mtime_ns, size; None: no such file


def _source_stamp() -> str:
    """alembic-ls's own code, by the mtime and size of every source file (cheaper than reading
    them: a check that reuses every finding must stay well under a tenth of a second)."""
    stamps: list[tuple[str, int, int]] = []
    root = os.path.dirname(os.path.abspath(__file__))
    for directory, folders, names in os.walk(root):
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        for name in sorted(names):
            if name.endswith(".py"):
                stat = os.stat(os.path.join(directory, name))
                stamps.append((name, stat.st_mtime_ns, stat.st_size))
    return hashlib.sha1(repr((__version__, stamps)).encode()).hexdigest()


def _file_identity(path: Path | None) -> Identity:
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (str(path), stat.st_mtime_ns, stat.st_size)


def _sql_reader() -> Identity:
    """Where pglast (which reads the SQL texts) is installed, stamped (an upgrade changes what it
    reads); None: absent."""
    location = sql_reader_location()
    return _file_identity(Path(location)) if location is not None else None


def project_key(
    project: Project,
    settings_repr: str,
    skipped: Iterable[str],
    dialect: str | None,
    extra: tuple[object, ...] = (),
) -> str:
    """Everything outside the revision files that a rule may read, in one key (`extra`: what a
    caller's checker reads besides, e.g. the editor's database position; each part's repr)."""
    script = project.script_location
    parts = (
        _LAYOUT,
        _source_stamp(),
        sys.version_info[:2],
        settings_repr,
        repr(project),
        sorted(skipped),
        dialect,
        _sql_reader(),
        [_file_identity(p) for p in (project.config_file, script / "env.py", script / "script.py.mako")],
        extra,
    )
    return hashlib.sha1(repr(parts).encode()).hexdigest()


class FactValues:
    """The value each recorded fact has in the index now, each computed once (histories share
    their ancestors' values, so all of them together cost one pass over the graph)."""

    def __init__(self, index: ProjectIndex, shared: Callable[[frozenset[str]], frozenset[str] | None]):
        self.index = index
        self.graph: RevisionGraph = unrecorded(index.graph)
        self._shared = shared
        self._values: dict[Fact, str] = {}
        self._histories: dict[str, str] = {}

    def identity(self, rev: RevisionFile | None) -> Identity:
        return None if rev is None else self.index.identity(rev.path)

    def of(self, fact: Fact) -> str:
        value = self._values.get(fact)
        if value is None:
            value = self._values[fact] = self._compute(*fact)
        return value

    def _compute(self, kind: str, key: str) -> str:
        graph = self.graph
        if kind == FILE:
            return repr(self.identity(graph.revisions.get(key)))
        if kind == HISTORY:
            return self._history(key)
        if kind == PATH:
            return repr((key in self.index.files, self.identity(self.index.get(key))))
        if kind == ALL:
            return _digest(sorted((p, self.index.identity(p)) for p in self.index.files))
        if kind == "strays":
            return _digest(sorted((p, self.index.identity(p)) for p in self.index.stray))
        if kind == "by_id":
            return repr([self.identity(rev) for rev in graph.by_id.get(key, ())])
        if kind in ("children", "dependents", "labels", "label_owner"):
            found = getattr(graph, kind).get(key)
            return repr(sorted(found) if isinstance(found, frozenset) else found)
        if kind in ("heads", "bases"):
            return repr(getattr(graph, kind))
        if kind == "missing":
            return repr([(m.revision, m.missing, m.kind) for m in graph.missing])
        if kind == "descendants":
            return _digest(sorted(graph.descendants(key)))
        if kind == "head_groups":
            return repr(graph.head_groups())
        if kind == "shared":
            answer = self._shared(frozenset(key.split(",")))
            return repr(None if answer is None else sorted(answer))
        return f"unknown fact {kind}"  # never equal to a stored value: the file is re-checked

    def _history(self, name: str) -> str:
        """A revision, its file and everything before it (parents and depends_on, transitively,
        missing ones included: they may appear), as one digest."""
        graph = self.graph
        start = name if name in graph.revisions else graph.label_owner.get(name)
        if start is None:
            return "absent"
        memo = self._histories
        stack, visiting = [start], set()
        while stack:
            current = stack[-1]
            if current in memo:
                stack.pop()
                continue
            visiting.add(current)
            rev = graph.revisions[current]
            names = (*rev.parents, *rev.dependencies)
            inputs = [n if n in graph.revisions else graph.label_owner.get(n) for n in names]
            pending = [r for r in inputs if r is not None and r not in memo and r not in visiting]
            if pending:
                stack.extend(pending)
                continue
            earlier = [memo.get(r, "cycle") if r is not None else "absent" for r in inputs]
            memo[current] = _digest((self.identity(rev), names, earlier))
            visiting.discard(current)
            stack.pop()
        return memo[start]


def _digest(value: object) -> str:
    return hashlib.sha1(repr(value).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class CachedFile:
    identity: Identity
    facts: frozenset[Fact]
    findings: tuple[Finding, ...]
    unread_sql: int  # SQL texts pglast was needed for and missing (the check's note)

    @classmethod
    def of(
        cls, rev: RevisionFile, findings: list[Finding], facts: frozenset[Fact], identity: Identity
    ) -> CachedFile:
        unread = sum(1 for call in rev.sql_calls if call.sql and not call.sql_partial)
        return cls(identity, facts, tuple(findings), unread)

    @classmethod
    def recorded(
        cls, check: Callable[[RevisionFile], list[Finding]], rev: RevisionFile, identity: Identity
    ) -> CachedFile:
        """`check(rev)`, with the facts its rules read beyond the file, as the recording graph the
        caller put in the index notes them."""
        with recording() as facts:
            findings = check(rev)
        return cls.of(rev, findings, frozenset(facts), identity)


class FindingsCache:
    """One project's cached findings: `reusable` tells which still hold, `store` adds fresh ones,
    `save` writes them all (the reused ones too, so the file never loses an unchanged entry).

    `flavour` names a file of its own for a checker whose findings differ from the CLI's (the
    language server words its messages for the editor): both caches stay warm side by side
    instead of each run overwriting the other's."""

    def __init__(self, directory: Path | None, project: Project, key: str, flavour: str = "") -> None:
        name = f"{flavour}-{_name(project)}" if flavour else _name(project)
        self.path = None if directory is None else directory / f"findings-{name}.pickle"
        self.key = key
        self._stored: dict[str, CachedFile] = {}
        self._values: dict[Fact, str] = {}
        self._fresh: dict[str, CachedFile] = {}
        self._fresh_values: dict[Fact, str] = {}
        self._changed: set[Fact] = set()
        self._index: ProjectIndex | None = None
        self._load()

    def _load(self) -> None:
        if self.path is None:
            return
        try:
            with open(self.path, "rb") as handle:
                data = pickle.load(handle)
        except Exception:  # missing, corrupt or written by another version: a cold start
            return
        if not isinstance(data, dict) or data.get("key") != self.key:
            return
        entries, values = data.get("entries"), data.get("values")
        if isinstance(entries, dict) and isinstance(values, dict):
            self._stored, self._values = entries, values

    def reusable(
        self, index: ProjectIndex, values: FactValues, paths: Iterable[str]
    ) -> dict[str, CachedFile]:
        """The stored entries among `paths` whose file and every fact are as they were."""
        self._index = index
        self._changed = {fact for fact, value in self._values.items() if values.of(fact) != value}
        reused: dict[str, CachedFile] = {}
        for path in paths:
            entry = self._stored.get(path)
            if entry is not None and self._holds(path, entry):
                reused[path] = entry
                self._keep(path, entry, values)
        return reused

    def _holds(self, path: str, entry: CachedFile) -> bool:
        if self._index is None:  # `reusable` has not compared the facts: nothing is known to hold
            return False
        return entry.identity == self._index.identity(path) and entry.facts.isdisjoint(self._changed)

    def store(self, path: str, entry: CachedFile, values: FactValues) -> None:
        self._keep(path, entry, values)

    def _keep(self, path: str, entry: CachedFile, values: FactValues) -> None:
        self._fresh[path] = entry
        for fact in entry.facts:
            if fact not in self._fresh_values:
                self._fresh_values[fact] = values.of(fact)

    def save(self) -> None:
        """Write what this run reused and computed, and the stored entries of files it did not
        check (a check of a few named files) that still hold."""
        if self.path is None:
            return
        for path, entry in self._stored.items():
            if path not in self._fresh and self._holds(path, entry):
                self._fresh[path] = entry
                for fact in entry.facts:
                    self._fresh_values.setdefault(fact, self._values[fact])
        if self._fresh == self._stored and self._fresh_values == self._values:
            return  # nothing new: spare the write
        payload = {"key": self.key, "entries": self._fresh, "values": self._fresh_values}
        tmp: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".findings-", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            # The cache is an optimisation: a read-only home or an unpicklable fix must not
            # break the check.
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


def _name(project: Project) -> str:
    return hashlib.sha1(str(project.script_location).encode()).hexdigest()[:20]

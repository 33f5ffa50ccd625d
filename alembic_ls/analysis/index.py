"""The static index of one Alembic project: every revision file's summary plus the graph.

Summaries are cached on disk keyed by (path, mtime, size) and by a fingerprint of the analyzer's
own source, so a second start re-parses only what changed and a new analyzer never reads stale
summaries.

Speed (see bench/README.md for the targets):
- The cache file holds, per revision file, the four graph fields (revision, down_revision,
  branch_labels, depends_on) and the whole summary as separately pickled bytes. A warm start is
  a stat per file and one pickle load; a summary's other fields are unpickled the first time one
  is read (`_StoredRevisionFile`), so the graph is ready before the 400-odd objects of each
  summary exist.
- Pickling uses a dispatch table that rebuilds each frozen dataclass with one constructor call;
  the default path for slotted dataclasses calls `dataclasses.fields()` per object and is about
  ten times slower.
- A cold build with many files parses them in worker processes (the analysis is pure Python and
  CPU-bound, so threads would not help). Workers return pickled summaries, which become lazy
  summaries in this process exactly as cached ones do.
- The garbage collector is paused while a build allocates: its full passes over the growing heap
  otherwise cost more than the parsing itself.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import enum
import gc
import hashlib
import io
import multiprocessing
import operator
import os
import pickle
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic_ls.analysis import parser, prefilter, revision_file, source_text
from alembic_ls.analysis.graph import RevisionGraph
from alembic_ls.analysis.parser import parse_revision, read_revision_file
from alembic_ls.analysis.revision_file import IdentifierAssignment, RevisionFile
from alembic_ls.project import Project

# Below this many files to parse, worker processes cost more than they save (with fork; other
# start methods need four times as many). Each worker gets at least half this many files.
PARALLEL_MIN_FILES = 48
_CACHE_FORMAT = 2


def _fingerprint() -> str:
    digest = hashlib.sha1(str(_CACHE_FORMAT).encode())
    for module in (parser, prefilter, revision_file, source_text):
        with open(module.__file__ or "", "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()[:16]


ANALYZER_FINGERPRINT = _fingerprint()


def default_cache_dir() -> Path:
    configured = os.environ.get("ALEMBIC_LS_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "alembic-ls"


# -- pickling -----------------------------------------------------------------------------------


def _dispatch_table() -> dict[type, Callable[[Any], Any]]:
    table: dict[type, Callable[[Any], Any]] = dict(copyreg.dispatch_table)
    for value in vars(revision_file).values():
        if not isinstance(value, type) or value.__module__ != revision_file.__name__:
            continue
        if issubclass(value, enum.Enum):
            table[value] = _reduce_enum
        elif dataclasses.is_dataclass(value):
            fields = dataclasses.fields(value)
            if all(f.init and f.kw_only is not True for f in fields):
                table[value] = _positional_reducer(value, [f.name for f in fields])
    return table


def _positional_reducer(cls: type, names: list[str]) -> Callable[[Any], Any]:
    if len(names) == 1:
        name = names[0]
        return lambda obj: (cls, (getattr(obj, name),))
    get_all = operator.attrgetter(*names)
    return lambda obj: (cls, get_all(obj))


def _reduce_enum(member: enum.Enum) -> tuple[object, tuple[object, ...]]:
    return getattr, (type(member), member.name)


_DISPATCH = _dispatch_table()


def _dumps(obj: object) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump(obj)
    return buffer.getvalue()


# -- summaries restored from pickled bytes -------------------------------------------------------

_FIELDS = tuple(f.name for f in dataclasses.fields(RevisionFile))
_GRAPH_FIELDS = ("revision", "down_revision", "branch_labels", "depends_on")
GraphFields = tuple[IdentifierAssignment | None, ...]


class _StoredRevisionFile(RevisionFile):
    """A RevisionFile whose path and graph fields are set and whose other fields are unpickled
    from `_stored` the first time any of them is read. Reads and writes behave as on a plain
    RevisionFile; only the moment the work happens differs."""

    __slots__ = ("_stored",)
    _stored: bytes

    def __getattr__(self, name: str) -> Any:
        # Python calls this only when normal lookup fails: here, for a slot not filled yet.
        if name not in _FIELDS:
            raise AttributeError(name)
        try:
            stored = object.__getattribute__(self, "_stored")
        except AttributeError:  # another thread filled every field a moment ago
            return object.__getattribute__(self, name)
        full = pickle.loads(stored)
        for field_name in _FIELDS:
            try:
                object.__getattribute__(self, field_name)
            except AttributeError:  # not set yet (a field set by a caller is kept)
                setattr(self, field_name, getattr(full, field_name))
        with contextlib.suppress(AttributeError):
            del self._stored  # every field is set: the bytes are garbage now
        return object.__getattribute__(self, name)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RevisionFile):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _FIELDS)


def _restore(path: str, graph_fields: GraphFields, stored: bytes) -> RevisionFile:
    summary = _StoredRevisionFile.__new__(_StoredRevisionFile)
    summary.path = path
    summary.revision, summary.down_revision, summary.branch_labels, summary.depends_on = graph_fields
    summary._stored = stored
    return summary


def _graph_fields(summary: RevisionFile) -> GraphFields:
    return (summary.revision, summary.down_revision, summary.branch_labels, summary.depends_on)


# -- the on-disk cache --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _CacheEntry:
    mtime_ns: int
    size: int
    graph_fields: GraphFields
    stored: bytes  # the whole RevisionFile, pickled with _DISPATCH

    def as_tuple(self) -> tuple[int, int, GraphFields, bytes]:
        return (self.mtime_ns, self.size, self.graph_fields, self.stored)

    @classmethod
    def from_tuple(cls, value: object) -> _CacheEntry | None:
        if not (isinstance(value, tuple) and len(value) == 4):
            return None
        mtime_ns, size, graph_fields, stored = value
        if not (
            isinstance(mtime_ns, int)
            and isinstance(size, int)
            and isinstance(stored, bytes)
            and isinstance(graph_fields, tuple)
            and len(graph_fields) == len(_GRAPH_FIELDS)
            and all(g is None or isinstance(g, IdentifierAssignment) for g in graph_fields)
        ):
            return None
        return cls(mtime_ns, size, graph_fields, stored)


@dataclass
class IndexCache:
    directory: Path | None

    def _file(self, project: Project) -> Path | None:
        if self.directory is None:
            return None
        key = hashlib.sha1(str(project.script_location).encode()).hexdigest()[:20]
        return self.directory / f"index-{key}.pickle"

    @property
    def enabled(self) -> bool:
        return self.directory is not None

    def load(self, project: Project) -> dict[str, _CacheEntry]:
        path = self._file(project)
        if path is None or not path.is_file():
            return {}
        try:
            with open(path, "rb") as handle:
                data = pickle.load(handle)
        except Exception:  # a corrupt or foreign cache is just a cold start
            return {}
        if not isinstance(data, dict) or data.get("fingerprint") != ANALYZER_FINGERPRINT:
            return {}
        raw = data.get("entries")
        if not isinstance(raw, dict):
            return {}
        entries: dict[str, _CacheEntry] = {}
        for key, value in raw.items():
            entry = _CacheEntry.from_tuple(value)
            if isinstance(key, str) and entry is not None:
                entries[key] = entry
        return entries

    def save(self, project: Project, entries: dict[str, _CacheEntry]) -> None:
        path = self._file(project)
        if path is None:
            return
        payload = {
            "fingerprint": ANALYZER_FINGERPRINT,
            "entries": {key: entry.as_tuple() for key, entry in entries.items()},
        }
        tmp: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".index-", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(_dumps(payload))
            os.replace(tmp, path)
        except OSError:
            # The cache is an optimisation; a read-only home must not break checks.
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


# -- finding the files --------------------------------------------------------------------------


def _is_revision_name(name: str) -> bool:
    return name.endswith(".py") and not name.startswith((".#", "__init__"))


def _revision_candidates(project: Project) -> list[str]:
    """The files Alembic itself would load from the version locations."""
    found: list[str] = []
    for location in project.version_locations:
        if not location.is_dir():
            continue
        if project.recursive_version_locations:
            for directory, _dirs, files in os.walk(location):
                found.extend(
                    full
                    for full in (os.path.join(directory, n) for n in files if _is_revision_name(n))
                    if os.path.isfile(full)
                )
            continue
        try:
            with os.scandir(location) as entries:
                found.extend(e.path for e in entries if _is_revision_name(e.name) and e.is_file())
        except OSError:
            continue
    return sorted(set(found))


def _stray_candidates(project: Project, loaded: set[str]) -> list[str]:
    """Revision-looking files under the script directory that Alembic will never load."""
    found: list[str] = []
    root = project.script_location
    if not root.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in ("__pycache__", ".git")]
        for name in filenames:
            full = os.path.join(dirpath, name)
            if not name.endswith(".py") or name == "env.py" or full in loaded:
                continue
            try:
                with open(full, "rb") as handle:
                    head = handle.read(65536)
            except OSError:
                continue
            if b"down_revision" in head and b"revision" in head:
                found.append(full)
    return sorted(found)


# -- parsing many files -------------------------------------------------------------------------


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse_chunk(paths: list[str]) -> bytes:
    """Worker-process entry point: (path, graph fields, pickled summary) for each path, pickled."""
    gc.disable()  # this process exists for this call only
    results = []
    for path in paths:
        summary = read_revision_file(path)
        results.append((path, _graph_fields(summary), _dumps(summary)))
    return _dumps(results)


def _worker_count() -> int:
    configured = os.environ.get("ALEMBIC_LS_JOBS", "").strip()
    if configured.isdigit():
        return max(int(configured), 1)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _process_context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    # fork is cheapest but unsafe once other threads exist (one may hold a lock the child needs).
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _parse_in_workers(
    paths: list[str], workers: int, context: multiprocessing.context.BaseContext
) -> list[tuple[str, GraphFields, bytes]] | None:
    """None when worker processes cannot be started here (the caller parses in-process)."""
    per_chunk = -(-len(paths) // (workers * 2))  # two chunks per worker evens out slow files
    chunks = [paths[i : i + per_chunk] for i in range(0, len(paths), per_chunk)]
    if context.get_start_method() == "fork":
        # A forked worker flushes the stdio buffers it inherited when it exits: text still
        # buffered here (an LSP message on stdout) would be written twice.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            results = list(pool.map(_parse_chunk, chunks))
    except (OSError, BrokenProcessPool):
        return None
    return [item for result in results for item in pickle.loads(result)]


def _parse_files(
    todo: list[tuple[str, os.stat_result]], keep: bool, jobs: int | None
) -> Iterator[tuple[str, RevisionFile, _CacheEntry | None]]:
    """Parse the files; `keep` asks for cache entries (pickled summaries) as well."""
    parsed = None
    if len(todo) >= PARALLEL_MIN_FILES and (jobs or _worker_count()) > 1:
        context = _process_context()
        # Forking costs ~20 ms; other start methods re-import the program in each worker.
        minimum = PARALLEL_MIN_FILES * (1 if context.get_start_method() == "fork" else 4)
        workers = min(jobs or _worker_count(), len(todo) // (minimum // 2))
        if workers > 1:
            parsed = _parse_in_workers([p for p, _ in todo], workers, context)
    if parsed is not None:
        for (path, stat), (_same, graph_fields, stored) in zip(todo, parsed, strict=True):
            restored = _restore(path, graph_fields, stored)
            yield path, restored, _CacheEntry(stat.st_mtime_ns, stat.st_size, graph_fields, stored)
        return
    for path, stat in todo:
        summary = read_revision_file(path)
        new_entry = None
        if keep:
            pickled = _dumps(summary)
            new_entry = _CacheEntry(stat.st_mtime_ns, stat.st_size, _graph_fields(summary), pickled)
        yield path, summary, new_entry


@dataclass
class ProjectIndex:
    project: Project
    files: dict[str, RevisionFile] = field(default_factory=dict)  # loaded by Alembic
    stray: dict[str, RevisionFile] = field(default_factory=dict)  # outside version locations
    graph: RevisionGraph = field(default_factory=lambda: RevisionGraph(()))
    cache: IndexCache | None = None
    parsed_count: int = 0  # files parsed (not served from the cache) by the last build

    @classmethod
    def build(
        cls, project: Project, cache: IndexCache | None = None, *, jobs: int | None = None
    ) -> ProjectIndex:
        """Index every revision file; `jobs` caps the worker processes (default: one per CPU)."""
        with _gc_paused():
            return cls._build(project, cache, jobs)

    @classmethod
    def _build(cls, project: Project, cache: IndexCache | None, jobs: int | None) -> ProjectIndex:
        index = cls(project=project, cache=cache)
        stored = cache.load(project) if cache else {}
        fresh: dict[str, _CacheEntry] = {}
        summaries: dict[str, RevisionFile] = {}
        todo: list[tuple[str, os.stat_result]] = []
        candidates = _revision_candidates(project)
        stray = _stray_candidates(project, set(candidates))
        for path in (*candidates, *stray):
            try:
                stat = os.stat(path)
            except OSError:
                continue
            entry = stored.get(path)
            if entry is not None and entry.mtime_ns == stat.st_mtime_ns and entry.size == stat.st_size:
                fresh[path] = entry
                summaries[path] = _restore(path, entry.graph_fields, entry.stored)
            else:
                todo.append((path, stat))
        keep = cache is not None and cache.enabled
        for path, summary, new_entry in _parse_files(todo, keep, jobs):
            summaries[path] = summary
            if new_entry is not None:
                fresh[path] = new_entry
        index.parsed_count = len(todo)
        index.files = {p: summaries[p] for p in candidates if p in summaries}
        index.stray = {p: summaries[p] for p in stray if p in summaries and summaries[p].is_revision}
        index.graph = RevisionGraph(index.revision_files())
        if cache and keep and (index.parsed_count or fresh.keys() != stored.keys()):
            cache.save(project, fresh)
        return index

    def revision_files(self) -> list[RevisionFile]:
        return [f for f in self.files.values() if f.is_revision]

    def all_files(self) -> list[RevisionFile]:
        return [*self.files.values(), *self.stray.values()]

    def get(self, path: str) -> RevisionFile | None:
        return self.files.get(path) or self.stray.get(path)

    def is_loaded(self, path: str) -> bool:
        return path in self.files

    def update(self, path: str, text: str | None) -> RevisionFile | None:
        """Re-index one file from editor text (or from disk when text is None); rebuild edges.

        Only this file is parsed; the graph's maps are rebuilt from the cached summaries, which is
        linear in the number of revisions and takes about a millisecond per thousand.
        """
        owned = self.project.owns(Path(path))
        if text is None and not os.path.isfile(path):
            self.files.pop(path, None)
            self.stray.pop(path, None)
            summary = None
        else:
            summary = read_revision_file(path) if text is None else parse_revision(path, text)
            if owned:
                self.files[path] = summary
            elif summary.is_revision and self.project.script_location in Path(path).parents:
                self.stray[path] = summary
            else:
                summary = None
        self.graph = RevisionGraph(self.revision_files())
        return summary

    def find_revision(self, rid: str) -> RevisionFile | None:
        return self.graph.revisions.get(rid)

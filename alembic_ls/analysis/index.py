"""The static index of one Alembic project: every revision file's summary plus the graph.

A build reads only each file's revision identifiers (`identifiers`), enough for the graph; a
file's full analysis happens the first time a rule or a request reads it, or for every file at
once in worker processes (`analyse_all`, `parse_workers`) before a full check. The identifiers,
and the full analyses once they exist (`save_cache`), are cached on disk (`index_cache`), so a
second start reads only what changed: a stat per file and one pickle load. Cached summaries are
unpickled lazily (`stored_summary`). See bench/README.md for the targets and how they are measured.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from alembic_ls.analysis.collector import collector_paused
from alembic_ls.analysis.graph import RevisionGraph
from alembic_ls.analysis.identifiers import scan_graph_fields
from alembic_ls.analysis.incremental import IncrementalParser
from alembic_ls.analysis.index_cache import ANALYZER_FINGERPRINT, CacheEntry, IndexCache
from alembic_ls.analysis.parse_workers import SharedWorkers, WorkersFailed, parse_batches_in_workers
from alembic_ls.analysis.parser import parse_revision, parse_revision_bytes, read_revision_file
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.analysis.source_text import decode_source
from alembic_ls.analysis.stored_summary import StoredLater, StoredRevisionFile, dumps, graph_fields, restore
from alembic_ls.cache_dir import default_cache_dir
from alembic_ls.project import Project

__all__ = ["ANALYZER_FINGERPRINT", "IndexCache", "ProjectIndex", "default_cache_dir"]


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


# -- reading the identifiers ---------------------------------------------------------------------


def _scan_file(path: str) -> RevisionFile:
    """A lazy summary from the file's identifiers, or the full analysis when they need it."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return read_revision_file(path)  # the same error a full read reports
    text, decode_error = decode_source(data)
    fields = None if decode_error else scan_graph_fields(text)
    if fields is None:  # undecodable or unusual: the full analysis of these bytes says why
        return parse_revision_bytes(path, data)
    return restore(path, fields, None)


def _full_pickle(summary: RevisionFile) -> bytes | None:
    """The pickled full analysis of a summary; None while nothing has analysed it."""
    if isinstance(summary, StoredRevisionFile) and summary.pending:
        return summary.stored_bytes
    return dumps(summary)


def _cache_entry(stat: os.stat_result, summary: RevisionFile, full: bytes | None) -> CacheEntry:
    """What the cache keeps of a summary: its graph fields, and all of it once it is analysed."""
    message = summary.message if full is not None else None  # a restored one knows it unfilled
    return CacheEntry(stat.st_mtime_ns, stat.st_size, graph_fields(summary), full, message)


# Files parsed after one before it is handed back (`analyse_in_batches`): a file's rules read the
# revisions around it in the graph too (AM101 up to ten that change the schema on either side).
LOOKAHEAD_FILES = 48


@dataclass
class ProjectIndex:
    project: Project
    files: dict[str, RevisionFile] = field(default_factory=dict)  # loaded by Alembic
    stray: dict[str, RevisionFile] = field(default_factory=dict)  # outside version locations
    graph: RevisionGraph = field(default_factory=lambda: RevisionGraph(()))
    cache: IndexCache | None = None
    parsed_count: int = 0  # files read from disk (not served from the cache) by the last build
    # What the cache file holds, and the summaries read from disk whose full analysis it lacks
    # (with the stat they were read at): see `save_cache`.
    _entries: dict[str, CacheEntry] = field(default_factory=dict)
    _unsaved: dict[str, tuple[os.stat_result, RevisionFile]] = field(default_factory=dict)
    # The summaries the last build restored from the cache.
    _restored: dict[str, RevisionFile] = field(default_factory=dict)
    _entries_changed: bool = False

    @classmethod
    def build(cls, project: Project, cache: IndexCache | None = None, *, save: bool = True) -> ProjectIndex:
        """Index every revision file: the graph at once, each file's full analysis on first use
        (or all of them with `analyse_all`). `save=False` leaves writing the cache to a later
        `save_cache` (the server's, once it has checked every file)."""
        with collector_paused():
            return cls._build(project, cache, save)

    @classmethod
    def _build(cls, project: Project, cache: IndexCache | None, save: bool) -> ProjectIndex:
        index = cls(project=project, cache=cache)
        stored = cache.load(project) if cache else {}
        summaries: dict[str, RevisionFile] = {}
        candidates = _revision_candidates(project)
        stray = _stray_candidates(project, set(candidates))
        for path in (*candidates, *stray):
            try:
                stat = os.stat(path)
            except OSError:
                continue
            entry = stored.get(path)
            if entry is not None and entry.mtime_ns == stat.st_mtime_ns and entry.size == stat.st_size:
                index._entries[path] = entry
                summaries[path] = restore(path, entry.graph_fields, entry.stored, entry.message)
                index._restored[path] = summaries[path]
            else:
                summary = summaries[path] = _scan_file(path)
                index.parsed_count += 1
                index._entries[path] = _cache_entry(stat, summary, _full_pickle(summary))
                if index._entries[path].stored is None:
                    index._unsaved[path] = (stat, summary)
        index.files = {p: summaries[p] for p in candidates if p in summaries}
        index.stray = {p: summaries[p] for p in stray if p in summaries and summaries[p].is_revision}
        index.graph = RevisionGraph(index.revision_files())
        if cache and cache.enabled and (index.parsed_count or index._entries.keys() != stored.keys()):
            index._entries_changed = True
            if save:
                index.save_cache()
        return index

    def analyse_all(self, jobs: int | None = None, only: Collection[str] | None = None) -> None:
        """Fill every summary still waiting for its full analysis (`only`: of these paths), in
        worker processes when there are many (`jobs` caps them; default one per CPU). A full
        check calls this first."""
        paths = [s.path for s in self.all_files() if only is None or s.path in only]
        for _batch in self.analyse_in_batches(paths, jobs):
            pass

    def unanalysed_count(self, paths: Sequence[str]) -> int:
        """How many of `paths` still wait for their full analysis from the file (not from a cache)."""
        return sum(
            1 for s in (self.get(p) for p in paths) if isinstance(s, StoredRevisionFile) and s.unanalysed
        )

    def analyse_in_batches(
        self,
        paths: Sequence[str],
        jobs: int | None = None,
        batches_per_worker: int = 8,
        shared: SharedWorkers | None = None,
    ) -> Iterator[list[str]]:
        """Fill the summaries of `paths`, handing back (in the order of `paths`, each once) the
        ones that are ready as worker processes deliver them, so a check can start on the first
        files while the workers parse the rest. Without workers (few files, one CPU, or workers
        that fail) the rest is analysed here, then handed back.

        A file is handed back once LOOKAHEAD_FILES more have arrived: its rules read the revisions
        around it (AM101 its children as well as its parents), and one no worker had delivered yet
        was analysed here as well (76 of indico's 176 files, whose `check` took 1.09x the time of
        one process; now none, and 0.94x)."""
        summaries = [s for s in (self.get(p) for p in paths) if s is not None]
        pending = [
            (at, s) for at, s in enumerate(summaries) if isinstance(s, StoredRevisionFile) and s.unanalysed
        ]
        handed = 0  # summaries[:handed] are handed back
        filled = 0  # pending[:filled] are filled
        batches = parse_batches_in_workers([s.path for _at, s in pending], jobs, batches_per_worker, shared)
        if batches is not None:
            try:
                for batch in batches:
                    with collector_paused():
                        arrived = pending[filled : filled + len(batch)]
                        for (_at, summary), (_fields, stored) in zip(arrived, batch, strict=True):
                            if summary.unanalysed:  # a reader may have analysed it meanwhile
                                summary.fill(pickle.loads(stored))
                                self._remember(summary.path, stored)  # spares save_cache pickling it
                    filled += len(batch)
                    ready = pending[filled - LOOKAHEAD_FILES][0] if filled > LOOKAHEAD_FILES else 0
                    if ready > handed:
                        yield [s.path for s in summaries[handed:ready]]
                        handed = ready
            except WorkersFailed:
                pass
        with collector_paused():
            for _at, summary in pending[filled:]:
                if summary.unanalysed:
                    summary.fill(read_revision_file(summary.path))
        if handed < len(summaries):
            yield [s.path for s in summaries[handed:]]

    def save_cache(self) -> None:
        """Add to the cache the full analysis of the files the last build read from disk and
        something has analysed since, so that the next start unpickles them instead of parsing."""
        if self.cache is None or not self.cache.enabled:
            return
        with collector_paused():
            self._replace_lost_analyses()
            for path, (_stat, summary) in list(self._unsaved.items()):
                if self.get(path) is not summary:  # an edit replaced it: never cache editor text
                    del self._unsaved[path]
                elif (full := _full_pickle(summary)) is not None:
                    self._remember(path, full)
        if self._entries_changed:
            self.cache.save(self.project, self._entries)
            self._entries_changed = False

    def _replace_lost_analyses(self) -> None:
        """Entries whose analyses shard turned out missing or rewritten by another process: the
        summaries analysed since from their files take their place (the others keep only their
        identifiers, and are analysed and saved on a later run)."""
        for path, entry in list(self._entries.items()):
            stored = entry.stored
            if not (isinstance(stored, StoredLater) and stored.lost):
                continue
            summary = self._restored.get(path)
            pending = isinstance(summary, StoredRevisionFile) and summary.pending
            analysed = summary is not None and not pending and self.get(path) is summary
            self._entries[path] = replace(entry, stored=dumps(summary) if analysed else None)
            self._entries_changed = True

    def _remember(self, path: str, full: bytes) -> None:
        """`full` is the analysis of the summary the last build read for `path`: the cache keeps
        it, unless an edit has replaced that summary (the editor's text is not what is on disk)."""
        unsaved = self._unsaved.pop(path, None)
        if unsaved is None:
            return
        stat, summary = unsaved
        if self.get(path) is summary:
            self._entries[path] = _cache_entry(stat, summary, full)
            self._entries_changed = True

    def revision_files(self) -> list[RevisionFile]:
        return [f for f in self.files.values() if f.is_revision]

    def all_files(self) -> list[RevisionFile]:
        return [*self.files.values(), *self.stray.values()]

    def get(self, path: str) -> RevisionFile | None:
        return self.files.get(path) or self.stray.get(path)

    def identity(self, path: str) -> tuple[str, int, int] | None:
        """The file at `path` as this index read it (path, mtime_ns, size); None: not indexed."""
        entry = self._entries.get(path)
        return None if entry is None or self.get(path) is None else (path, entry.mtime_ns, entry.size)

    def is_loaded(self, path: str) -> bool:
        return path in self.files

    def update(
        self,
        path: str,
        text: str | None,
        incremental: IncrementalParser | None = None,
        summary: RevisionFile | None = None,
    ) -> RevisionFile | None:
        """Re-index one file from editor text (or from disk when text is None); rebuild edges.
        `incremental` parses successive texts of one open document; `summary`, when given, is
        the analysis of `text` already made (it is not parsed again).

        Only this file is parsed; the graph's maps are rebuilt from the cached summaries, which is
        linear in the number of revisions and takes about a millisecond per thousand.
        """
        owned = self.project.owns(Path(path))
        if text is None and not os.path.isfile(path):
            self.files.pop(path, None)
            self.stray.pop(path, None)
            summary = None
        else:
            if text is None:
                summary = read_revision_file(path)
            elif summary is None:
                summary = parse_revision(path, text, incremental)
            if owned:
                self.files[path] = summary
            elif summary.is_revision and self.project.script_location in Path(path).parents:
                self.stray[path] = summary
            else:
                summary = None
        self.graph = RevisionGraph(self.revision_files())
        return summary

    def replace_summary(self, path: str, before: RevisionFile, after: RevisionFile) -> None:
        """`after` in place of `before`, a loaded revision whose graph facts (id, parents, labels,
        dependencies) the edit left as they were: the graph's structure (children, heads, cycles,
        missing ids) is unchanged, so only its maps from ids to summaries take the new one.
        Rebuilding the graph of 1,000 revisions costs a third of parsing a 500-line one."""
        self.files[path] = after
        graph = self.graph
        rid = after.revision_id
        if rid is not None:
            if graph.revisions.get(rid) is before:
                graph.revisions[rid] = after
            if rid in graph.by_id:
                graph.by_id[rid] = [after if rev is before else rev for rev in graph.by_id[rid]]

    def forget(self, path: str) -> None:
        """A stray file that stopped being a revision file is no longer tracked."""
        self.stray.pop(path, None)

    def find_revision(self, rid: str) -> RevisionFile | None:
        return self.graph.revisions.get(rid)

"""The static index of one Alembic project: every revision file's summary plus the graph.

Summaries are cached on disk (`index_cache`) so a second start re-parses only what changed. A
warm start is a stat per file and one pickle load; a cold one with many files parses in worker
processes (`parse_workers`). Summaries from either source are unpickled lazily
(`stored_summary`). See bench/README.md for the speed targets and how they are measured.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from alembic_ls.analysis.graph import RevisionGraph
from alembic_ls.analysis.index_cache import ANALYZER_FINGERPRINT, CacheEntry, IndexCache, default_cache_dir
from alembic_ls.analysis.parse_workers import parse_in_workers
from alembic_ls.analysis.parser import parse_revision, read_revision_file
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.analysis.stored_summary import dumps, graph_fields, restore
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


# -- parsing many files -------------------------------------------------------------------------


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """The collector's passes over a heap that grows by thousands of objects per file cost more
    than the parsing itself; nothing a build allocates is garbage until it returns."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse_files(
    todo: list[tuple[str, os.stat_result]], keep: bool, jobs: int | None
) -> Iterator[tuple[str, RevisionFile, CacheEntry | None]]:
    """Parse the files; `keep` asks for cache entries (pickled summaries) as well."""
    parsed = parse_in_workers([path for path, _ in todo], jobs)
    if parsed is not None:
        for (path, stat), (fields, stored) in zip(todo, parsed, strict=True):
            yield (
                path,
                restore(path, fields, stored),
                CacheEntry(stat.st_mtime_ns, stat.st_size, fields, stored),
            )
        return
    for path, stat in todo:
        summary = read_revision_file(path)
        entry = None
        if keep:
            entry = CacheEntry(stat.st_mtime_ns, stat.st_size, graph_fields(summary), dumps(summary))
        yield path, summary, entry


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
        fresh: dict[str, CacheEntry] = {}
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
                summaries[path] = restore(path, entry.graph_fields, entry.stored)
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

"""The static index of one Alembic project: every revision file's summary plus the graph.

Summaries are cached on disk keyed by (path, mtime, size) and by a fingerprint of the analyzer's
own source, so a second start re-parses only what changed and a new analyzer never reads stale
summaries.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from alembic_ls.analysis import parser, revision_file, source_text
from alembic_ls.analysis.graph import RevisionGraph
from alembic_ls.analysis.parser import parse_revision, read_revision_file
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.project import Project


def _fingerprint() -> str:
    digest = hashlib.sha1()
    for module in (parser, revision_file, source_text):
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


@dataclass
class _CacheEntry:
    mtime_ns: int
    size: int
    summary: RevisionFile


@dataclass
class IndexCache:
    directory: Path | None

    def _file(self, project: Project) -> Path | None:
        if self.directory is None:
            return None
        key = hashlib.sha1(str(project.script_location).encode()).hexdigest()[:20]
        return self.directory / f"index-{key}.pickle"

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
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    def save(self, project: Project, entries: dict[str, _CacheEntry]) -> None:
        path = self._file(project)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            payload = {"fingerprint": ANALYZER_FINGERPRINT, "entries": entries}
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".index-", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            pass  # the cache is an optimisation; a read-only home must not break checks


def _revision_candidates(project: Project) -> list[str]:
    """The files Alembic itself would load from the version locations."""
    found: list[str] = []
    for location in project.version_locations:
        if not location.is_dir():
            continue
        walker: Iterable[tuple[Path, list[str]]]
        if project.recursive_version_locations:
            walker = [(Path(d), files) for d, _dirs, files in os.walk(location)]
        else:
            walker = [(location, os.listdir(location))]
        for directory, names in walker:
            for name in names:
                if name.endswith(".py") and not name.startswith((".#", "__init__")):
                    full = directory / name
                    if full.is_file():
                        found.append(str(full))
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


@dataclass
class ProjectIndex:
    project: Project
    files: dict[str, RevisionFile] = field(default_factory=dict)  # loaded by Alembic
    stray: dict[str, RevisionFile] = field(default_factory=dict)  # outside version locations
    graph: RevisionGraph = field(default_factory=lambda: RevisionGraph(()))
    cache: IndexCache | None = None
    parsed_count: int = 0  # files parsed (not served from the cache) by the last build

    @classmethod
    def build(cls, project: Project, cache: IndexCache | None = None) -> ProjectIndex:
        index = cls(project=project, cache=cache)
        entries = cache.load(project) if cache else {}
        fresh: dict[str, _CacheEntry] = {}
        candidates = _revision_candidates(project)
        stray = _stray_candidates(project, set(candidates))
        for path in (*candidates, *stray):
            try:
                stat = os.stat(path)
            except OSError:
                continue
            entry = entries.get(path)
            if entry is None or entry.mtime_ns != stat.st_mtime_ns or entry.size != stat.st_size:
                entry = _CacheEntry(stat.st_mtime_ns, stat.st_size, read_revision_file(path))
                index.parsed_count += 1
            fresh[path] = entry
        index.files = {p: fresh[p].summary for p in candidates if p in fresh}
        index.stray = {p: fresh[p].summary for p in stray if fresh[p].summary.is_revision}
        index.graph = RevisionGraph(index.revision_files())
        if cache and (index.parsed_count or len(fresh) != len(entries)):
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

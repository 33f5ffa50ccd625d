"""The on-disk index cache: one pickle per project, entries keyed by path and checked against the
file's mtime and size, the whole file keyed by a fingerprint of the analyzer's source (a new
analyzer, or a new cache layout, never reads old summaries)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic_ls.analysis.identifiers import IDENTIFIERS, GraphFields
from alembic_ls.analysis.revision_file import IdentifierAssignment
from alembic_ls.analysis.stored_summary import dumps
from alembic_ls.project import Project


def _fingerprint() -> str:
    """Every source file of the analysis package: a summary stored by other code is never read back
    (a list of the modules that matter went stale once, when a new one joined the parser)."""
    digest = hashlib.sha1()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


ANALYZER_FINGERPRINT = _fingerprint()


def default_cache_dir() -> Path:
    configured = os.environ.get("ALEMBIC_LS_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "alembic-ls"


@dataclass(frozen=True, slots=True)
class CacheEntry:
    mtime_ns: int
    size: int
    graph_fields: GraphFields
    # The whole RevisionFile (stored_summary.dumps); None when only the identifiers were read.
    stored: bytes | None

    def as_tuple(self) -> tuple[int, int, GraphFields, bytes | None]:
        return (self.mtime_ns, self.size, self.graph_fields, self.stored)

    @classmethod
    def from_tuple(cls, value: object) -> CacheEntry | None:
        if not (isinstance(value, tuple) and len(value) == 4):
            return None
        mtime_ns, size, graph_fields, stored = value
        if not (
            isinstance(mtime_ns, int)
            and isinstance(size, int)
            and (stored is None or isinstance(stored, bytes))
            and isinstance(graph_fields, tuple)
            and len(graph_fields) == len(IDENTIFIERS)
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

    def load(self, project: Project) -> dict[str, CacheEntry]:
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
        entries: dict[str, CacheEntry] = {}
        for key, value in raw.items():
            entry = CacheEntry.from_tuple(value)
            if isinstance(key, str) and entry is not None:
                entries[key] = entry
        return entries

    def save(self, project: Project, entries: dict[str, CacheEntry]) -> None:
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
                handle.write(dumps(payload))
            os.replace(tmp, path)
        except OSError:
            # The cache is an optimisation; a read-only home must not break checks.
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

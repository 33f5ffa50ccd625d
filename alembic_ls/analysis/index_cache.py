"""The on-disk index cache: one pickle per project, entries keyed by path and checked against the
file's mtime and size, the whole file keyed by a fingerprint of the analyzer's source (a new
analyzer, or a new cache layout, never reads old summaries). The full analyses (about 12 KB per
revision) sit in a second file, read the first time one is needed: building the graph, or a check
whose findings all come from the findings cache, reads only the first."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import secrets
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from alembic_ls.analysis.identifiers import IDENTIFIERS, GraphFields
from alembic_ls.analysis.revision_file import IdentifierAssignment
from alembic_ls.analysis.stored_summary import StoredLater, dumps
from alembic_ls.project import Project


def _fingerprint() -> str:
    """Every source file of the analysis package: a summary stored by other code is never read back
    (a list of the modules that matter went stale once, when a new one joined the parser)."""
    digest = hashlib.sha1()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


ANALYZER_FINGERPRINT = _fingerprint()


@dataclass(frozen=True, slots=True)
class CacheEntry:
    mtime_ns: int
    size: int
    graph_fields: GraphFields
    # The whole RevisionFile (stored_summary.dumps), or where to read it; None when only the
    # identifiers were read.
    stored: bytes | StoredLater | None
    # The analysed file's message (its header's or comments'), read with the identifiers: listing
    # revisions by message needs no analysis unpickled. Meaningless while `stored` is None.
    message: str | None = None

    def as_tuple(self, analysed: bool) -> tuple[int, int, GraphFields, bool, str | None]:
        """As the index file keeps it (`from_tuple` reads it back); `analysed`: the analysis is
        written beside it, in the analyses file."""
        return (self.mtime_ns, self.size, self.graph_fields, analysed, self.message if analysed else None)

    @classmethod
    def from_tuple(cls, value: object, analyses: _Analyses, key: str) -> CacheEntry | None:
        if not (isinstance(value, tuple) and len(value) == 5):
            return None
        mtime_ns, size, graph_fields, analysed, message = value
        if not (
            isinstance(mtime_ns, int)
            and isinstance(size, int)
            and isinstance(analysed, bool)
            and (message is None or isinstance(message, str))
            and isinstance(graph_fields, tuple)
            and len(graph_fields) == len(IDENTIFIERS)
            and all(g is None or isinstance(g, IdentifierAssignment) for g in graph_fields)
        ):
            return None
        return cls(mtime_ns, size, graph_fields, StoredLater(analyses, key) if analysed else None, message)


class _Analyses:
    """The full analyses a saved index cache holds, in their own file, read on first use. The file
    carries the token of the index file it was written with; another one (a later save by another
    process) is not trusted, and its summaries are analysed from their files instead."""

    def __init__(self, path: Path, token: object) -> None:
        self._path = path
        self._token = token
        self._table: dict[str, bytes] | None = None
        self._lock = threading.Lock()
        self.lost = False

    def get(self, key: str) -> bytes | None:
        with self._lock:  # the server's threads may ask at once: read the file once
            if self._table is None:
                self._table = self._read()
        found = self._table.get(key)
        if not isinstance(found, bytes):
            self.lost = True  # the index's next save writes what it has analysed since
            return None
        return found

    def _read(self) -> dict[str, bytes]:
        try:
            with open(self._path, "rb") as handle:
                data = pickle.load(handle)
        except Exception:  # missing, corrupt or foreign: analyse the files instead
            return {}
        if not isinstance(data, dict) or data.get("token") != self._token:
            return {}
        table = data.get("analyses")
        return table if isinstance(table, dict) else {}


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
        analyses = _Analyses(_analyses_file(path), data.get("token"))
        entries: dict[str, CacheEntry] = {}
        for key, value in raw.items():
            entry = CacheEntry.from_tuple(value, analyses, key) if isinstance(key, str) else None
            if entry is not None:
                entries[key] = entry
        return entries

    def save(self, project: Project, entries: dict[str, CacheEntry]) -> None:
        path = self._file(project)
        if path is None:
            return
        token = secrets.token_hex(8)
        analyses: dict[str, bytes] = {}
        for key, entry in entries.items():
            stored = entry.stored.resolve() if isinstance(entry.stored, StoredLater) else entry.stored
            if stored is not None:
                analyses[key] = stored
        index = {
            "fingerprint": ANALYZER_FINGERPRINT,
            "token": token,
            "entries": {key: entry.as_tuple(analysed=key in analyses) for key, entry in entries.items()},
        }
        # The analyses first: an index file never names analyses that are not written yet.
        if _write(_analyses_file(path), {"token": token, "analyses": analyses}):
            _write(path, index)


def _analyses_file(index_file: Path) -> Path:
    return index_file.with_name(index_file.name.replace("index-", "analyses-", 1))


def _write(path: Path, payload: object) -> bool:
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".index-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(dumps(payload))
        os.replace(tmp, path)
        return True
    except OSError:
        # The cache is an optimisation; a read-only home must not break checks.
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False

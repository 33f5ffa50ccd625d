"""The on-disk index cache: one pickle per project, entries keyed by path and checked against the
file's mtime and size, the whole file keyed by a fingerprint of the analyzer's source (a new
analyzer, or a new cache layout, never reads old summaries). The full analyses (about 12 KB per
revision) sit in files of their own, each read the first time one of its analyses is needed:
building the graph, or a check whose findings all come from the findings cache, reads only the
index file. They are spread over `SHARDS` files by path, and a save rewrites only the files whose
analyses changed: one new revision in a history of 5,000 rewrote all 60 MB of them (half of a warm
`check`'s time)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import secrets
import tempfile
import threading
import zlib
from collections.abc import Iterable, Mapping
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
        written beside it, in its analyses shard."""
        return (self.mtime_ns, self.size, self.graph_fields, analysed, self.message if analysed else None)

    @classmethod
    def from_tuple(cls, value: object, analyses: _Analyses | None, key: str) -> CacheEntry | None:
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
        stored = StoredLater(analyses, key) if analysed and analyses is not None else None
        return cls(mtime_ns, size, graph_fields, stored, message)


# Files the analyses of a project are spread over. A save rewrites a file only when the analyses
# it holds changed; a few dozen files cost a warm start that reads them all no measurable time.
SHARDS = 32


def shard_of(key: str) -> int:
    return zlib.crc32(key.encode()) % SHARDS


class _Analyses:
    """The full analyses one shard file holds, read on first use. The file carries a token the
    index file names; another one (a later save by another process) is not trusted, and its
    summaries are analysed from their files instead."""

    def __init__(self, path: Path, token: object, listed: frozenset[str]) -> None:
        self.path = path
        self.token = token
        self.listed = listed  # the keys the index file says this shard holds
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
            with open(self.path, "rb") as handle:
                data = pickle.load(handle)
        except Exception:  # missing, corrupt or foreign: analyse the files instead
            return {}
        if not isinstance(data, dict) or data.get("token") != self.token:
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
        tokens = data.get("shards")
        if not isinstance(raw, dict) or not isinstance(tokens, dict):
            return {}
        listed: dict[int, set[str]] = {}
        for key, value in raw.items():
            if isinstance(key, str) and isinstance(value, tuple) and len(value) == 5 and value[3] is True:
                listed.setdefault(shard_of(key), set()).add(key)
        shards = {
            shard: _Analyses(_shard_file(path, shard), tokens[shard], frozenset(keys))
            for shard, keys in listed.items()
            if shard in tokens
        }
        entries: dict[str, CacheEntry] = {}
        for key, value in raw.items():
            entry = (
                CacheEntry.from_tuple(value, shards.get(shard_of(key)), key) if isinstance(key, str) else None
            )
            if entry is not None:
                entries[key] = entry
        return entries

    def save(self, project: Project, entries: dict[str, CacheEntry]) -> None:
        path = self._file(project)
        if path is None:
            return
        by_shard: dict[int, dict[str, bytes | StoredLater]] = {}
        for key, entry in entries.items():
            if entry.stored is not None:
                by_shard.setdefault(shard_of(key), {})[key] = entry.stored
        tokens: dict[int, object] = {}
        analysed: set[str] = set()
        # The analyses first: an index file never names analyses that are not written yet.
        for shard, stored in by_shard.items():
            written = _save_shard(_shard_file(path, shard), stored)
            if written is not None:
                tokens[shard], keys = written
                analysed.update(keys)
        _write(
            path,
            {
                "fingerprint": ANALYZER_FINGERPRINT,
                "shards": tokens,
                "entries": {key: entry.as_tuple(analysed=key in analysed) for key, entry in entries.items()},
            },
        )
        # The one file every analysis sat in before they were spread over shards (~12 MB per 1,000
        # revisions that nothing reads any more).
        with contextlib.suppress(OSError):
            _shard_file(path, None).unlink(missing_ok=True)


def _save_shard(path: Path, stored: Mapping[str, bytes | StoredLater]) -> tuple[object, Iterable[str]] | None:
    """Write one shard's analyses unless the file already holds exactly these: its token and the
    keys it holds, or None when nothing could be written."""
    unchanged = _loaded_from(path, stored)
    if unchanged is not None:
        return unchanged.token, unchanged.listed
    table: dict[str, bytes] = {}
    for key, value in stored.items():
        found = value.resolve() if isinstance(value, StoredLater) else value
        if found is not None:
            table[key] = found
    token = secrets.token_hex(8)
    if not table or not _write(path, {"token": token, "analyses": table}):
        return None
    return token, table.keys()


def _loaded_from(path: Path, stored: Mapping[str, bytes | StoredLater]) -> _Analyses | None:
    """The shard these analyses were all read from, when it held exactly them and still could."""
    shards = {value.table for value in stored.values() if isinstance(value, StoredLater)}
    if len(shards) != 1:
        return None
    (shard,) = shards
    if not isinstance(shard, _Analyses) or shard.path != path or shard.lost:
        return None
    if not all(isinstance(value, StoredLater) for value in stored.values()) or set(stored) != shard.listed:
        return None
    return shard


def _shard_file(index_file: Path, shard: int | None) -> Path:
    """`analyses-<project>-<shard>.pickle` beside `index-<project>.pickle` (None: the former single file)."""
    name = index_file.name.replace("index-", "analyses-", 1)
    return index_file.with_name(name if shard is None else name.replace(".pickle", f"-{shard}.pickle"))


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

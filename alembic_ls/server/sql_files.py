"""Show SQL's files in the temp folder are removed: this server's own when it shuts down, and any left
a day or more by a server that never shut down cleanly when a server starts.

A file the editor still has open (synced to this server) is kept: its tab would say "deleted". Clients
that do not sync .sql documents (VS Code only syncs Python here) cannot tell, so a file is removed at
shutdown, when the editor is usually closing anyway, and otherwise only once it is a day old.
"""

from __future__ import annotations

import contextlib
import logging
import time
import weakref
from collections.abc import Iterable
from pathlib import Path

from alembic_ls.operations.sql import sql_root
from alembic_ls.server.paths import uri_to_path
from alembic_ls.server.server import AlembicLanguageServer

logger = logging.getLogger("alembic_ls.server")

STALE_AFTER = 24 * 3600.0  # seconds: a file this old belongs to no session anyone still works in

_WRITTEN: weakref.WeakKeyDictionary[AlembicLanguageServer, set[Path]] = weakref.WeakKeyDictionary()


def written(server: AlembicLanguageServer, path: Path) -> None:
    """Show SQL wrote `path` for this server."""
    _WRITTEN.setdefault(server, set()).add(path.resolve())


def _open_in_editor(server: AlembicLanguageServer) -> set[Path]:
    paths = (uri_to_path(uri) for uri in list(server.workspace.text_documents))
    return {Path(p).resolve() for p in paths if p}


def _remove(paths: Iterable[Path], keep: set[Path]) -> int:
    removed = 0
    folders: set[Path] = set()
    for path in paths:
        if path.resolve() in keep:
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed += 1
        folders.add(path.parent)
    for folder in folders:  # a project's folder goes once it is empty
        with contextlib.suppress(OSError):
            folder.rmdir()
    return removed


def remove_written(server: AlembicLanguageServer) -> None:
    """At shutdown: this server's SQL files, except those the editor still has open."""
    try:
        removed = _remove(_WRITTEN.pop(server, set()), _open_in_editor(server))
    except OSError as exc:  # never let a cleanup fail the shutdown
        logger.info("could not remove the Show SQL files: %s", exc)
        return
    if removed:
        logger.info("removed %d Show SQL file(s)", removed)


def remove_stale(server: AlembicLanguageServer, now: float | None = None) -> None:
    """At start: SQL files a day or more old, from any server (one that crashed cleaned nothing)."""
    cutoff = (time.time() if now is None else now) - STALE_AFTER
    try:
        stale = [p for p in sql_root().glob("*/*.sql") if p.stat().st_mtime < cutoff]
        removed = _remove(stale, _open_in_editor(server))
    except OSError as exc:
        logger.info("could not remove old Show SQL files: %s", exc)
        return
    if removed:
        logger.info("removed %d Show SQL file(s) older than a day", removed)

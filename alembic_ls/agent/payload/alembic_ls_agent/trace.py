"""`trace`: run one revision's upgrade in one transaction on the scratch database, record what each
statement did (the locks it added, the tables it rewrote, how long it ran, the op call it came from),
then roll the transaction back.

Only on a scratch database (the server made it and drops it afterwards). PostgreSQL only: locks are
read from `pg_locks` after each statement, on the migration's own connection, with a plain DB-API
cursor so the reading is not itself traced. A table is rewritten when its relfilenode changes.
"""

from __future__ import annotations

import linecache
import os
import re
import sys
import time
from typing import Any

from . import protocol
from .config import RequestError
from .job import Job, find_cause

LOCKS = """
SELECT c.relname, l.mode
FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'
"""
FILES = """
SELECT c.oid, c.relname, c.relfilenode
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'm', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg_toast%%'
"""
OP_CALL = re.compile(r"\b([A-Za-z_]\w*\.[A-Za-z_]\w*)\s*\(")


class _RolledBack(Exception):
    """Raised after the traced revision ran, so its transaction is rolled back, not committed."""


def trace(job: Job) -> protocol.TraceResult:
    from .scratch import is_scratch

    url = job.project.get("url")
    if not (job.project.get("scratch") and isinstance(url, str) and is_scratch(url)):
        raise RequestError("trace runs only on a scratch database")
    revision = str(job.params.get("revision") or "")
    script = job.script
    target = script.get_revision(revision)
    path = os.path.realpath(target.path)
    records: list[protocol.TraceRecord] = []
    tracer = _Tracer(path, records, bool(job.params.get("seed", True)))

    def plan(rev: Any, _context: Any) -> Any:
        return script._upgrade_revs(target.revision, rev)

    def applied(ctx: Any, step: Any, heads: Any, run_args: Any) -> None:
        raise _RolledBack  # inside the migration's transaction: leaving by an exception rolls it back

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    event.listen(Engine, "before_cursor_execute", tracer.before)
    event.listen(Engine, "after_cursor_execute", tracer.after)
    try:  # (the worker already holds every connection to the scratch database: see guard.py)
        job.run_env(plan, destination_rev=target.revision, on_version_apply=applied)
    except _RolledBack:
        pass
    except Exception as exc:
        if find_cause(exc, _RolledBack) is None:
            raise
    finally:
        event.remove(Engine, "before_cursor_execute", tracer.before)
        event.remove(Engine, "after_cursor_execute", tracer.after)
    return {"revision": target.revision, "file": path, "records": records}


class _Tracer:
    def __init__(self, revision_file: str, records: list[protocol.TraceRecord], seed: bool) -> None:
        self.revision_file = revision_file
        self.records = records
        self.seed = seed
        self.seeded = False
        self.existing: set[str] | None = None  # the tables there before the revision's first statement
        self.pending: dict[int, tuple[float, set[tuple[str, str]], dict[int, tuple[str, int]], int, str]] = {}

    def before(self, conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        line = self._caller_line()
        if line is None:
            return  # Alembic's own bookkeeping (alembic_version), not the revision's
        raw = cursor.connection
        if self.existing is None:
            self.existing = {name for name, _node in _files(raw).values()}
        if self.seed and not self.seeded:
            self.seeded = True
            _seed(raw)
        self.pending[id(cursor)] = (time.perf_counter(), _locks(raw), _files(raw), line, statement)

    def after(self, conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        started = self.pending.pop(id(cursor), None)
        if started is None:
            return
        began, locks_before, files_before, line, sql = started
        elapsed = (time.perf_counter() - began) * 1000
        raw = cursor.connection
        locks = sorted(_locks(raw) - locks_before)
        files_after = _files(raw)
        rewritten = sorted(
            name
            for oid, (name, node) in files_after.items()
            if oid in files_before and files_before[oid][1] != node
        )
        source = linecache.getline(self.revision_file, line)
        call = OP_CALL.search(source)
        self.records.append(
            {
                "line": line,
                "op": call.group(1) if call else source.strip()[:60],
                "sql": " ".join(sql.split()),
                "locks": [
                    {"relation": relation, "mode": mode, "existing": relation in (self.existing or ())}
                    for relation, mode in locks
                ],
                "lockTimeout": _query(raw, "SHOW lock_timeout")[0][0],
                "rewrite": bool(rewritten),
                "rewritten": rewritten,
                # Rewriting a table this revision created rewrites no one's rows.
                "rewrittenExisting": [name for name in rewritten if name in (self.existing or ())],
                "ms": round(elapsed, 3),
            }
        )

    def _caller_line(self) -> int | None:
        frame = sys._getframe(2)
        while frame is not None:
            if os.path.realpath(frame.f_code.co_filename) == self.revision_file:
                return frame.f_lineno
            frame = frame.f_back  # type: ignore[assignment]
        return None


def _query(raw: Any, sql: str) -> list[tuple[Any, ...]]:
    cursor = raw.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _locks(raw: Any) -> set[tuple[str, str]]:
    return {(str(name), str(mode)) for name, mode in _query(raw, LOCKS)}


def _files(raw: Any) -> dict[int, tuple[str, int]]:
    return {int(oid): (str(name), int(node)) for oid, name, node in _query(raw, FILES)}


def _seed(raw: Any) -> None:
    """A few rows per table, so a rewrite has rows to rewrite; a table that refuses (a NOT NULL column
    without a default) stays empty. Inside the traced transaction: rolled back with it."""
    tables = _query(
        raw,
        "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND "
        "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%' "
        "AND c.relname <> 'alembic_version'",
    )
    cursor = raw.cursor()
    try:
        for (table,) in tables:
            cursor.execute("SAVEPOINT alembic_ls_seed")
            try:
                for _ in range(3):
                    cursor.execute(f"INSERT INTO {table} DEFAULT VALUES")
                cursor.execute("RELEASE SAVEPOINT alembic_ls_seed")
            except Exception:
                cursor.execute("ROLLBACK TO SAVEPOINT alembic_ls_seed")
    finally:
        cursor.close()

"""Scratch databases for CI checks: a fresh SQLite file, or CREATE DATABASE on the project's server.

The caller always drops what `create` made (`drop`), even when a check fails half way.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from typing import Any

from . import protocol
from .config import RequestError
from .job import Job


def _server_url(job: Job) -> Any:
    from sqlalchemy.engine import make_url

    raw = job.params.get("serverUrl") or job.config.get_main_option("sqlalchemy.url")
    if not raw:
        raise RequestError("the Alembic config has no sqlalchemy.url to create a scratch database next to")
    return make_url(raw)


def _admin_execute(url: Any, statements: list[str]) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    if getattr(url.get_dialect(), "is_async", False):
        import asyncio

        from sqlalchemy.ext.asyncio import create_async_engine

        async def run() -> None:
            engine = create_async_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
            try:
                async with engine.connect() as conn:
                    for statement in statements:
                        await conn.exec_driver_sql(statement)
            finally:
                await engine.dispose()

        asyncio.run(run())
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


def _describe(url: Any, name: str) -> protocol.ScratchCreateResult:
    return {
        "url": url.render_as_string(hide_password=False),
        "display": url.render_as_string(hide_password=True),
        "name": name,
        "backend": url.get_backend_name(),
    }


def create(job: Job) -> protocol.ScratchCreateResult:
    url = _server_url(job)
    backend = url.get_backend_name()
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix="alembic-ls-scratch-")
        path = os.path.join(folder, "scratch.db")
        return _describe(url.set(database=path), path)
    name = f"alembic_ls_scratch_{secrets.token_hex(6)}"
    if backend == "postgresql":
        _admin_execute(url.set(database="postgres"), [f'CREATE DATABASE "{name}"'])
    elif backend in ("mysql", "mariadb"):
        _admin_execute(url.set(database=None), [f"CREATE DATABASE `{name}`"])
    else:
        raise RequestError(
            f"scratch databases are supported on SQLite, PostgreSQL and MySQL; this project uses {backend}"
        )
    return _describe(url.set(database=name), name)


def is_scratch(url: str) -> bool:
    """Whether `url` names a database `create` made (a file in its folder, or its database name)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = parsed.database or ""
    if parsed.get_backend_name() == "sqlite":
        return os.path.basename(os.path.dirname(name)).startswith("alembic-ls-scratch-")
    return name.startswith("alembic_ls_scratch_")


def drop(job: Job) -> protocol.ScratchDropResult:
    from sqlalchemy.engine import make_url

    url = make_url(job.params["url"])
    name = str(job.params["name"])
    backend = url.get_backend_name()
    if backend == "sqlite":
        folder = os.path.dirname(name)
        if os.path.basename(folder).startswith("alembic-ls-scratch-"):
            shutil.rmtree(folder, ignore_errors=True)
        return {"dropped": name}
    if not name.startswith("alembic_ls_scratch_"):
        raise RequestError(f"refusing to drop {name!r}: not a scratch database made by alembic-ls")
    if backend == "postgresql":
        admin = url.set(database="postgres")
        try:
            _admin_execute(admin, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])
        except Exception:  # PostgreSQL < 13 has no FORCE: end the sessions first
            _admin_execute(
                admin,
                [
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
                    f'DROP DATABASE IF EXISTS "{name}"',
                ],
            )
    else:
        _admin_execute(url.set(database=None), [f"DROP DATABASE IF EXISTS `{name}`"])
    return {"dropped": name}

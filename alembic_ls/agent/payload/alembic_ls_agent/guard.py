"""Connection guards installed around env.py runs.

- passive: reading the current revision must never write. SQLite is opened read-only (and a missing file
  is not created); PostgreSQL sessions start with `default_transaction_read_only`.
- scratch: every connection must go to the scratch database; env.py that ignores `sqlalchemy.url`
  (e.g. reads DATABASE_URL) is stopped before it runs a single statement on the real database.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from .errors import ScratchUnsafe


class DatabaseFileMissing(Exception):
    """A passive read found no SQLite file: the database is empty, and must not be created by looking."""


def _sqlite_read_only(cargs: list[Any], cparams: dict[str, Any]) -> None:
    database = cargs[0] if cargs else cparams.get("database")
    if not isinstance(database, str) or database in ("", ":memory:") or cparams.get("uri"):
        return
    if not os.path.exists(database):
        raise DatabaseFileMissing(database)
    uri = "file:" + quote(os.path.abspath(database)) + "?mode=ro"
    if cargs:
        cargs[0] = uri
    else:
        cparams["database"] = uri
    cparams["uri"] = True


def _postgresql_read_only(driver: str, cparams: dict[str, Any]) -> None:
    if driver in ("psycopg", "psycopg2", "psycopg2cffi"):
        option = "-c default_transaction_read_only=on"
        existing = cparams.get("options")
        cparams["options"] = f"{existing} {option}" if existing else option
    elif driver == "asyncpg":
        settings = dict(cparams.get("server_settings") or {})
        settings["default_transaction_read_only"] = "on"
        cparams["server_settings"] = settings


@contextlib.contextmanager
def passive() -> Iterator[None]:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def read_only(dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]) -> None:
        if dialect.name == "sqlite":
            _sqlite_read_only(cargs, cparams)
        elif dialect.name == "postgresql":
            _postgresql_read_only(dialect.driver, cparams)

    event.listen(Engine, "do_connect", read_only)
    try:
        yield
    finally:
        event.remove(Engine, "do_connect", read_only)


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    """The comparable part of connect arguments (drivers add objects such as adapters)."""
    return {k: v for k, v in params.items() if isinstance(v, (str, int, float)) and k != "password"}


@contextlib.contextmanager
def only_database(url: str) -> Iterator[None]:
    """Refuse, before the driver connects, any connection whose target differs from `url`."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine, make_url

    expected = make_url(url)

    def check(dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]) -> None:
        same = dialect.name == expected.get_backend_name()
        if same:
            want_args, want_params = dialect.create_connect_args(expected)
            same = [str(a) for a in cargs] == [str(a) for a in want_args] and all(
                cparams.get(key) == value for key, value in _plain(want_params).items()
            )
        if not same:
            target = ", ".join(str(a) for a in cargs) or ", ".join(
                f"{k}={v}" for k, v in _plain(cparams).items()
            )
            raise ScratchUnsafe(
                f"env.py connects to {dialect.name} ({target}) instead of the scratch database "
                f"{expected.render_as_string(hide_password=True)}: it does not use sqlalchemy.url from the "
                "Alembic config, so a scratch run could touch your real database. Stopped before connecting."
            )

    event.listen(Engine, "do_connect", check)
    try:
        yield
    finally:
        event.remove(Engine, "do_connect", check)

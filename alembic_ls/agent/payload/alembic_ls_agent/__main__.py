"""`python -m alembic_ls_agent`: keep the protocol on private descriptors, announce, serve."""

from __future__ import annotations

import os
import sys

from . import protocol
from .loop import Loop, Writer


def _versions() -> tuple[dict[str, str | None], str | None]:
    found: dict[str, str | None] = {"alembic": None, "sqlalchemy": None}
    try:
        import sqlalchemy

        found["sqlalchemy"] = sqlalchemy.__version__
    except ImportError:
        pass
    try:
        import alembic

        found["alembic"] = getattr(alembic, "__version__", "unknown")
        # Imported once here so that every forked worker starts with them loaded.
        import alembic.autogenerate
        import alembic.command
        import alembic.runtime.environment
        import alembic.script
    except ImportError as exc:
        return found, f"{exc}"
    return found, None


def main() -> None:
    # Anything the project prints (env.py, models, alembic itself) must not corrupt the protocol:
    # the protocol keeps private copies of stdin/stdout, and fd 1 becomes stderr.
    in_fd = os.dup(0)
    out_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    writer = Writer(out_fd)
    versions, alembic_error = _versions()
    ready: protocol.Ready = {
        "event": protocol.READY_EVENT,
        "protocol": protocol.PROTOCOL_VERSION,
        "pid": os.getpid(),
        "executable": sys.executable,
        "python": sys.version.split()[0],
        "fork": hasattr(os, "fork"),
        "alembicError": alembic_error,
        "alembic": versions["alembic"],
        "sqlalchemy": versions["sqlalchemy"],
    }
    writer.send(ready)
    Loop(in_fd, writer, alembic_error).run()


if __name__ == "__main__":
    main()

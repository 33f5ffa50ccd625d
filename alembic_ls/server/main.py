"""`alembic-ls serve`: build the server from its capability modules and run it."""

from __future__ import annotations

import logging
import sys

from alembic_ls.analysis.index import IndexCache
from alembic_ls.server import (
    agent_hub,
    code_actions,
    code_lens,
    commands,
    completion,
    configuration,
    diagnostics,
    file_watching,
    lifecycle,
    navigation,
    symbols,
)
from alembic_ls.server.server import AlembicLanguageServer, ClientLogHandler

CAPABILITIES = (
    lifecycle,
    configuration,
    diagnostics,
    file_watching,
    code_actions,
    navigation,
    symbols,
    code_lens,
    completion,
    commands,
    agent_hub,  # pushes alembic-ls/status once projects are indexed (trusted workspaces only)
)


def create_server(cache: IndexCache | None = None) -> AlembicLanguageServer:
    server = AlembicLanguageServer(cache)
    for capability in CAPABILITIES:
        capability.register(server)
    return server


def serve(tcp: str | None) -> None:
    server = create_server()
    package_logger = logging.getLogger("alembic_ls")
    package_logger.setLevel(logging.INFO)
    package_logger.addHandler(ClientLogHandler(server))
    package_logger.propagate = False
    # pygls's own warnings go to stderr, which every client keeps in its log.
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(name)s: %(message)s")
    if tcp is None:
        server.start_io()
        return
    host, _, port = tcp.rpartition(":")
    if not port.isdigit():
        raise SystemExit(f"alembic-ls: --tcp wants HOST:PORT, got {tcp!r}")
    server.start_tcp(host or "127.0.0.1", int(port))

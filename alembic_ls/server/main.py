"""`alembic-ls serve`: build the server (its session, then its capability modules) and run it."""

from __future__ import annotations

import logging
import sys

from alembic_ls.analysis.index import IndexCache
from alembic_ls.generated_code_cache import forget_generated_sources
from alembic_ls.server import (
    agent_commands,
    code_actions,
    code_lens,
    commands,
    completion,
    configuration,
    describe_revision,
    diagnostics_scheduler,
    file_watching,
    graph_command,
    lifecycle,
    navigation,
    symbols,
    trace_locks,
)
from alembic_ls.server.agent_hub import AgentHub
from alembic_ls.server.code_actions import CodeActions
from alembic_ls.server.diagnostics_scheduler import DiagnosticsEngine
from alembic_ls.server.server import AlembicLanguageServer, ClientLogHandler
from alembic_ls.server.session import Session

CAPABILITIES = (
    lifecycle,
    configuration,
    diagnostics_scheduler,
    file_watching,
    code_actions,
    navigation,
    symbols,
    code_lens,
    completion,
    trace_locks,  # inlay hints of the editor's lock traces
)
# Commands beyond the built-in ones (commands.BUILTIN), each module's `register(registry)`.
COMMAND_MODULES = (agent_commands, graph_command, describe_revision)


def create_server(cache: IndexCache | None = None) -> AlembicLanguageServer:
    """The composition root: the server, its session, then every capability on top of them."""
    server = AlembicLanguageServer(cache)
    server.session = Session(
        diagnostics=DiagnosticsEngine(server), code_actions=CodeActions(server), agents=AgentHub(server)
    )
    for capability in CAPABILITIES:
        capability.register(server)
    commands.register_commands(server, COMMAND_MODULES)
    return server


def serve(tcp: str | None) -> None:
    server = create_server()
    forget_generated_sources()  # every class is defined by now: memory a server never reads
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

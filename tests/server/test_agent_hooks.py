"""The server is composed in one place (server/main.py): its session's parts exist before any
capability registers, and the agent hub hears about saves through the diagnostics scheduler's own
didSave handler, not by replacing it."""

from __future__ import annotations

from lsprotocol import types

from alembic_ls.analysis.index import IndexCache
from alembic_ls.server.agent_hub import AgentHub
from alembic_ls.server.code_actions import CodeActions
from alembic_ls.server.diagnostics_scheduler import DiagnosticsEngine
from alembic_ls.server.main import create_server


def test_the_session_is_built_before_the_capabilities() -> None:
    server = create_server(IndexCache(None))
    session = server.session
    assert isinstance(session.diagnostics, DiagnosticsEngine)
    assert isinstance(session.code_actions, CodeActions)
    assert isinstance(session.agents, AgentHub)
    assert session.diagnostics.server is server and session.code_actions.server is server


def test_saves_reach_the_agent_hub_through_the_schedulers_own_handler() -> None:
    server = create_server(IndexCache(None))
    handler = server.protocol.fm.features[types.TEXT_DOCUMENT_DID_SAVE]
    assert (handler.__module__, handler.__name__) == ("alembic_ls.server.diagnostics_scheduler", "did_save")
    seen: list[str] = []
    server.session.agents.document_saved = seen.append  # type: ignore[method-assign]
    server.session.diagnostics.document_changed = lambda uri: None  # type: ignore[method-assign]
    handler(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri="file:///m.py")))
    assert seen == ["file:///m.py"]


def test_every_command_module_is_registered() -> None:
    server = create_server(IndexCache(None))
    commands = set(server.protocol.fm.commands)
    assert {
        "alembic-ls.upgrade",
        "alembic-ls.revisionGraph",
        "alembic-ls.describeRevision",
        "alembic-ls.fixAll",
    } <= commands

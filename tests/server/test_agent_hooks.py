"""The agent side plugs into the server through its hooks, not by replacing the server's handlers."""

from __future__ import annotations

from lsprotocol import types

from alembic_ls.analysis.index import IndexCache
from alembic_ls.server import agent_hub
from alembic_ls.server.main import create_server


def test_saves_reach_the_agent_through_save_listeners() -> None:
    server = create_server(IndexCache(None))
    assert server.save_listeners == [agent_hub.document_saved]
    # didSave stays the diagnostics engine's own handler (it calls the listeners), not a wrapper of it.
    handler = server.protocol.fm.features[types.TEXT_DOCUMENT_DID_SAVE]
    assert (handler.__module__, handler.__name__) == ("alembic_ls.server.diagnostics", "did_save")

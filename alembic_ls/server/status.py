"""The `alembic-ls/status` notification (server -> client): the one place it is sent from.

Contract (see .coord/CONTEXT.md), params:
    {"projects": [{"scriptLocation": str, "current": [str] | null, "heads": [str], "pending": int,
                   "drift": int, "databaseError": str | null, "driftNotCompared": str | null}]}
`driftNotCompared` says why the last drift check compared nothing (the database is behind the head, or does
not exist yet); `drift` is then 0 without meaning "no drift".
Clients that do not know the method ignore it and lose nothing.

The language server itself knows only the static half (heads); whoever knows the database half
(the agent side) builds the payload and calls `send_status`. To recompute when the indexes change,
append a callable to `server.projects_listeners`; it is called with the server and the projects
whose revisions changed, after the initial indexing, after re-indexing and after graph edits.
"""

from __future__ import annotations

from typing import Any

from alembic_ls.server.server import AlembicLanguageServer

STATUS_METHOD = "alembic-ls/status"


def send_status(server: AlembicLanguageServer, projects: list[dict[str, Any]]) -> None:
    server.protocol.notify(STATUS_METHOD, {"projects": projects})

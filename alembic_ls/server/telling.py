"""Telling the user what a command did when the client cannot show it.

`window/showDocument` is optional in LSP. A client without it (Neovim 0.7, for one) cannot be
asked to open the migration a command generated, the SQL it wrote or the revision a code lens
points at, and such a client also drops what `workspace/executeCommand` answers: the command
would run in silence. Such a client is told the outcome with `window/showMessage` instead, naming
the files (`path:line` for a place in a file). A result may also ask to be told to every client
(`"tell": true`): a lens whose whole job is to explain something.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from alembic_ls.server.paths import uri_to_path
from alembic_ls.server.server import AlembicLanguageServer


def can_show_documents(server: AlembicLanguageServer) -> bool:
    window = server.client_capabilities.window
    show = window.show_document if window else None
    return bool(show and show.support)


async def show_document(
    server: AlembicLanguageServer, uri: str, selection: types.Range | None = None
) -> bool | None:
    """Ask the client to open `uri` (and select `selection`): whether it did; None when the client
    cannot show documents (tell it with `tell_outcome` instead)."""
    if not can_show_documents(server):
        return None
    shown = await server.window_show_document_async(
        types.ShowDocumentParams(uri=uri, take_focus=True, selection=selection)
    )
    return bool(shown and shown.success)


def tell_outcome(server: AlembicLanguageServer, result: dict[str, Any]) -> None:
    """Show a command's result to a user whose client would not (marks it `"told": true`)."""
    wanted = result.get("tell") is True or not can_show_documents(server)
    if not wanted or result.get("told"):
        return
    message = result.get("message")
    if not isinstance(message, str) or not message:
        return
    text = "\n".join([f"alembic-ls: {message}", *(p for p in places(result) if p not in message)])
    kind = types.MessageType.Info if result.get("ok", True) is not False else types.MessageType.Warning
    server.window_show_message(types.ShowMessageParams(type=kind, message=text))
    result["told"] = True


def places(result: dict[str, Any]) -> list[str]:
    """The files a result names: its documents, or its uri (with the line its range starts on)."""
    uris = result.get("documents")
    if isinstance(uris, list):
        return [path for uri in uris if isinstance(uri, str) and (path := uri_to_path(uri))]
    uri = result.get("uri")
    path = uri_to_path(uri) if isinstance(uri, str) else None
    if path is None:
        return []
    start = result.get("range", {}).get("start", {}) if isinstance(result.get("range"), dict) else {}
    line = start.get("line")
    return [f"{path}:{line + 1}" if isinstance(line, int) else path]

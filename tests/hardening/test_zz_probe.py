from pathlib import Path
from e2e_support import RecordingClient, open_document, wait_for, codes
from lsprotocol import types
from alembic_ls.server.paths import path_to_uri

BREAKS = {
  "syntax": "[alembic\nscript_location = %(here)s/migrations\n",
  "bytes": b"[alembic]\nscript_location = \xff\xfe%(here)s/migrations\n",
  "interp": "[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = %(nope)s\n",
  "sep": "[alembic]\nscript_location = %(here)s/migrations\npath_separator = pipe\nversion_locations = a|b\n",
  "nowhere": "[alembic]\nscript_location = %(here)s/nowhere\n",
  "nosection": "[loggers]\nkeys = root\n",
  "empty": "",
}

async def test_probe(static_client: RecordingClient, demo_copy: Path) -> None:
    client = static_client
    ini = demo_copy / "alembic.ini"
    good = ini.read_bytes()
    uri, _ = open_document(client, demo_copy / "migrations/versions/4d5e6f708192_add_slug_to_post.py")
    await wait_for(client, uri, version=1)
    for name, data in BREAKS.items():
        mark = len(client.publications); msgs = len(client.messages); logs = len(client.log_messages)
        ini.write_bytes(data if isinstance(data, bytes) else data.encode())
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=path_to_uri(str(ini)), type=types.FileChangeType.Changed)]))
        await client.wait_for_notification("window/logMessage")
        import asyncio
        for _ in range(20):
            await client.wait_for_notification("window/logMessage")
            if any("indexed in" in m.message for m in client.log_messages[logs:]): break
        print("\n==", name, [m.message for m in client.messages[msgs:]], [m.message for m in client.log_messages[logs:]])
        print("   pubs", [(p.uri.rsplit('/',1)[-1], codes(p.diagnostics)) for p in client.publications[mark:]])
        sym = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri)))
        print("   symbols", sym is not None)
        ini.write_bytes(good)
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=path_to_uri(str(ini)), type=types.FileChangeType.Changed)]))
        logs = len(client.log_messages)
        for _ in range(20):
            await client.wait_for_notification("window/logMessage")
            if any("indexed in" in m.message for m in client.log_messages[logs:]): break

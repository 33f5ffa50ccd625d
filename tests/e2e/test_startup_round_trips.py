"""At start the server asks the client three things (its settings, and to register for settings
changes and for file events) and indexes once all three are answered: it asks them at once, so a
client that is slow to answer at start (VS Code's extension host is busy then) delays the first
diagnostics by one round trip, not three."""

from __future__ import annotations

from pathlib import Path

from raw_jsonrpc import raw_server

from alembic_ls.server.paths import path_to_uri

SLUG = Path("migrations/versions/4d5e6f708192_add_slug_to_post.py")  # AM306 and AM104
VS_CODE_LIKE = {
    "workspace": {
        "configuration": True,
        "didChangeConfiguration": {"dynamicRegistration": True},
        "didChangeWatchedFiles": {"dynamicRegistration": True},
    },
    "textDocument": {"publishDiagnostics": {"versionSupport": True}},
}


async def test_registrations_do_not_wait_for_the_settings(demo_copy: Path) -> None:
    root_uri = path_to_uri(str(demo_copy.resolve()))
    async with raw_server(demo_copy) as client:
        await client.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": demo_copy.name}],
                "capabilities": VS_CODE_LIKE,
                "initializationOptions": {"trusted": False},
            },
        )
        client.hold("workspace/configuration")
        await client.notify("initialized", {})

        # Both registrations arrive while the settings are still unanswered.
        registrations = await client.requests_of("client/registerCapability", 2)
        methods = {r["params"]["registrations"][0]["method"] for r in registrations}
        assert methods == {"workspace/didChangeConfiguration", "workspace/didChangeWatchedFiles"}
        assert not client.notifications_of("textDocument/publishDiagnostics")  # indexing waits

        # Answered now, the settings still count: the server was waiting for them, not giving up.
        client.answers["workspace/configuration"] = [{"ignore": ["AM104"]}]
        await client.release("workspace/configuration")
        slug = path_to_uri(str((demo_copy / SLUG).resolve()))
        published = await client.notification("textDocument/publishDiagnostics", lambda p: p["uri"] == slug)
        assert {d["code"] for d in published["params"]["diagnostics"]} == {"AM306"}  # AM104 ignored
        await client.request("shutdown", None)

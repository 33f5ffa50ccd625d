"""Every request is answered, even with params the server cannot read (issue 13 item 4).

The methods come from the server's own feature registry, so a method added later is covered
without touching this test. Each request gets JSON-RPC's -32602 Invalid params for every malformed
shape; every notification with malformed params is dropped without harm; and the server keeps
serving throughout, then shuts down cleanly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
from lsprotocol.types import METHOD_TO_TYPES
from raw_jsonrpc import Message, RawClient, raw_server

from alembic_ls.server.main import create_server
from alembic_ls.server.paths import path_to_uri

INVALID_PARAMS = -32602
INVALID_REQUEST = -32600
SLUG = Path("migrations/versions/4d5e6f708192_add_slug_to_post.py")
# Params no method with params takes: LSP params are objects with named members.
ALWAYS_MALFORMED: tuple[object, ...] = ([], "not params", 42, None)


def registered_methods() -> list[str]:
    features = create_server().protocol.fm
    return sorted({*features.builtin_features, *features.features})


def params_type(method: str) -> Any:
    assert method in METHOD_TO_TYPES, f"{method} is not an LSP method: give this test its params"
    return METHOD_TO_TYPES[method][2]


def is_request(method: str) -> bool:
    return METHOD_TO_TYPES[method][1] is not None


def takes_params(method: str) -> bool:
    """`shutdown`, `exit`, `initialized` have no params members: nothing in them can be wrong."""
    kind = params_type(method)
    return kind is not None and len(attrs.fields(kind)) > 0


def malformed_params(method: str) -> list[object]:
    kind = params_type(method)
    shapes = list(ALWAYS_MALFORMED)
    if any(field.default is attrs.NOTHING for field in attrs.fields(kind)):
        shapes.append({})  # its required members missing
    return shapes


def assert_invalid_params(answer: Message, method: str) -> None:
    assert "result" not in answer, (method, answer)
    assert answer["error"]["code"] == INVALID_PARAMS, (method, answer)
    assert method in answer["error"]["message"], answer


async def still_serving(client: RawClient, uri: str) -> None:
    answer = await client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert answer.get("error") is None and answer["result"], answer


async def test_every_request_with_malformed_params_gets_invalid_params(demo_copy: Path) -> None:
    methods = registered_methods()
    assert "textDocument/codeAction" in methods and "initialize" in methods
    root_uri = path_to_uri(str(demo_copy.resolve()))
    uri = path_to_uri(str((demo_copy / SLUG).resolve()))
    async with raw_server(demo_copy) as client:
        for params in malformed_params("initialize"):
            assert_invalid_params(await client.request("initialize", params), "initialize")
        initialized = await client.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root_uri,
                "capabilities": {},
                "initializationOptions": {"trusted": False},
            },
        )
        assert "capabilities" in initialized["result"], initialized
        await client.notify("initialized", {})
        await still_serving(client, uri)

        requests = [m for m in methods if is_request(m) and takes_params(m) and m != "initialize"]
        assert len(requests) >= 10, requests
        for method in requests:
            for params in malformed_params(method):
                assert_invalid_params(await client.request(method, params), method)
        # The case: a code action for a diagnostic without its range.
        incomplete = {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [{"message": "AM104", "code": "AM104"}]},
        }
        assert_invalid_params(
            await client.request("textDocument/codeAction", incomplete), "textDocument/codeAction"
        )
        await still_serving(client, uri)

        notifications = [m for m in methods if not is_request(m) and takes_params(m)]
        assert "textDocument/didChange" in notifications
        for method in notifications:
            for params in malformed_params(method):
                await client.notify(method, params)
        await still_serving(client, uri)

        # A request whose id is not an id: answered with id null, as JSON-RPC says.
        await client.send({"jsonrpc": "2.0", "id": [7], "method": "textDocument/hover", "params": {}})
        unreadable = await client.next_unmatched()
        assert "id" in unreadable, unreadable
        assert unreadable["id"] is None and unreadable["error"]["code"] == INVALID_REQUEST, unreadable

        assert (await client.request("shutdown", None)).get("error") is None
        late = await client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
        assert late["error"]["code"] == INVALID_REQUEST, late
        await client.notify("exit", None)
        assert await client.process.wait() == 0


async def test_an_unreadable_answer_from_the_client_fails_the_servers_request(demo_copy: Path) -> None:
    """The server asks for settings; an answer it cannot read ends that request at once (it used to
    wait for its timeout), and initializationOptions apply."""
    root_uri = path_to_uri(str(demo_copy.resolve()))
    async with raw_server(demo_copy) as client:
        client.answers["workspace/configuration"] = 5  # not the list of settings objects asked for
        capabilities = {"workspace": {"configuration": True}}
        await client.request(
            "initialize", {"processId": None, "rootUri": root_uri, "capabilities": capabilities}
        )
        await client.notify("initialized", {})
        logged = await client.notification(
            "window/logMessage", lambda params: "workspace/configuration failed" in params["message"]
        )
        assert "could not be read" in logged["params"]["message"], logged
        await still_serving(client, path_to_uri(str((demo_copy / SLUG).resolve())))

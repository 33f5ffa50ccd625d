"""The LSP side of the agent tests: a recording client that also keeps `alembic-ls/status`, log lines and
code lens refresh requests, and can wait until what it has received satisfies a condition."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from typing import Any, Union

import pytest_lsp
from cattrs import Converter
from e2e_support import TIMEOUT_S, RecordingClient, _apply_edit, _publish, _refreshed, _register_capability
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

STATUS = "alembic-ls/status"


def _converter() -> Converter:
    """pygls's converter, reading `(Command | CodeAction)[]` as LSP clients do.

    lsprotocol takes any element with a `command` key for a Command, so a CodeAction that runs a
    command (AM601's "Generate migration…") came back as a Command holding the action's repr. A Command's
    `command` is a string; a CodeAction's is an object (vscode-languageclient and Neovim tell them apart
    the same way)."""
    converter = default_converter()

    def command_or_action(value: Any, _type: type) -> types.Command | types.CodeAction:
        if isinstance(value.get("command"), str):
            return converter.structure(value, types.Command)
        return converter.structure(value, types.CodeAction)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], command_or_action)  # noqa: UP007
    return converter


class AgentClient(RecordingClient):
    """Also keeps every `alembic-ls/status` notification, log line and code lens refresh request."""

    def __init__(self) -> None:
        super().__init__(converter_factory=_converter)
        self.statuses: list[dict[str, Any]] = []
        self.status_seen = asyncio.Event()
        self.lens_refreshes = 0
        self.arrived = asyncio.Event()  # set by anything the server sends

    def record(self, params: types.PublishDiagnosticsParams) -> None:
        super().record(params)
        self.arrived.set()


def _status(client: AgentClient, params: Any) -> None:
    client.statuses.append(_plain(params))
    client.status_seen.set()
    client.arrived.set()


def _log(client: AgentClient, params: types.LogMessageParams) -> None:
    client.log_messages.append(params)
    client.arrived.set()


def _refresh_lenses(client: AgentClient, params: None) -> None:
    client.lens_refreshes += 1
    client.arrived.set()


def make_agent_client() -> AgentClient:
    """e2e_support's recording client, plus the status notification."""
    client = AgentClient()
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _publish
    features[types.WORKSPACE_APPLY_EDIT] = _apply_edit
    features[types.CLIENT_REGISTER_CAPABILITY] = _register_capability
    features[STATUS] = _status
    features[types.WINDOW_LOG_MESSAGE] = _log
    features[types.WORKSPACE_CODE_LENS_REFRESH] = _refresh_lenses
    features[types.WORKSPACE_INLAY_HINT_REFRESH] = _refreshed  # after a trace, as VS Code answers
    register_lsp_features(client, features)
    return client


def _plain(value: Any) -> Any:
    """pygls hands custom notifications over as attribute objects; compare them as JSON."""
    if hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "__dict__") and not isinstance(value, str | int | float | bool):
        return {k: _plain(v) for k, v in vars(value).items()}
    return value


CONFIG = ClientServerConfig(
    server_command=[sys.executable, "-m", "alembic_ls", "serve"], client_factory=make_agent_client
)


@pytest_lsp.fixture(config=CONFIG, name="lsp")
async def lsp_fixture(lsp_client: AgentClient) -> AsyncIterator[AgentClient]:
    yield lsp_client
    await lsp_client.shutdown_session()


async def command(client: AgentClient, name: str, **args: Any) -> dict[str, Any]:
    result = await asyncio.wait_for(
        client.workspace_execute_command_async(types.ExecuteCommandParams(command=name, arguments=[args])),
        120,
    )
    assert isinstance(result, dict), result
    return result


async def next_status(client: AgentClient, where: Any = lambda entry: True) -> dict[str, Any]:
    """The first status notification (from now on, or already received) whose project entry matches."""

    async def find() -> dict[str, Any]:
        seen = 0
        while True:
            for params in client.statuses[seen:]:
                entry = params["projects"][0]
                if where(entry):
                    return entry
            seen = len(client.statuses)
            client.status_seen.clear()
            await client.status_seen.wait()

    return await asyncio.wait_for(find(), TIMEOUT_S * 3)


async def until(client: AgentClient, condition: Callable[[], bool], timeout: float = TIMEOUT_S * 3) -> None:
    """Wait until `condition()` holds, looking again whenever the server sends something."""

    async def watch() -> None:
        while True:
            client.arrived.clear()
            if condition():
                return
            await client.arrived.wait()

    await asyncio.wait_for(watch(), timeout)


def logged_since(client: AgentClient, mark: int, text: str) -> bool:
    return any(text in entry.message for entry in client.log_messages[mark:])

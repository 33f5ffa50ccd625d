"""The LSP side of the agent tests: a recording client that also keeps `alembic-ls/status`."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest_lsp
from e2e_support import TIMEOUT_S, RecordingClient
from lsprotocol import types
from pytest_lsp import ClientServerConfig
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

STATUS = "alembic-ls/status"


class AgentClient(RecordingClient):
    """Also keeps every `alembic-ls/status` notification."""

    def __init__(self) -> None:
        super().__init__()
        self.statuses: list[dict[str, Any]] = []
        self.status_seen = asyncio.Event()


def _publish(client: AgentClient, params: types.PublishDiagnosticsParams) -> None:
    client.record(params)


def _apply_edit(
    client: AgentClient, params: types.ApplyWorkspaceEditParams
) -> types.ApplyWorkspaceEditResult:
    client.applied_edits.append(params.edit)
    return types.ApplyWorkspaceEditResult(applied=True)


def _register_capability(client: AgentClient, params: types.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)


def _status(client: AgentClient, params: Any) -> None:
    client.statuses.append(_plain(params))
    client.status_seen.set()


def make_agent_client() -> AgentClient:
    """e2e_support's recording client, plus the status notification."""
    client = AgentClient()
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _publish
    features[types.WORKSPACE_APPLY_EDIT] = _apply_edit
    features[types.CLIENT_REGISTER_CAPABILITY] = _register_capability
    features[STATUS] = _status
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

"""A real alembic-ls process per test, driven over stdio with VS Code's and Neovim's capabilities."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from e2e_support import CLIENTS, CONFIG, RecordingClient, start


@pytest_lsp.fixture(config=CONFIG, params=CLIENTS)
async def client(
    lsp_client: RecordingClient, request: pytest.FixtureRequest, demo_copy: Path
) -> AsyncIterator[None]:
    """Initialised on a copy of examples/blog, untrusted: the static server only, no agent process.

    (The tests that start from `fresh_client` run with the default, trusted, settings.)"""
    await start(lsp_client, demo_copy, request.param, initialization_options={"trusted": False})
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG, params=CLIENTS)
async def fresh_client(lsp_client: RecordingClient, request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Not initialised yet: the test chooses settings and calls `start(client, root, client.spec)`."""
    lsp_client.spec = request.param
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def bare_client(lsp_client: RecordingClient) -> AsyncIterator[None]:
    """Not initialised, not parametrised: for tests that bring their own client capabilities."""
    yield
    await lsp_client.shutdown_session()

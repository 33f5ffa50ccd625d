"""The e2e suite's real-server fixtures, for the hardening tests (fuzzing, editing storms, faults).

tests/e2e is put on sys.path so its helpers (`e2e_support`, `agent_lsp_support`) are shared, not copied.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "e2e"))

import pytest_lsp
from e2e_support import CLIENTS, CONFIG, RecordingClient, start


@pytest_lsp.fixture(config=CONFIG, params=CLIENTS)
async def static_client(
    lsp_client: RecordingClient, request: pytest.FixtureRequest, demo_copy: Path
) -> AsyncIterator[None]:
    """Initialised on a copy of examples/blog, untrusted (static analysis only), as VS Code and Neovim."""
    await start(lsp_client, demo_copy, request.param, initialization_options={"trusted": False})
    yield
    await lsp_client.shutdown_session()

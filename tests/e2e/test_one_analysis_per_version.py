"""Requests on one document version read the analysis its diagnostics made: never a second one.

A 5 MB revision took 16 s to its diagnostics and then 23 s more for the requests on it, each
analysing the same text again (issue 13, item 8). The server here is the real one, started through
`counting_server.py`, which counts every full analysis by the text analysed.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from e2e_support import RecordingClient, change_document, make_client, open_document, start, wait_for
from lsprotocol import types
from pytest_lsp import ClientServerConfig

from alembic_ls.analysis.collector import BIG_TEXT
from alembic_ls.analysis.source_text import split_lines

HEAD = Path("migrations/versions/6f708192a3b4_add_subtitle_to_post.py")
COUNTING = ClientServerConfig(
    server_command=[sys.executable, str(Path(__file__).with_name("counting_server.py"))],
    client_factory=make_client,
)
# Findings with quick fixes (AM104's comment, AM202's derived downgrade, the suppressions).
EXTRA = (
    "\n    op.execute(\"UPDATE post SET subtitle = ''\")\n"
    "    op.create_index('ix_post_subtitle', 'post', ['subtitle'])\n"
)


@pytest_lsp.fixture(config=COUNTING, params=["visual_studio_code", "neovim"])
async def counting_client(
    lsp_client: RecordingClient, request: pytest.FixtureRequest, demo_copy: Path
) -> AsyncIterator[None]:
    await start(lsp_client, demo_copy, request.param, initialization_options={"trusted": False})
    yield
    await lsp_client.shutdown_session()


def _text_key(text: str) -> str:
    return hashlib.sha1("\n".join(split_lines(text)).encode()).hexdigest()


async def _analyses(client: RecordingClient, text: str) -> int:
    counts = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="alembic-ls.test.analyses")
    )
    return int(counts.get(_text_key(text), 0))


async def _every_request(client: RecordingClient, uri: str, text: str) -> int:
    """Hover, completion, code actions (each resolved), code lens and symbols; the actions' count."""
    lines = split_lines(text)
    doc = types.TextDocumentIdentifier(uri=uri)
    line = next(i for i, t in enumerate(lines) if t.startswith("down_revision"))
    on_id = types.Position(line=line, character=lines[line].index("'") + 2)
    await client.text_document_hover_async(types.HoverParams(text_document=doc, position=on_id))
    await client.text_document_completion_async(types.CompletionParams(text_document=doc, position=on_id))
    everything = types.Range(
        start=types.Position(line=0, character=0), end=types.Position(line=len(lines), character=0)
    )
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc,
            range=everything,
            context=types.CodeActionContext(diagnostics=list(client.diagnostics.get(uri, []))),
        )
    )
    for action in actions or []:
        if isinstance(action, types.CodeAction) and action.edit is None and action.data is not None:
            await client.code_action_resolve_async(action)
    await client.text_document_code_lens_async(types.CodeLensParams(text_document=doc))
    await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc))
    return len(actions or [])


@pytest.mark.asyncio
async def test_requests_on_a_version_reuse_the_analysis_of_its_diagnostics(
    counting_client: RecordingClient, demo_copy: Path
) -> None:
    lsp_client = counting_client
    uri, text = open_document(lsp_client, demo_copy / HEAD)
    await wait_for(lsp_client, uri, version=1)
    edited = text.replace(
        "    # ### end Alembic commands ###\n", "    # ### end Alembic commands ###\n" + EXTRA, 1
    )
    version = change_document(lsp_client, uri, edited)
    await wait_for(lsp_client, uri, version=version)
    assert await _analyses(lsp_client, edited) == 1

    actions = await _every_request(lsp_client, uri, edited)
    await _every_request(lsp_client, uri, edited)

    assert actions >= 3  # quick fixes were offered and built: the work that used to re-analyse
    assert await _analyses(lsp_client, edited) == 1


@pytest.mark.asyncio
async def test_a_request_ahead_of_the_diagnostics_shares_its_analysis(
    counting_client: RecordingClient, demo_copy: Path
) -> None:
    lsp_client = counting_client
    uri, text = open_document(lsp_client, demo_copy / HEAD)
    await wait_for(lsp_client, uri, version=1)
    edited = text + "\n# a note\n"
    version = change_document(lsp_client, uri, edited)
    # No wait: whichever of the requests and the diagnostics comes first analyses this version.
    await _every_request(lsp_client, uri, edited)
    await wait_for(lsp_client, uri, version=version)
    assert await _analyses(lsp_client, edited) == 1


@pytest.mark.asyncio
async def test_a_big_document_is_analysed_once_though_in_two_steps(
    counting_client: RecordingClient, demo_copy: Path
) -> None:
    """From BIG_TEXT on, the analysis runs on the parse thread, the rules on the analysis thread;
    requests sent before its diagnostics wait for that analysis: still one analysis."""
    lsp_client = counting_client
    uri, text = open_document(lsp_client, demo_copy / HEAD)
    await wait_for(lsp_client, uri, version=1)
    padding = "# a long note that pads the file past the size of a big document\n"
    edited = text + padding * (BIG_TEXT // len(padding) + 1)
    assert len(edited) >= BIG_TEXT
    version = change_document(lsp_client, uri, edited)
    await _every_request(lsp_client, uri, edited)
    await wait_for(lsp_client, uri, version=version)
    await _every_request(lsp_client, uri, edited)
    assert await _analyses(lsp_client, edited) == 1

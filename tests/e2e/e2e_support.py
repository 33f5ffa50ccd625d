"""Driving the real server over stdio: a recording client, waiting without sleeps, applying edits."""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from cattrs import Converter
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from alembic_ls.analysis.source_text import split_lines
from alembic_ls.server.paths import path_to_uri
from alembic_ls.server.positions import UTF16, from_range

SERVER_COMMAND = [sys.executable, "-m", "alembic_ls", "serve"]
TIMEOUT_S = 20.0
CLIENTS = ("visual_studio_code", "neovim")


class RecordingClient(LanguageClient):
    """A pytest-lsp client that keeps every publishDiagnostics, in order, with its version."""

    def __init__(self, converter_factory: Callable[[], Converter] = default_converter) -> None:
        super().__init__(converter_factory=converter_factory)
        self.publications: list[types.PublishDiagnosticsParams] = []
        self.published = asyncio.Event()
        self.versions: dict[str, int] = {}
        self.encoding = UTF16
        self.applied_edits: list[types.WorkspaceEdit] = []
        self.registrations: list[types.Registration] = []
        self.spec = CLIENTS[0]  # whose capabilities the fixture uses
        self.logged = asyncio.Event()

    def record(self, params: types.PublishDiagnosticsParams) -> None:
        self.publications.append(params)
        self.diagnostics[params.uri] = params.diagnostics
        self.published.set()


def _publish(client: RecordingClient, params: types.PublishDiagnosticsParams) -> None:
    client.record(params)


def _log(client: RecordingClient, params: types.LogMessageParams) -> None:
    client.log_messages.append(params)
    client.logged.set()


def _apply_edit(
    client: RecordingClient, params: types.ApplyWorkspaceEditParams
) -> types.ApplyWorkspaceEditResult:
    client.applied_edits.append(params.edit)
    return types.ApplyWorkspaceEditResult(applied=True)


def _register_capability(client: RecordingClient, params: types.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)


def _refreshed(client: RecordingClient, params: None) -> None:
    """workspace/codeLens/refresh, workspace/inlayHint/refresh: VS Code's capabilities (`start`)
    announce support, so the server may ask at any moment (the database position read by the agent,
    a trace); a client that has no handler fails the test in the middle of something else."""


def make_client() -> RecordingClient:
    client = RecordingClient()
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _publish
    features[types.WINDOW_LOG_MESSAGE] = _log
    features[types.WORKSPACE_APPLY_EDIT] = _apply_edit
    features[types.CLIENT_REGISTER_CAPABILITY] = _register_capability
    features[types.WORKSPACE_CODE_LENS_REFRESH] = _refreshed
    features[types.WORKSPACE_INLAY_HINT_REFRESH] = _refreshed
    register_lsp_features(client, features)
    return client


CONFIG = ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client)


async def start(
    client: RecordingClient,
    root: Path,
    capabilities: str | types.ClientCapabilities,
    initialization_options: dict[str, object] | None = None,
) -> types.InitializeResult:
    from pytest_lsp import client_capabilities

    params = types.InitializeParams(
        capabilities=client_capabilities(capabilities) if isinstance(capabilities, str) else capabilities,
        root_uri=path_to_uri(str(root)),
        workspace_folders=[types.WorkspaceFolder(uri=path_to_uri(str(root)), name=root.name)],
        initialization_options=initialization_options,
    )
    result = await client.initialize_session(params)
    encoding = result.capabilities.position_encoding
    client.encoding = str(getattr(encoding, "value", encoding)) if encoding else UTF16
    return result


async def wait_for(
    client: RecordingClient,
    uri: str,
    *,
    version: int | None = None,
    where: Callable[[Sequence[types.Diagnostic]], bool] = lambda _d: True,
    after: int = 0,
) -> Sequence[types.Diagnostic]:
    """The first publication for `uri` (at `version`, if given) from index `after` that satisfies `where`."""
    index = after

    async def find() -> Sequence[types.Diagnostic]:
        nonlocal index
        while True:
            while index < len(client.publications):
                publication = client.publications[index]
                index += 1
                if publication.uri != uri or (version is not None and publication.version != version):
                    continue
                if where(publication.diagnostics):
                    return publication.diagnostics
            client.published.clear()
            await client.published.wait()

    return await asyncio.wait_for(find(), TIMEOUT_S)


async def wait_for_log(client: RecordingClient, text: str) -> str:
    """The first window/logMessage containing `text`."""

    async def find() -> str:
        while True:
            client.logged.clear()
            for entry in client.log_messages:
                if text in entry.message:
                    return entry.message
            await client.logged.wait()

    return await asyncio.wait_for(find(), TIMEOUT_S)


PLANTED = (
    "migrations/versions/3c4d5e6f7081_create_tag_table.py",
    "migrations/versions/4d5e6f708192_add_slug_to_post.py",
    "migrations/versions/5e6f708192a3_add_bio_to_user.py",
    "migrations/versions/6f708192a3b4_add_subtitle_to_post.py",
)


async def initial_diagnostics(client: RecordingClient, root: Path) -> None:
    """Wait until every demo file with a planted finding has had its first diagnostics."""
    for relative in PLANTED:
        await wait_for(client, path_to_uri(str((root / relative).resolve())), where=lambda d: len(d) > 0)


def codes(diagnostics: Sequence[types.Diagnostic]) -> list[tuple[str, int]]:
    """(code, 1-based line) of each diagnostic, sorted."""
    return sorted((str(d.code), d.range.start.line + 1) for d in diagnostics)


def open_document(client: RecordingClient, path: Path) -> tuple[str, str]:
    uri = path_to_uri(str(path.resolve()))
    text = path.read_text(encoding="utf-8")
    client.versions[uri] = 1
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
        )
    )
    return uri, text


def change_document(client: RecordingClient, uri: str, text: str) -> int:
    """Replace the whole text; returns the new version."""
    version = client.versions.get(uri, 1) + 1
    client.versions[uri] = version
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    return version


def apply_lsp_edits(text: str, edits: Sequence[types.TextEdit], encoding: str) -> str:
    """Apply edits literally, as a client does (no line-break normalisation)."""
    lines = split_lines(text)
    starts = [0]
    for match in re.finditer(r"\r\n|\r|\n", text):
        starts.append(match.end())

    def offset(line: int, col: int) -> int:
        return starts[line] + col if line < len(starts) else len(text)

    spans = [(from_range(edit.range, lines, encoding), edit.new_text) for edit in edits]
    spans.sort(key=lambda item: (item[0].line, item[0].col))
    for span, new_text in reversed(spans):
        start, end = offset(span.line, span.col), offset(span.end_line, span.end_col)
        text = text[:start] + new_text + text[end:]
    return text


def edits_by_uri(edit: types.WorkspaceEdit) -> dict[str, list[types.TextEdit]]:
    found: dict[str, list[types.TextEdit]] = {}
    for uri, edits in (edit.changes or {}).items():
        found.setdefault(uri, []).extend(edits)
    for change in edit.document_changes or []:
        assert isinstance(change, types.TextDocumentEdit), change
        for text_edit in change.edits:
            assert isinstance(text_edit, types.TextEdit), "snippet edits need a client that declared them"
            found.setdefault(change.text_document.uri, []).append(text_edit)
    return found

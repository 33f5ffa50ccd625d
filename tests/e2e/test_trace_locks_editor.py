"""The editor's "Trace locks" through the real server and a real LSP client, on the real PostgreSQL
server: the code lens, the command, then the inlay hint at the op's line, the hover, AM704/AM705
among the diagnostics — all gone once the file is edited (the trace no longer matches its lines)."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic_env import MINIMAL_ENV_PY
from e2e_support import RecordingClient, change_document, open_document, start, wait_for
from lsprotocol import types

psycopg = pytest.importorskip("psycopg")

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
HEADER = '"""{rid}\n\nRevision ID: {rid}\nRevises: {down}\nCreate Date: 2026-01-01 00:00:00\n\n"""\n'
BODY = (
    "from alembic import op\nimport sqlalchemy as sa\n\n"
    "revision = {rid!r}\ndown_revision = {parent!r}\nbranch_labels = None\ndepends_on = None\n\n\n"
    "def upgrade() -> None:\n    {up}\n\n\ndef downgrade() -> None:\n    pass\n"
)
CREATE = (
    "op.create_table('account', sa.Column('id', sa.Integer(), primary_key=True), "
    "sa.Column('n', sa.Integer()))"
)
WIDEN = "op.alter_column('account', 'n', type_=sa.BigInteger(), existing_type=sa.Integer())"


def _admin() -> Any:
    try:
        return psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True, connect_timeout=3
        )
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable on 127.0.0.1:5432 as user postgres: {exc}".strip())


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    name = f"alembic_ls_lens_{uuid.uuid4().hex[:10]}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    root = tmp_path / "project"
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "migrations" / "env.py").write_text(MINIMAL_ENV_PY)
    (root / "alembic.ini").write_text(
        f"[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = {SERVER}/{name}\n"
    )
    for rid, parent, up in (("a1", None, CREATE), ("b2", "a1", WIDEN)):
        text = HEADER.format(rid=rid, down=parent or "") + BODY.format(rid=rid, parent=parent, up=up)
        (versions / f"{rid}_step.py").write_text(text)
    try:
        yield root
    finally:
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_trace_locks_shows_hints_hover_and_findings_until_the_file_changes(
    bare_client: RecordingClient, project: Path
) -> None:
    client = bare_client
    await start(
        client, project, "visual_studio_code", initialization_options={"interpreter": [sys.executable]}
    )
    uri, text = open_document(client, project / "migrations" / "versions" / "b2_step.py")
    await wait_for(client, uri, version=1)
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    [lens] = [x for x in lenses or [] if x.command and x.command.title == "Trace locks"]
    assert lens.command is not None
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=lens.command.command, arguments=lens.command.arguments)
    )
    assert result["ok"], result
    op_line = text.splitlines().index(f"    {WIDEN}")
    diagnostics = await wait_for(client, uri, where=lambda d: {"AM704", "AM705"} <= {x.code for x in d})
    assert {x.range.start.line for x in diagnostics if x.code in ("AM704", "AM705")} == {op_line}

    everything = types.Range(
        start=types.Position(line=0, character=0), end=types.Position(line=99, character=0)
    )
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=types.TextDocumentIdentifier(uri=uri), range=everything)
    )
    [hint] = hints or []
    assert hint.position.line == op_line
    assert str(hint.label).startswith("AccessExclusiveLock account") and "rewrite account" in str(hint.label)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=op_line, character=6),
        )
    )
    assert hover is not None and "Traced on PostgreSQL" in str(hover.contents)

    version = change_document(client, uri, text + "\n# edited after the trace\n")
    after = await wait_for(client, uri, version=version)
    assert not {"AM704", "AM705"} & {x.code for x in after}
    stale = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=types.TextDocumentIdentifier(uri=uri), range=everything)
    )
    assert not stale

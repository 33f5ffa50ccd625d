"""Settings over LSP: initializationOptions, `workspace/configuration` per folder, and changes.

See `client_settings.py` for what the keys mean and how they meet pyproject.toml.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from lsprotocol import types

from alembic_ls.server.server import AlembicLanguageServer
from alembic_ls.workspace.client_settings import SECTION, unwrap

logger = logging.getLogger("alembic_ls.server")
REQUEST_TIMEOUT_S = 5.0


def supports_pull(server: AlembicLanguageServer) -> bool:
    workspace = server.client_capabilities.workspace
    return bool(workspace and workspace.configuration)


def folder_uris(server: AlembicLanguageServer) -> list[str | None]:
    folders: list[str | None] = [folder.uri for folder in server.workspace.folders.values()]
    if not folders and server.workspace.root_uri:
        folders.append(server.workspace.root_uri)
    return folders or [None]


async def pull(server: AlembicLanguageServer) -> None:
    """Ask the client for the `alembicLs` section of every workspace folder."""
    if not supports_pull(server):
        return
    scopes = folder_uris(server)
    items = [types.ConfigurationItem(scope_uri=scope, section=SECTION) for scope in scopes]
    try:
        answers = await asyncio.wait_for(
            server.workspace_configuration_async(types.ConfigurationParams(items=items)), REQUEST_TIMEOUT_S
        )
    except Exception as exc:  # no answer is not fatal: initializationOptions still apply
        logger.warning("workspace/configuration failed (%s); using initializationOptions", exc)
        return
    for scope, answer in zip(scopes, answers or [], strict=False):
        server.folder_settings[scope] = unwrap(answer) if isinstance(answer, dict) else {}


async def register_for_changes(server: AlembicLanguageServer) -> None:
    """VS Code sends didChangeConfiguration to pull-model servers only once registered."""
    workspace = server.client_capabilities.workspace
    change = workspace.did_change_configuration if workspace else None
    if not (change and change.dynamic_registration):
        return
    registration = types.Registration(
        id=str(uuid.uuid4()),
        method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
        register_options=types.DidChangeConfigurationRegistrationOptions(section=SECTION),
    )
    try:
        await asyncio.wait_for(
            server.client_register_capability_async(types.RegistrationParams(registrations=[registration])),
            REQUEST_TIMEOUT_S,
        )
    except Exception as exc:
        logger.info("could not register for configuration changes: %s", exc)


def register(server: AlembicLanguageServer) -> None:
    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        try:
            if supports_pull(server):
                await pull(server)
            else:
                pushed: Any = params.settings
                server.folder_settings[None] = unwrap(pushed)
        except Exception:
            logger.exception("reading changed settings failed")
        server.session.diagnostics.refresh_settings()

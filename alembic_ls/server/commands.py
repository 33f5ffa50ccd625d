"""`workspace/executeCommand`: the command registry, and the commands the static server offers.

Adding commands from another module (e.g. `alembic_ls/server/agent_commands.py`): define

    def register(registry: CommandRegistry) -> None:
        registry.add("alembic-ls.upgrade", upgrade)

where a handler is `handler(server, args) -> dict` (or an `async def`), `args` being the command's
single object argument (`{}` when the client sent none), and list the module in `COMMAND_MODULES`
of `alembic_ls/server/main.py` (the composition root). Every handler is guarded: an exception
becomes `{"ok": false, "message": ...}` and a log line, never a JSON-RPC failure. Results are
objects with at least `ok` and `message`; a client that cannot show documents (and so drops
results) is told each one with `window/showMessage` (see `telling`). `resolve_project` finds the
project an `args["project"]` names (a file URI or a folder path inside it; optional when there is
one project).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

from lsprotocol import types

from alembic_ls.docs import doc_path, doc_uri
from alembic_ls.rules.registry import lookup
from alembic_ls.server.paths import uri_to_path
from alembic_ls.server.positions import to_range
from alembic_ls.server.revisions import declaration_span, targets
from alembic_ls.server.server import AlembicLanguageServer
from alembic_ls.server.telling import show_document, tell_outcome
from alembic_ls.workspace.state import ProjectState

logger = logging.getLogger("alembic_ls.server")

Result = dict[str, Any]
CommandHandler = Callable[[AlembicLanguageServer, dict[str, Any]], Awaitable[Result] | Result]


class CommandModule(Protocol):
    def register(self, registry: CommandRegistry) -> None: ...


class CommandRegistry:
    def __init__(self) -> None:
        self.handlers: dict[str, CommandHandler] = {}

    def add(self, name: str, handler: CommandHandler) -> None:
        if name in self.handlers:
            raise ValueError(f"command {name!r} is registered twice")
        self.handlers[name] = handler


def resolve_project(server: AlembicLanguageServer, args: dict[str, Any]) -> ProjectState | None:
    """Analysis thread: the project `args["project"]` names, or the only project."""
    projects = server.state.projects
    named = args.get("project") or args.get("uri")
    if not isinstance(named, str) or not named:
        return projects[0] if len(projects) == 1 else None
    path = uri_to_path(named) if "://" in named else str(Path(named).resolve())
    if path is None:
        return None
    owner = server.state.project_for(path)
    if owner is not None:
        return owner
    target = Path(path)
    # A folder inside a project's root, or (failing that) a folder holding the project.
    candidates = [p for p in projects if p.project.root == target or p.project.root in target.parents]
    candidates = candidates or [p for p in projects if target in p.project.root.parents]
    return max(candidates, key=lambda p: len(str(p.project.root))) if candidates else None


# -- built-in commands ----------------------------------------------------------------------------


async def fix_all(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    uri = args.get("uri")
    if not isinstance(uri, str):
        return {"ok": False, "message": "alembic-ls.fixAll needs {uri}"}
    snapshot = server.snapshot(uri)
    if snapshot is None:
        return {"ok": False, "message": f"cannot read {uri}"}
    path, version, text = snapshot
    code_actions = server.session.code_actions
    edit = await server.query(lambda: code_actions.fix_all_edit(path, text, version), None, "fixAll")
    if edit is None:
        return {"ok": True, "message": "nothing to fix", "applied": False}
    from alembic_ls.server.edits import lsp_edits, workspace_edit

    change = workspace_edit(
        server.client_capabilities, [(uri, version, lsp_edits([edit], text, server.encoding))]
    )
    response = await server.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(edit=change, label="alembic-ls: fix all")
    )
    if not response.applied:
        return {"ok": False, "message": response.failure_reason or "the editor did not apply the edit"}
    return {"ok": True, "message": "applied the safe fixes", "applied": True}


async def show_rule_doc(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    rule = lookup(str(args.get("code", "")))
    if rule is None or not doc_path(rule.code).is_file():
        return {"ok": False, "message": f"unknown rule {args.get('code')!r}"}
    uri = doc_uri(rule.code)
    result: Result = {"ok": True, "message": f"{rule.code} {rule.name}", "uri": uri}
    shown = await show_document(server, uri)
    if shown is not None:
        result["shown"] = shown
    result["markdown"] = doc_path(rule.code).read_text(encoding="utf-8")
    return result


async def open_revision(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    rid = args.get("revision")
    if not isinstance(rid, str):
        return {"ok": False, "message": "alembic-ls.openRevision needs {revision}"}

    def find() -> tuple[str, types.Range, str] | None:
        project = resolve_project(server, args)
        found = targets(project, rid) if project else []
        if not found:
            return None
        target = found[0]
        span = to_range(declaration_span(target), server.state.lines_of(target.path), server.encoding)
        return target.path, span, target.message or "no message"

    located = await server.query(find, None, "openRevision")
    if located is None:
        return {"ok": False, "message": f"revision {rid} is not in the project"}
    path, selection, title = located
    uri = server.uri_for(path)
    result: Result = {
        "ok": True,
        "message": f"Revision {rid} ({title})",
        "uri": uri,
        "range": {
            "start": {"line": selection.start.line, "character": selection.start.character},
            "end": {"line": selection.end.line, "character": selection.end.character},
        },
    }
    shown = await show_document(server, uri, selection)
    if shown is not None:
        result["shown"] = shown
    return result


async def restart(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    await server.session.diagnostics.load_workspace(server.workspace_folders())
    names = [p.name for p in server.state.projects]
    return {"ok": True, "message": f"re-indexed {len(names)} project(s)", "projects": names}


BUILTIN: dict[str, CommandHandler] = {
    "alembic-ls.fixAll": fix_all,
    "alembic-ls.showRuleDoc": show_rule_doc,
    "alembic-ls.openRevision": open_revision,
    "alembic-ls.restart": restart,
}


def register_commands(server: AlembicLanguageServer, modules: Iterable[CommandModule]) -> CommandRegistry:
    registry = CommandRegistry()
    for name, handler in BUILTIN.items():
        registry.add(name, handler)
    for module in modules:
        module.register(registry)
    for name, handler in registry.handlers.items():
        server.command(name)(_guarded(name, handler))
    return registry


def _guarded(name: str, handler: CommandHandler) -> Callable[..., Awaitable[Result]]:
    async def run(ls: AlembicLanguageServer, *arguments: object) -> Result:
        args = arguments[0] if arguments and isinstance(arguments[0], dict) else {}
        try:
            result = handler(ls, args)
            if inspect.isawaitable(result):
                result = await result
        except Exception as exc:
            logger.exception("command %s failed", name)
            result = {"ok": False, "message": f"{name} failed: {exc}"}
        tell_outcome(ls, result)
        return result

    return run

"""Code actions: each rule's quick fix, disabling a rule for a line or file, and fix-all.

A diagnostic carries its fix recipe in `data`, so an action is rebuilt from what the client sends
back. Edits are built against the document's current text; clients that can resolve code actions
lazily get the edit only for the action the user picks (`codeAction/resolve`). A recipe of kind
"command" (AM601's "Generate migration…" on a model file, AM602's "Upgrade the database to here")
becomes an action that runs the command, in any file, in a project's index or not.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types

from alembic_ls.analysis.revision_file import RevisionFile, Span
from alembic_ls.analysis.source_text import split_lines
from alembic_ls.fix_loop import apply_safe_fixes, detached
from alembic_ls.fixes import FixRefused, recipe_edits
from alembic_ls.fixes.command import RunCommand
from alembic_ls.fixes.comments import PLACEHOLDER, ExplainComment
from alembic_ls.fixes.edits import TextEdit, replacement_edit
from alembic_ls.fixes.env_lock_timeout import env_lock_timeout_edits
from alembic_ls.fixes.recipe import from_wire
from alembic_ls.fixes.write_boundary import refusal
from alembic_ls.rules.am412_no_lock_timeout import NoLockTimeout
from alembic_ls.rules.registry import RULES
from alembic_ls.server.edits import lsp_edits, snippet_escape, supports_snippet_edits, workspace_edit
from alembic_ls.server.findings_as_diagnostics import SOURCE, fix_payload
from alembic_ls.server.paths import uri_to_path
from alembic_ls.server.positions import from_range
from alembic_ls.server.server import AlembicLanguageServer
from alembic_ls.workspace.state import ProjectState

logger = logging.getLogger("alembic_ls.server")

FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.{SOURCE}"  # source.fixAll.alembic-ls
TEMPLATE = "script.py.mako"
TEMPLATE_IMPORT_ANCHOR = re.compile(r"^import sqlalchemy as sa[ \t]*$", re.M)


@dataclass(frozen=True)
class Problem:
    """One finding as the client showed it: code, range, fix recipe and the diagnostic itself."""

    code: str
    span: Span
    fix: dict[str, Any] | None
    diagnostic: types.Diagnostic | None


def kind_requested(only: list[str] | None, kind: str) -> bool:
    if only is None:
        return True
    return any(kind == wanted or kind.startswith(wanted + ".") for wanted in only)


def supports_resolve(capabilities: types.ClientCapabilities) -> bool:
    document = capabilities.text_document
    code_action = document.code_action if document else None
    support = code_action.resolve_support if code_action else None
    return bool(support and "edit" in support.properties)


class CodeActions:
    def __init__(self, server: AlembicLanguageServer) -> None:
        self.server = server

    # -- codeAction ---------------------------------------------------------------------------

    def actions(
        self, params: types.CodeActionParams, version: int | None, text: str
    ) -> list[types.CodeAction]:
        """Analysis thread: the actions for a range of a document."""
        uri = params.text_document.uri
        path = uri_to_path(uri)
        project = self.server.state.project_for(path) if path else None
        only = list(params.context.only) if params.context.only else None
        if path is None or project is None or project.index.get(path) is None:
            # Not a revision file (a model file, say): only fixes that run a command apply.
            if not kind_requested(only, types.CodeActionKind.QuickFix.value):
                return []
            ours = [d for d in params.context.diagnostics if d.source == SOURCE]
            return [a for d in ours if (a := command_action(_fix_of(d), d)) is not None]
        lines = split_lines(text)
        encoding = self.server.encoding
        actions: list[types.CodeAction] = []
        if kind_requested(only, types.CodeActionKind.QuickFix.value):
            requested = from_range(params.range, lines, encoding)
            for problem in self._problems(params.context.diagnostics, project, path, requested, lines):
                actions.extend(self._problem_actions(uri, path, version, text, project, problem))
        if kind_requested(only, FIX_ALL_KIND) and self._has_safe_fix(project, path):
            data = {"uri": uri, "version": version, "fixAll": True}
            action = self._action("Fix all safe alembic-ls problems", FIX_ALL_KIND, data, text)
            if action is not None:
                actions.append(action)
        return actions

    def _problems(
        self,
        diagnostics: Sequence[types.Diagnostic],
        project: ProjectState,
        path: str,
        requested: Span,
        lines: list[str],
    ) -> list[Problem]:
        encoding = self.server.encoding
        current = project.published.get(path) or []
        problems: list[Problem] = []
        seen: set[tuple[str, Span]] = set()
        for diagnostic in diagnostics:
            if diagnostic.source != SOURCE or not isinstance(diagnostic.code, str):
                continue
            span = from_range(diagnostic.range, lines, encoding)
            fix: dict[str, Any] | None
            if isinstance(diagnostic.data, dict) and "fix" in diagnostic.data:
                fix = _fix_of(diagnostic)
            else:  # a client that drops `data`: find the finding again
                match = next((f for f in current if f.code == diagnostic.code and f.span == span), None)
                fix = fix_payload(match.fix) if match and match.fix else None
            seen.add((diagnostic.code, span))
            problems.append(Problem(diagnostic.code, span, fix, diagnostic))
        # Clients that send no diagnostics with the request still get the actions under the cursor.
        for finding in current:
            if (finding.code, finding.span) in seen or not _overlaps(finding.span, requested):
                continue
            problems.append(Problem(finding.code, finding.span, fix_payload(finding.fix), None))
        return problems

    def _problem_actions(
        self, uri: str, path: str, version: int | None, text: str, project: ProjectState, problem: Problem
    ) -> list[types.CodeAction]:
        found: list[types.CodeAction] = []
        diagnostics = [problem.diagnostic] if problem.diagnostic else None
        fix = problem.fix
        command = command_action(fix, problem.diagnostic)
        if command is not None:
            found.append(command)
        elif fix is not None and isinstance(fix.get("kind"), str) and fix.get("kind") != RunCommand.kind:
            action = self._action(
                str(fix.get("title") or fix["kind"]),
                types.CodeActionKind.QuickFix.value,
                {"uri": uri, "version": version, "kind": fix["kind"], "params": fix.get("params") or {}},
                text,
                diagnostics,
                preferred=bool(fix.get("safe")),
            )
            if action is not None:
                found.append(action)
        rule = RULES.get(problem.code)
        if rule is None or rule.suppressible:
            line_fix = {"code": problem.code, "end_line": problem.span.end_line}
            for title, kind, params in (
                (f"Disable {problem.code} for this line", "suppress-line", line_fix),
                (f"Disable {problem.code} for this file", "suppress-file", {"code": problem.code}),
            ):
                action = self._action(
                    title,
                    types.CodeActionKind.QuickFix.value,
                    {"uri": uri, "version": version, "kind": kind, "params": params},
                    text,
                    diagnostics,
                )
                if action is not None:
                    found.append(action)
        env = self._env_needing_lock_timeout(project, problem)
        if env is not None:
            action = self._action(
                "Set lock_timeout once in env.py (every migration)",
                types.CodeActionKind.QuickFix.value,
                {"uri": uri, "version": version, "envLockTimeout": str(env)},
                text,
                diagnostics,
            )
            if action is not None:
                found.append(action)
        needed = self._template_missing_import(project, problem)
        if needed is not None:
            template, module = needed
            action = self._action(
                f"Add `import {module}` to {TEMPLATE}",
                types.CodeActionKind.QuickFix.value,
                {"uri": uri, "version": version, "template": str(template), "module": module},
                text,
                diagnostics,
            )
            if action is not None:
                found.append(action)
        return found

    def _action(
        self,
        title: str,
        kind: str,
        data: dict[str, Any],
        text: str,
        diagnostics: list[types.Diagnostic] | None = None,
        preferred: bool = False,
    ) -> types.CodeAction | None:
        action = types.CodeAction(
            title=title,
            kind=kind,
            diagnostics=diagnostics,
            is_preferred=True if preferred else None,
            data=data,
        )
        if supports_resolve(self.server.client_capabilities):
            return action
        try:
            action.edit = self.edit_for(data, text)
        except FixRefused as refused:
            logger.info("%s: not offered: %s", title, refused)
            return None
        return action

    # -- building edits -----------------------------------------------------------------------

    def resolve(self, action: types.CodeAction) -> types.CodeAction:
        """Analysis thread: fill in the edit of an action the user picked."""
        data = action.data if isinstance(action.data, dict) else {}
        uri = data.get("uri")
        if not isinstance(uri, str):
            return action
        snapshot = self.server.snapshot(uri)
        if snapshot is None:
            self.server.warn_user(f"{action.title}: the file is gone")
            return action
        _path, version, text = snapshot
        if data.get("version") is not None and version != data.get("version"):
            self.server.warn_user(f"{action.title}: the document changed; ask for the fix again")
            return action
        try:
            action.edit = self.edit_for(data, text)
        except FixRefused as refused:
            self.server.warn_user(f"{action.title}: {refused}")
        return action

    def edit_for(self, data: dict[str, Any], text: str) -> types.WorkspaceEdit:
        """The edit an action's data describes, against `text` (the document's current text)."""
        uri = str(data["uri"])
        version = data.get("version")
        path = uri_to_path(uri)
        if path is None:
            raise FixRefused("not a file")
        capabilities = self.server.client_capabilities
        encoding = self.server.encoding
        if "envLockTimeout" in data:
            return self._env_edit(Path(str(data["envLockTimeout"])))
        if "template" in data:
            return self._template_edit(Path(str(data["template"])), str(data.get("module") or ""))
        self._refuse_outside(path)
        if data.get("fixAll"):
            edit = self.fix_all_edit(path, text, version if isinstance(version, int) else None)
            if edit is None:
                raise FixRefused("nothing to fix")
            return workspace_edit(capabilities, [(uri, version, lsp_edits([edit], text, encoding))])
        recipe = from_wire(data.get("kind"), data.get("params") or {})
        edits = recipe_edits(path, text, recipe, self._summary(path, version, text))
        if not edits:
            raise FixRefused("nothing to change")
        if isinstance(recipe, ExplainComment) and supports_snippet_edits(capabilities):
            return workspace_edit(capabilities, [(uri, version, self._snippets(edits, text))])
        return workspace_edit(capabilities, [(uri, version, lsp_edits(edits, text, encoding))])

    def fix_all_edit(self, path: str, text: str, version: int | None = None) -> TextEdit | None:
        state = self.server.state
        project = state.project_for(path)
        if project is None or refusal(project.project, path) is not None:
            return None
        summary = state.summary_of(project, path, version, text)
        # The findings published for this very summary are this version's: no second check.
        findings = project.published.get(path) if project.index.get(path) is summary else None
        fixed, _count = apply_safe_fixes(
            detached(project.index), project.checker.settings, path, text, summary, findings
        )
        return replacement_edit(text, fixed)

    def _refuse_outside(self, path: str) -> None:
        """Fixes edit only files inside the project (not a file elsewhere that a symlink names)."""
        project = self.server.state.project_for(path)
        reason = refusal(project.project, path) if project is not None else None
        if reason is not None:
            raise FixRefused(reason)

    def _summary(self, path: str, version: object, text: str) -> RevisionFile | None:
        """The one analysis of this version of the document (None: not a file of a project)."""
        state = self.server.state
        project = state.project_for(path)
        if project is None:
            return None
        return state.summary_of(project, path, version if isinstance(version, int) else None, text)

    def _snippets(self, edits: list[TextEdit], text: str) -> list[types.TextEdit | types.SnippetTextEdit]:
        """`# MANUAL: <why>` with the placeholder selected, for clients that take snippet edits."""
        result: list[types.TextEdit | types.SnippetTextEdit] = []
        for edit, plain in zip(edits, lsp_edits(edits, text, self.server.encoding), strict=True):
            before, marker, after = edit.new_text.partition(PLACEHOLDER)
            if not marker:
                result.append(plain)
                continue
            value = snippet_escape(before) + "${1:why}" + snippet_escape(after)
            result.append(types.SnippetTextEdit(range=plain.range, snippet=types.StringValue(value=value)))
        return result

    # -- env.py (AM412) ---------------------------------------------------------------------------

    def _env_needing_lock_timeout(self, project: ProjectState, problem: Problem) -> Path | None:
        if problem.code != NoLockTimeout.code:
            return None
        env = project.project.script_location / "env.py"
        if refusal(project.project, env) is not None or not env.is_file():  # a shared env.py elsewhere
            return None
        return env

    def _env_edit(self, env: Path) -> types.WorkspaceEdit:
        # The path comes back from the client: edit only a project's own env.py, inside it.
        owner = next(
            (s.project for s in self.server.state.projects if s.project.script_location / "env.py" == env),
            None,
        )
        if owner is None:
            raise FixRefused(f"{env} is not the env.py of a project")
        reason = refusal(owner, env)
        if reason is not None:
            raise FixRefused(reason)
        uri = self.server.uri_for(str(env.resolve()))
        snapshot = self.server.snapshot(uri)
        if snapshot is None:
            raise FixRefused(f"{env} is gone")
        _path, version, text = snapshot
        edits = env_lock_timeout_edits(text)
        return workspace_edit(
            self.server.client_capabilities, [(uri, version, lsp_edits(edits, text, self.server.encoding))]
        )

    # -- the script.py.mako template ----------------------------------------------------------

    def _template_missing_import(self, project: ProjectState, problem: Problem) -> tuple[Path, str] | None:
        """The project's template and the module it should import, when the finding's rule says the
        template must import what the finding's own fix adds (AM501 and `sqlmodel`)."""
        rule = RULES.get(problem.code)
        module = ((problem.fix or {}).get("params") or {}).get("name")
        if rule is None or not isinstance(module, str) or module not in rule.template_imports:
            return None
        template = project.project.script_location / TEMPLATE
        if refusal(project.project, template) is not None:  # a template shared from elsewhere
            return None
        snapshot = self.server.snapshot(self.server.uri_for(str(template.resolve())))
        text = snapshot[2] if snapshot else None
        if text is None or _imports(text, module) or not TEMPLATE_IMPORT_ANCHOR.search(text):
            return None
        return template, module

    def _template_edit(self, template: Path, module: str) -> types.WorkspaceEdit:
        # The path comes back from the client: edit only a project's own template, inside it.
        projects = [state.project for state in self.server.state.projects]
        owner = next((p for p in projects if p.script_location / TEMPLATE == template), None)
        if owner is None:
            raise FixRefused(f"{template} is not the script.py.mako of a project")
        reason = refusal(owner, template)
        if reason is not None:
            raise FixRefused(reason)
        resolved = str(template.resolve())
        uri = self.server.uri_for(resolved)
        snapshot = self.server.snapshot(uri)
        if snapshot is None:
            raise FixRefused(f"{template} is gone")
        _path, version, text = snapshot
        # The module also comes back from the client: only one a rule names is written.
        if not any(module in rule.template_imports for rule in RULES.values()):
            raise FixRefused(f"no rule asks {TEMPLATE} to import {module!r}")
        if _imports(text, module):
            raise FixRefused(f"{TEMPLATE} already imports {module}")
        lines = split_lines(text)
        line = next((i for i, t in enumerate(lines) if TEMPLATE_IMPORT_ANCHOR.match(t)), None)
        if line is None:
            raise FixRefused("script.py.mako has no `import sqlalchemy as sa` line to add it after")
        edit = TextEdit(Span(line, len(lines[line]), line, len(lines[line])), f"\nimport {module}")
        return workspace_edit(
            self.server.client_capabilities, [(uri, version, lsp_edits([edit], text, self.server.encoding))]
        )

    def _has_safe_fix(self, project: ProjectState, path: str) -> bool:
        return any(f.fix is not None and f.fix.safe for f in project.published.get(path) or [])


def command_action(
    fix: dict[str, Any] | None, diagnostic: types.Diagnostic | None
) -> types.CodeAction | None:
    """The quick fix that runs a command (a `RunCommand` recipe); None for any other recipe."""
    if fix is None:
        return None
    try:
        recipe = from_wire(fix.get("kind"), fix.get("params") or {})
    except FixRefused:
        return None
    if not isinstance(recipe, RunCommand) or not recipe.command:
        return None
    title = str(fix.get("title") or recipe.command)
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic] if diagnostic is not None else None,
        command=types.Command(title=title, command=recipe.command, arguments=list(recipe.arguments)),
    )


def _fix_of(diagnostic: types.Diagnostic) -> dict[str, Any] | None:
    data = diagnostic.data
    fix = data.get("fix") if isinstance(data, dict) else None
    return fix if isinstance(fix, dict) else None


def _imports(text: str, module: str) -> bool:
    return (
        re.search(rf"^\s*(import {re.escape(module)}\b|from {re.escape(module)}\b)", text, re.M) is not None
    )


def _overlaps(span: Span, requested: Span) -> bool:
    starts_before_end = (span.line, span.col) <= (requested.end_line, requested.end_col)
    ends_after_start = (span.end_line, span.end_col) >= (requested.line, requested.col)
    return starts_before_end and ends_after_start


def register(server: AlembicLanguageServer) -> None:
    code_actions = server.session.code_actions
    options = types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll, FIX_ALL_KIND],
        resolve_provider=True,
    )

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, options)
    async def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        snapshot = server.snapshot(params.text_document.uri)
        if snapshot is None:
            return None
        _path, version, text = snapshot
        return await server.query(lambda: code_actions.actions(params, version, text), None, "codeAction")

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve(action: types.CodeAction) -> types.CodeAction:
        return await server.query(lambda: code_actions.resolve(action), action, "codeAction/resolve")

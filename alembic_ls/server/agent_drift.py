"""AM601 in the editor: drift checks in the background, findings published on the model files' lines.

A check is scheduled when the projects are indexed, after a database command, and when a model file is
saved. Checks are debounced, run one at a time per project (behind the project's agent lock), and a
result is dropped when a newer check was asked for while it ran. The model files are the diagnostics'
only publisher here: revision files stay with the static engine.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from alembic_ls.analysis.source_text import split_lines
from alembic_ls.checker import enabled_rules
from alembic_ls.drift.commit_together import commit_findings
from alembic_ls.drift.git_state import git_changes
from alembic_ls.drift.locate import MODEL_DRIFT
from alembic_ls.operations import DriftReport, ProjectSession, drift
from alembic_ls.operations.session import Deadline
from alembic_ls.server.findings_as_diagnostics import to_diagnostic
from alembic_ls.server.server import AlembicLanguageServer
from alembic_ls.workspace.state import ProjectState

if TYPE_CHECKING:
    from alembic_ls.server.agent_hub import AgentHub

logger = logging.getLogger("alembic_ls.agent")
DEBOUNCE_S = 0.3


class DriftWatcher:
    def __init__(self, hub: AgentHub) -> None:
        self.hub = hub
        self.counts: dict[Path, int] = {}  # script location -> differences found by the last check
        # script location -> why the last check could not compare (the database behind head, or missing)
        self.not_compared: dict[Path, str] = {}
        self.model_files: dict[Path, set[str]] = {}  # script location -> files defining its tables
        self.published: dict[Path, set[str]] = {}  # script location -> model files with diagnostics
        self._tasks: dict[Path, asyncio.Task[None]] = {}
        self._asked: dict[Path, int] = {}  # bumped by every request: older results are stale
        self.finished: Callable[[ProjectState, DriftReport], None] | None = None  # tests and status hook

    def is_model_file(self, path: str) -> bool:
        return any(path in files for files in self.model_files.values())

    def schedule(self, server: AlembicLanguageServer, state: ProjectState, delay: float = DEBOUNCE_S) -> None:
        """Check soon; a check asked for again before it starts is folded into one."""
        if not state.client.trusted or not state.client.drift_on_save:
            return
        key = state.project.script_location
        self._asked[key] = self._asked.get(key, 0) + 1
        running = self._tasks.get(key)
        if running is not None and not running.done():
            return  # the loop sees the newer request when the current check ends
        self._tasks[key] = server.spawn(self._loop(server, state, delay), f"drift check of {state.name}")

    async def _loop(self, server: AlembicLanguageServer, state: ProjectState, delay: float) -> None:
        key = state.project.script_location
        await server.ready.wait()
        while True:
            asked = self._asked.get(key, 0)
            await asyncio.sleep(delay)  # debounce: a burst of saves is one check
            if self._asked.get(key, 0) != asked:
                continue
            report = await self.check_in_background(server, state)
            if report is None:
                continue  # a command pre-empted it: check again after it
            if self._asked.get(key, 0) != asked:
                continue  # something changed while it ran: this result may be stale
            self.publish(server, state, report)
            return

    async def check_in_background(
        self, server: AlembicLanguageServer, state: ProjectState
    ) -> DriftReport | None:
        """The check on save: None when a command pre-empted it (see project_gate.py)."""
        done, report = await self.hub.gate(state).read(lambda: drift(self.hub.session(state)))
        if not done or report is None:
            return None
        return await self._complete(state, report)

    async def check(self, server: AlembicLanguageServer, state: ProjectState) -> DriftReport:
        """The check the user asked for: waits for the project at most `agentTimeout` (ProjectBusy)."""
        deadline = Deadline.after(state.client.agent_timeout)  # from the request, waiting included
        async with self.hub.gate(state).command("drift check", deadline.left()):
            session: ProjectSession = self.hub.session(state)
            session.deadline = deadline
            report = await drift(session)
        return await self._complete(state, report)

    async def _complete(self, state: ProjectState, report: DriftReport) -> DriftReport:
        logger.info("drift check of %s: %s", state.name, report.message)
        if report.ok and report.model_files:
            git = await asyncio.to_thread(git_changes, state.project.root)
            if git is not None:
                report.findings.extend(commit_findings(state.project, git, report.model_files))
        enabled = {rule.code for rule in enabled_rules(state.settings)}
        report.findings = [f for f in report.findings if f.code in enabled]
        return report

    def publish(self, server: AlembicLanguageServer, state: ProjectState, report: DriftReport) -> None:
        key = state.project.script_location
        if report.model_files:
            self.model_files[key] = set(report.model_files)
        if not report.ok:
            return  # the database could not be read: keep what is shown, the status says why
        self.counts[key] = sum(1 for f in report.findings if f.code == MODEL_DRIFT)
        if report.up_to_date:
            self.not_compared.pop(key, None)
        else:
            self.not_compared[key] = report.message
        by_path: dict[str, list[types.Diagnostic]] = {}
        lines_cache: dict[str, list[str]] = {}

        def lines_of(path: str) -> list[str]:
            if path not in lines_cache:
                try:
                    lines_cache[path] = split_lines(Path(path).read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError):
                    lines_cache[path] = []
            return lines_cache[path]

        for finding in report.findings:
            diagnostic = to_diagnostic(
                finding, lines_of(finding.path), server.encoding, lines_of, server.uri_for
            )
            by_path.setdefault(finding.path, []).append(diagnostic)
        before = self.published.get(key, set())
        for path in sorted(before | set(by_path)):
            server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=server.uri_for(path), diagnostics=by_path.get(path, []))
            )
        self.published[key] = set(by_path)
        if self.finished is not None:
            self.finished(state, report)
        self.hub.refresh_status(server)


def saved_path_matters(watcher: DriftWatcher, state: ProjectState, path: str) -> bool:
    """A save that can change the models: a known model file, or any Python file of the project that is
    not a revision or env.py (before the first check, the model files are not known yet)."""
    if watcher.is_model_file(path):
        return True
    candidate = Path(path)
    if candidate.suffix != ".py" or state.project.script_location in candidate.parents:
        return False
    known = watcher.model_files.get(state.project.script_location)
    return known is None and state.project.root in candidate.parents

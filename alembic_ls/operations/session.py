"""A project and the agent that runs its Alembic: the context every operation works in."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from alembic_ls.agent.payload.alembic_ls_agent import protocol
from alembic_ls.analysis.graph import RevisionGraph
from alembic_ls.analysis.index import IndexCache, ProjectIndex
from alembic_ls.operations.agent_methods import AgentMethods
from alembic_ls.operations.result import OperationResult
from alembic_ls.project import Project
from alembic_ls.runner.errors import TIMEOUT, AgentError
from alembic_ls.runner.messages import explain
from alembic_ls.runner.process import AgentProcess, Progress
from alembic_ls.settings import Settings
from alembic_ls.wording import CLI, Wording

T = TypeVar("T")


def _ignore(_message: str) -> None:
    return None


class RevisionSource(Protocol):
    """Where an operation reads the project's revision files from (never by executing them)."""

    async def read(self, job: Callable[[ProjectIndex], T]) -> T:
        """Run `job` on the project's index off the event loop; `job` must not change the index."""
        ...


@dataclass(frozen=True)
class DiskRevisions:
    """The revision files as they are on disk now, indexed afresh on a worker thread for each read.

    For the CLI and tests; the language server passes its own index instead (kept current by edits
    and file events), so a status push never re-reads a thousand files."""

    project: Project

    async def read(self, job: Callable[[ProjectIndex], T]) -> T:
        return await asyncio.to_thread(lambda: job(ProjectIndex.build(self.project, IndexCache(None))))


def rule_code(error: AgentError, project: Project) -> str | None:
    """The rule a failure belongs to, when it is one of the environment rules."""
    if error.kind == protocol.DATABASE_UNREACHABLE:
        return "AM603"
    in_revision = error.file is not None and project.owns(Path(error.file))
    if error.kind in (protocol.ALEMBIC_MISSING, protocol.SCRATCH_UNSAFE) or (
        error.kind == protocol.USER_CODE and not in_revision
    ):
        return "AM605"
    return None


def short(revision: str | None) -> str:
    return revision[:12] if revision else "base"


@dataclass(frozen=True)
class Deadline:
    """When a command must have answered (event loop time), and the bound the user set, in seconds."""

    at: float
    seconds: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(asyncio.get_running_loop().time() + seconds, seconds)

    def left(self) -> float:
        return self.at - asyncio.get_running_loop().time()


@dataclass
class ProjectSession(AgentMethods):
    project: Project
    agent: AgentProcess
    settings: Settings = field(default_factory=Settings)
    report: Callable[[str], None] = _ignore  # progress sentences for the user
    url: str | None = None  # run against this database instead of sqlalchemy.url (scratch checks)
    scratch: bool = False
    revisions: RevisionSource | None = None  # None: DiskRevisions(project)
    # All the calls of one command share it: the user gets an answer by then (None: each call its own).
    deadline: Deadline | None = None
    wording: Wording = CLI  # how failure messages name the next step (the client's actions)

    def project_params(self) -> protocol.ProjectParams:
        return {
            "root": str(self.project.root),
            "configFile": str(self.project.config_file) if self.project.config_file else None,
            "scriptLocation": str(self.project.script_location),
            "kind": self.project.kind,
            "url": self.url,
            "scratch": self.scratch,
        }

    async def call(
        self, method: str, params: Mapping[str, object] | None = None, progress: Progress | None = None
    ) -> protocol.Message:
        timeout: float | None = None
        if self.deadline is not None:
            timeout = min(self.deadline.left(), self.agent.timeout)
            if timeout <= 0:
                raise AgentError(
                    TIMEOUT,
                    f"`{method}` was not started: the command's time was up",
                    extra={"timeout": self.deadline.seconds},
                )
        try:
            return await self.agent.call(
                method,
                {**(params or {}), "project": self.project_params()},
                timeout=timeout,
                progress=progress,
            )
        except AgentError as error:
            if error.kind == TIMEOUT and self.deadline is not None:
                error.extra["timeout"] = self.deadline.seconds  # the bound the user set, not what was left
            raise

    def without_deadline(self) -> ProjectSession:
        """For clean-up that must run even when the command's time is up (dropping a scratch database)."""
        return replace(self, deadline=None)

    async def on_index(self, job: Callable[[ProjectIndex], T]) -> T:
        """Run `job` on the static view of the revision files, off the event loop (read only)."""
        source = self.revisions if self.revisions is not None else DiskRevisions(self.project)
        return await source.read(job)

    async def graph(self) -> RevisionGraph:
        """The revision graph now. Reading it is cheap; walk a large one inside `on_index` instead."""
        return await self.on_index(lambda index: index.graph)

    def explain(self, error: AgentError, action: str) -> str:
        return explain(error, self.project, action, self.agent.launch, self.wording)

    async def enrich(self, error: AgentError) -> AgentError:
        """Add what the message needs that the agent did not send (heads, current revision)."""
        graph = await self.graph()
        if error.kind in (protocol.MULTIPLE_HEADS, protocol.NOT_UP_TO_DATE):
            error.extra.setdefault("heads", [short(h) for h in graph.heads])
        if error.kind == protocol.NOT_UP_TO_DATE and "current" not in error.extra:
            try:
                current = await self.current()
                error.extra["current"] = [short(c) for c in current["current"]]
            except AgentError:
                pass
        return error

    async def failure(self, error: AgentError, action: str, **data: Any) -> OperationResult:
        error = await self.enrich(error)
        body: dict[str, Any] = {"error": error.kind, **data}
        code = rule_code(error, self.project)
        if code is not None:
            body["code"] = code
        if error.file:
            body["file"] = error.file
            body["line"] = error.line
        return OperationResult(False, self.explain(error, action), body)

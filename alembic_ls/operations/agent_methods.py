"""One typed method per agent method, for ProjectSession: the params built as protocol.py's TypedDict,
the answer checked against its result's TypedDict as it arrives (runner/replies.py), so an operation
reads typed fields and a malformed answer is one AgentError (BAD_REPLY) raised here.

A batch step that failed is handed back as its AgentError, in its place: the steps after it may still
have run, and each caller decides what a failure at that step means."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Literal, TypeVar, cast

from alembic_ls.agent.payload.alembic_ls_agent import protocol
from alembic_ls.runner.errors import BAD_REPLY, AgentError
from alembic_ls.runner.process import Progress
from alembic_ls.runner.replies import conform, mismatch

T = TypeVar("T")

# One step of a batch of migrations: ("upgrade" or "downgrade", its params).
Migration = tuple[Literal["upgrade", "downgrade"], protocol.MigrateParams]
OnMigration = Callable[[int, protocol.MigrateResult], None]  # (step's index, its result), as each ends


class AgentMethods:
    async def call(
        self, method: str, params: Mapping[str, object] | None = None, progress: Progress | None = None
    ) -> protocol.Message:
        """Send one request as is: ProjectSession adds the project and the command's deadline."""
        raise NotImplementedError

    async def _ask(
        self,
        method: str,
        shape: type[T],
        params: Mapping[str, object] | None = None,
        progress: Progress | None = None,
    ) -> T:
        return conform(shape, await self.call(method, params, progress), f"the agent's answer to `{method}`")

    async def current(self) -> protocol.CurrentResult:
        return await self._ask("current", protocol.CurrentResult)

    async def heads(self) -> protocol.HeadsResult:
        return await self._ask("heads", protocol.HeadsResult)

    async def history(self) -> protocol.HistoryResult:
        return await self._ask("history", protocol.HistoryResult)

    async def generate(self, message: str) -> protocol.GenerateResult:
        params: protocol.GenerateParams = {"message": message}
        return await self._ask("generate", protocol.GenerateResult, params)

    async def merge(self, message: str) -> protocol.MergeResult:
        params: protocol.MergeParams = {"message": message}
        return await self._ask("merge", protocol.MergeResult, params)

    async def upgrade(self, target: str) -> protocol.MigrateResult:
        params: protocol.UpgradeParams = {"target": target}
        return await self._ask("upgrade", protocol.MigrateResult, params)

    async def downgrade(self, target: str, confirmed: bool) -> protocol.MigrateResult:
        params: protocol.DowngradeParams = {"target": target, "confirmed": confirmed}
        return await self._ask("downgrade", protocol.MigrateResult, params)

    async def show_sql(self, revision: str) -> protocol.ShowSqlResult:
        params: protocol.ShowSqlParams = {"revision": revision}
        return await self._ask("showSql", protocol.ShowSqlResult, params)

    async def drift(self) -> protocol.DriftResult:
        return await self._ask("drift", protocol.DriftResult)

    async def scratch_create(self, server_url: str | None) -> protocol.ScratchCreateResult:
        params: protocol.ScratchCreateParams = {"serverUrl": server_url}
        return await self._ask("scratchCreate", protocol.ScratchCreateResult, params)

    async def scratch_drop(self, url: str, name: str) -> protocol.ScratchDropResult:
        params: protocol.ScratchDropParams = {"url": url, "name": name}
        return await self._ask("scratchDrop", protocol.ScratchDropResult, params)

    async def trace(self, revision: str, seed: bool) -> protocol.TraceResult:
        params: protocol.TraceParams = {"revision": revision, "seed": seed}
        return await self._ask("trace", protocol.TraceResult, params)

    async def migrations(
        self,
        steps: Sequence[Migration],
        stop_on_error: bool = True,
        on_step: OnMigration | None = None,
    ) -> list[protocol.MigrateResult | AgentError]:
        """Upgrades and downgrades in one `batch` (one import of env.py and the models)."""

        def progress(report: protocol.Progress) -> None:
            # Checked here too, but quietly: a sentence for the user; the final answer is checked anyway.
            if on_step is None or mismatch(protocol.BatchProgress, report, "progress") is not None:
                return
            step = cast(protocol.BatchProgress, report)
            outcome = step["outcome"]
            if outcome["ok"] and mismatch(protocol.MigrateResult, outcome["result"], "result") is None:
                on_step(step["step"], cast(protocol.MigrateResult, outcome["result"]))

        batch: list[protocol.BatchStep] = [{"method": method, "params": dict(p)} for method, p in steps]
        outcomes = await self._batch(batch, stop_on_error, progress)
        return [_outcome(protocol.MigrateResult, o, batch[n]["method"]) for n, o in enumerate(outcomes)]

    async def current_and_history(
        self,
    ) -> tuple[protocol.CurrentResult | AgentError, protocol.HistoryResult | AgentError]:
        """Both in one `batch`; each may fail on its own (the history reads files, current the database)."""
        read, walked = await self._batch([{"method": "current"}, {"method": "history"}], stop_on_error=False)
        return _outcome(protocol.CurrentResult, read, "current"), _outcome(
            protocol.HistoryResult, walked, "history"
        )

    async def _batch(
        self, steps: list[protocol.BatchStep], stop_on_error: bool, progress: Progress | None = None
    ) -> list[protocol.StepOutcome]:
        params: protocol.BatchParams = {"steps": steps, "stopOnError": stop_on_error}
        results = (await self._ask("batch", protocol.BatchResult, params, progress))["results"]
        if len(results) > len(steps) or (not stop_on_error and len(results) < len(steps)):
            raise AgentError(
                BAD_REPLY,
                f"the agent's answer to `batch` is malformed: {len(results)} results for {len(steps)} steps",
            )
        return results


def _outcome(shape: type[T], outcome: protocol.StepOutcome, method: str) -> T | AgentError:
    if outcome["ok"]:
        return conform(shape, outcome["result"], f"the agent's answer to `{method}` in a batch")
    return AgentError.from_agent(outcome["error"])

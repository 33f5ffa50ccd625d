"""One agent per project interpreter, shared by every command and background check of that project."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic_ls.runner.launch import Launch, detect_launch
from alembic_ls.runner.process import AgentProcess, Log


class AgentPool:
    def __init__(self, timeout: float = 60.0, log: Log | None = None) -> None:
        self.timeout = timeout
        self.log = log
        self._agents: dict[Launch, AgentProcess] = {}

    def launch_for(
        self, project_root: Path, workspace_root: Path | None = None, interpreter: list[str] | None = None
    ) -> Launch:
        return detect_launch(project_root, workspace_root, interpreter)

    def get(self, launch: Launch) -> AgentProcess:
        agent = self._agents.get(launch)
        if agent is None:
            agent = AgentProcess(launch, timeout=self.timeout, log=self.log)
            self._agents[launch] = agent
        agent.timeout = self.timeout
        return agent

    def set_timeout(self, seconds: float) -> None:
        self.timeout = seconds
        for agent in self._agents.values():
            agent.timeout = seconds

    async def restart(self) -> int:
        """Stop every agent; each starts again on its next call. Returns how many were running."""
        running = [a for a in self._agents.values() if a.running]
        await self.stop()
        return len(running)

    async def stop(self) -> None:
        agents = list(self._agents.values())
        self._agents.clear()
        await asyncio.gather(*(agent.stop() for agent in agents), return_exceptions=True)

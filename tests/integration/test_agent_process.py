"""The agent process: start, answer, time out, cancel, die, restart — with the real interpreter.

Hanging and dying are provoked the way they happen for real: an env.py that blocks (a lock wait, a
slow import) and a process killed from outside. Each blocking env.py announces itself on stderr, and
the test waits for that line instead of sleeping.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
import venv
from pathlib import Path

import pytest
from agent_support import Blog, agent_for, sqlite_blog_fixture  # noqa: F401  (fixtures)

from alembic_ls.agent import PAYLOAD_DIR
from alembic_ls.agent.payload.alembic_ls_agent import protocol
from alembic_ls.operations import ProjectSession, current
from alembic_ls.runner.errors import AGENT_DIED, INTERPRETER_MISSING, TIMEOUT, AgentError
from alembic_ls.runner.launch import Launch
from alembic_ls.runner.messages import explain
from alembic_ls.runner.process import AgentProcess

BLOCKING_ENV = """\
import os, sys, time
print(f"ENV-STARTED {os.getpid()}", file=sys.stderr, flush=True)
time.sleep(120)
"""


def project_params(blog: Blog) -> dict[str, object]:
    return ProjectSession(blog.project, AgentProcess(Launch(("python",), blog.root, ""))).project_params()


class StderrWatch:
    """Collects the agent's log; `started()` waits for the blocking env.py's announcement."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.event = asyncio.Event()
        self.worker_pid: int | None = None

    def __call__(self, line: str) -> None:
        self.lines.append(line)
        match = re.search(r"ENV-STARTED (\d+)", line)
        if match:
            self.worker_pid = int(match.group(1))
            self.event.set()

    async def started(self) -> int:
        await asyncio.wait_for(self.event.wait(), 30)
        self.event.clear()
        assert self.worker_pid is not None
        return self.worker_pid


async def test_agent_answers_and_logs_the_exact_command_line(sqlite_blog: Blog) -> None:
    log: list[str] = []
    async with agent_for(sqlite_blog.root, log=log.append) as agent:
        answer = await agent.call("current", {"project": project_params(sqlite_blog)})
        assert answer == {"current": [], "databaseMissing": True}
        assert agent.info["executable"] and agent.info["alembic"] and agent.info["fork"] is True
        assert any(f"{sys.executable} -m alembic_ls_agent" in line for line in log)
    # Reading the current revision of a database that does not exist must not create it.
    assert not (sqlite_blog.root / "blog.db").exists()


def test_agent_sees_only_its_own_package_on_pythonpath() -> None:
    env = Launch((sys.executable,), Path.cwd(), "").environment({"PYTHONPATH": "/somewhere/else"})
    assert env["PYTHONPATH"] == str(PAYLOAD_DIR)
    # The folder holds the agent package and nothing of alembic-ls's own.
    assert sorted(p.name for p in PAYLOAD_DIR.iterdir() if p.name != "__pycache__") == [
        "__init__.py",
        "alembic_ls_agent",
    ]


async def test_a_hung_request_times_out_and_the_agent_keeps_serving(sqlite_blog: Blog) -> None:
    (sqlite_blog.root / "migrations" / "env.py").write_text(BLOCKING_ENV, encoding="utf-8")
    watch = StderrWatch()
    async with agent_for(sqlite_blog.root, timeout=1.5, log=watch) as agent:
        with pytest.raises(AgentError) as caught:
            await agent.call("current", {"project": project_params(sqlite_blog)})
        assert caught.value.kind == TIMEOUT
        message = explain(caught.value, sqlite_blog.project, "current")
        assert "did not finish within 1.5 s" in message and "agentTimeout" in message
        # The worker was killed; the agent itself answers the next request at once.
        pid = agent.pid
        assert (await agent.call("heads", {"project": project_params(sqlite_blog)}))["heads"]
        assert agent.pid == pid and agent.starts == 1


async def test_an_agent_that_stops_answering_is_killed_and_restarted(sqlite_blog: Blog) -> None:
    (sqlite_blog.root / "migrations" / "env.py").write_text(BLOCKING_ENV, encoding="utf-8")
    watch = StderrWatch()
    async with agent_for(sqlite_blog.root, timeout=2.0, log=watch) as agent:
        call = asyncio.ensure_future(agent.call("current", {"project": project_params(sqlite_blog)}))
        await watch.started()
        began = time.monotonic()
        first_pid = agent.pid
        assert first_pid is not None
        os.kill(first_pid, signal.SIGSTOP)  # the agent is hung: it cannot even confirm a cancel
        with pytest.raises(AgentError) as caught:
            await call
        assert caught.value.kind == TIMEOUT
        # Answered at the bound; killing the agent that cannot confirm the cancel happens after.
        assert time.monotonic() - began < 2.0 + 0.5
        answer = await agent.call("heads", {"project": project_params(sqlite_blog)})
        assert answer["heads"][0]["revision"] == "6f708192a3b4"
        assert agent.pid != first_pid and agent.starts == 2


async def test_an_agent_killed_mid_command_fails_that_command_clearly_and_restarts(sqlite_blog: Blog) -> None:
    (sqlite_blog.root / "migrations" / "env.py").write_text(BLOCKING_ENV, encoding="utf-8")
    watch = StderrWatch()
    async with agent_for(sqlite_blog.root, log=watch) as agent:
        call = asyncio.ensure_future(agent.call("upgrade", {"project": project_params(sqlite_blog)}))
        await watch.started()
        first_pid = agent.pid
        assert first_pid is not None
        os.kill(first_pid, signal.SIGKILL)
        with pytest.raises(AgentError) as caught:
            await call
        assert caught.value.kind == AGENT_DIED, watch.lines
        message = explain(caught.value, sqlite_blog.project, "upgrade head")
        assert "stopped while running upgrade head" in message and "starts again by itself" in message
        assert (await agent.call("heads", {"project": project_params(sqlite_blog)}))["heads"]
        assert agent.pid != first_pid


async def test_a_worker_killed_mid_command_is_reported_and_the_agent_survives(sqlite_blog: Blog) -> None:
    (sqlite_blog.root / "migrations" / "env.py").write_text(BLOCKING_ENV, encoding="utf-8")
    watch = StderrWatch()
    async with agent_for(sqlite_blog.root, log=watch) as agent:
        call = asyncio.ensure_future(agent.call("current", {"project": project_params(sqlite_blog)}))
        worker = await watch.started()
        os.kill(worker, signal.SIGKILL)
        with pytest.raises(AgentError) as caught:
            await call
        assert caught.value.kind == protocol.CRASHED
        assert "killed by signal SIGKILL" in caught.value.detail
        assert agent.starts == 1 and agent.running


async def test_cancelling_the_caller_cancels_the_request_in_the_agent(sqlite_blog: Blog) -> None:
    (sqlite_blog.root / "migrations" / "env.py").write_text(BLOCKING_ENV, encoding="utf-8")
    watch = StderrWatch()
    async with agent_for(sqlite_blog.root, log=watch) as agent:
        call = asyncio.ensure_future(agent.call("current", {"project": project_params(sqlite_blog)}))
        worker = await watch.started()
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        # The worker is gone (killed by the agent), the agent is not.
        await asyncio.wait_for(_gone(worker), 10)
        assert agent.running and agent.starts == 1


async def _gone(pid: int) -> None:
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        await asyncio.sleep(0.05)  # polling a pid: there is no event for another process's exit


async def test_alembic_missing_from_the_environment_is_said_with_the_next_step(
    sqlite_blog: Blog, tmp_path: Path
) -> None:
    bare = tmp_path / "bare-venv"
    venv.EnvBuilder(with_pip=False).create(bare)
    python = bare / "bin" / "python"
    agent = AgentProcess(Launch((str(python),), sqlite_blog.root, "the `interpreter` setting"))
    try:
        session = ProjectSession(sqlite_blog.project, agent)
        result = await current(session)
    finally:
        await agent.stop()
    assert not result.ok and result.data["error"] == protocol.ALEMBIC_MISSING
    assert "alembic is not installed in the project's environment" in result.message
    assert str(python) in result.message or str(bare) in result.message
    assert "pip install alembic" in result.message and "`interpreter` setting" in result.message


async def test_a_missing_interpreter_is_said_with_the_next_step(sqlite_blog: Blog) -> None:
    agent = AgentProcess(Launch(("/nonexistent/bin/python",), sqlite_blog.root, "the `interpreter` setting"))
    result = await current(ProjectSession(sqlite_blog.project, agent))
    await agent.stop()
    assert not result.ok and result.data["error"] == INTERPRETER_MISSING
    assert "/nonexistent/bin/python" in result.message and "`interpreter` setting" in result.message

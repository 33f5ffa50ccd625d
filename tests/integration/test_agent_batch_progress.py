"""A batch reports each step as it ends (the `batch` method's progress, read as protocol.BatchProgress),
so the user sees a long test cycle move before its answer comes."""

from __future__ import annotations

import sys

from agent_support import Blog, sqlite_blog_fixture  # noqa: F401  (fixture)

from alembic_ls import operations
from alembic_ls.operations import ProjectSession
from alembic_ls.runner.launch import Launch
from alembic_ls.runner.process import AgentProcess

HEAD = "6f708192a3b4"


async def test_each_step_of_a_test_cycle_is_reported_as_it_ends(sqlite_blog: Blog) -> None:
    sqlite_blog.fix_undefined_names()
    said: list[str] = []
    agent = AgentProcess(Launch((sys.executable,), sqlite_blog.root, "the tests' interpreter"))
    try:
        session = ProjectSession(sqlite_blog.project, agent, report=said.append)
        assert (await operations.upgrade(session, "head")).ok
        said.clear()
        result = await operations.run_test_cycle(session, "configured", confirmed=True)
    finally:
        await agent.stop()
    assert result.ok, result.message
    assert said == [
        f'downgrade -1: reverted {HEAD} "add subtitle to post"',
        f'upgrade head: applied {HEAD} "add subtitle to post"',
    ]

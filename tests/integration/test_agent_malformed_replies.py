"""An agent whose answers do not have protocol.py's shapes: each operation fails with one sentence that
names the method and the field, and never with a KeyError or TypeError from deep inside it.

The agent here is a stand-in speaking the real JSON lines over real pipes (a real AgentProcess), so
the check sits where it must: where the answer comes off the wire.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from agent_support import Blog, sqlite_blog_fixture  # noqa: F401  (fixture)

from alembic_ls import operations
from alembic_ls.operations import ProjectSession
from alembic_ls.operations.inspect import status
from alembic_ls.runner.errors import AGENT_START_FAILED, BAD_REPLY
from alembic_ls.runner.launch import Launch
from alembic_ls.runner.process import AgentProcess

# Answers each request with what FAKE_ANSWERS holds for its method (a valid `ready` unless told).
FAKE_AGENT = """\
import json, os, sys
answers = json.loads(os.environ["FAKE_ANSWERS"])
ready = {"event": "ready", "protocol": 1, "pid": os.getpid(), "executable": sys.executable,
         "python": "3.12.0", "fork": True, "alembicError": None, "alembic": "1.16", "sqlalchemy": "2.0"}
print(json.dumps(answers.get("ready", ready)), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    if request.get("method") == "shutdown":
        break
    if "id" in request:
        print(json.dumps({"id": request["id"], **answers[request["method"]]}), flush=True)
"""
REVISION = {
    "revision": "1a2b3c4d5e6f",
    "downRevisions": [],
    "message": "create post",
    "path": "/somewhere/1a2b3c4d5e6f_create_post.py",
    "branchLabels": [],
    "isHead": True,
    "isMerge": False,
    "isBranchPoint": False,
}


@contextlib.asynccontextmanager
async def session_answering(
    blog: Blog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answers: dict[str, object]
) -> AsyncIterator[ProjectSession]:
    script = tmp_path / "fake_agent.py"
    script.write_text(FAKE_AGENT, encoding="utf-8")
    monkeypatch.setenv("FAKE_ANSWERS", json.dumps(answers))
    agent = AgentProcess(Launch((sys.executable, str(script)), blog.root, "a stand-in agent"), timeout=20)
    try:
        yield ProjectSession(blog.project, agent)
    finally:
        await agent.stop()


def assert_bad_reply(data: dict[str, object], message: str, method: str, problem: str) -> None:
    assert data["error"] == BAD_REPLY, message
    assert f"`{method}`" in message and problem in message, message
    assert "please report it" in message


async def test_an_answer_missing_a_field(
    sqlite_blog: Blog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with session_answering(
        sqlite_blog, tmp_path, monkeypatch, {"heads": {"result": {"head": []}}}
    ) as session:
        result = await operations.heads(session)
    assert not result.ok
    assert_bad_reply(result.data, result.message, "heads", "`result` has no `heads`")


async def test_a_field_of_the_wrong_type(
    sqlite_blog: Blog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = {"current": {"result": {"current": "1a2b3c4d5e6f", "databaseMissing": False}}}
    async with session_answering(sqlite_blog, tmp_path, monkeypatch, answers) as session:
        result = await operations.current(session)
        entry = await status(session)  # what the editor's status bar shows: the same sentence
    assert not result.ok
    assert_bad_reply(result.data, result.message, "current", "`result.current` is a string, not a list")
    assert entry["current"] is None and "`result.current` is a string" in str(entry["databaseError"])


async def test_a_malformed_step_inside_a_batch(
    sqlite_blog: Blog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = {key: value for key, value in REVISION.items() if key != "path"}
    steps = [
        {"ok": True, "result": {"current": [], "databaseMissing": False}},
        {"ok": True, "result": {"revisions": [REVISION, broken]}},
    ]
    async with session_answering(
        sqlite_blog, tmp_path, monkeypatch, {"batch": {"result": {"results": steps}}}
    ) as session:
        result = await operations.history(session)
    assert not result.ok
    assert_bad_reply(result.data, result.message, "history", "`result.revisions[1]` has no `path`")


async def test_a_malformed_error(sqlite_blog: Blog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {"upgrade": {"error": {"message": "something broke", "line": "twelve"}}}
    async with session_answering(sqlite_blog, tmp_path, monkeypatch, answers) as session:
        result = await operations.upgrade(session, "head")
    assert not result.ok
    assert_bad_reply(result.data, result.message, "upgrade", "`error` has no `kind`")


async def test_a_malformed_announcement_stops_the_agent(
    sqlite_blog: Blog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = {"ready": {"event": "ready", "protocol": 1, "fork": "yes"}}
    async with session_answering(sqlite_blog, tmp_path, monkeypatch, answers) as session:
        result = await operations.current(session)
        assert not session.agent.running
    assert not result.ok and result.data["error"] == AGENT_START_FAILED
    assert "malformed `ready` message: `ready` has no `alembic`" in result.message

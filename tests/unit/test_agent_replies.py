"""Checking the agent's answers against protocol.py's TypedDicts (alembic_ls/runner/replies.py): what
passes, and the one sentence a malformed answer becomes."""

from __future__ import annotations

import pytest

from alembic_ls.agent.payload.alembic_ls_agent import protocol
from alembic_ls.runner.errors import BAD_REPLY, AgentError
from alembic_ls.runner.replies import conform, mismatch, result_of

STEP = {"revision": "1a2b3c4d5e6f", "message": "create post", "path": "/p/1a2b3c4d5e6f_create_post.py"}


def test_a_well_formed_answer_passes_as_is_extra_keys_included() -> None:
    answer = {"target": "head", "steps": [STEP, {"revision": None, "message": "x", "path": None}], "new": 1}
    assert conform(protocol.MigrateResult, answer, "the agent's answer to `upgrade`") is answer


@pytest.mark.parametrize(
    ("shape", "value", "problem"),
    [
        (protocol.CurrentResult, {"current": []}, "`result` has no `databaseMissing`"),
        (
            protocol.CurrentResult,
            {"current": [7], "databaseMissing": False},
            "`result.current[0]` is the number 7",
        ),
        # JSON's true is not a number, nor 1 a boolean.
        (protocol.CurrentResult, {"current": [], "databaseMissing": 1}, "is the number 1, not true or false"),
        (
            protocol.TraceLock,
            {"relation": "t", "mode": "m", "existing": "no"},
            "is a string, not true or false",
        ),
        (protocol.StepInfo, {"revision": 3, "message": None, "path": None}, "not a string or null"),
        (
            protocol.ShowSqlResult,
            {"revision": "a", "from": None, "sql": ""},
            "`result.from` is null, not a list",
        ),
        (
            protocol.DriftResult,
            {"upToDate": True, "current": [], "heads": [], "diffs": [], "sources": []},
            "not an object",
        ),
        # Of a union, the arm that matched furthest says what is wrong.
        (
            protocol.BatchResult,
            {"results": [{"ok": False, "error": {"kind": "user-code"}}]},
            "`result.results[0].error` has no `message`",
        ),
        (
            protocol.BatchResult,
            {"results": [{"ok": "yes", "result": {}}]},
            "`result.results[0].ok` is a string",
        ),
        (protocol.HistoryResult, [], "`result` is a list, not an object"),
    ],
)
def test_a_malformed_answer_says_which_field(shape: type, value: object, problem: str) -> None:
    found = mismatch(shape, value, "result")
    assert found is not None and problem in found, found
    with pytest.raises(AgentError) as raised:
        conform(shape, value, "the agent's answer to `x`")
    assert raised.value.kind == BAD_REPLY and problem in raised.value.detail


def test_the_final_message_is_its_result_or_its_error() -> None:
    assert result_of("current", {"id": 1, "result": {"current": []}}) == {"current": []}
    assert result_of("merge", {"id": 1}) == {}  # an answer without a result: nothing to read, as before
    with pytest.raises(AgentError) as refused:
        result_of("upgrade", {"id": 1, "error": {"kind": "user-code", "message": "NameError", "line": 3}})
    assert (refused.value.kind, refused.value.detail, refused.value.line) == ("user-code", "NameError", 3)
    with pytest.raises(AgentError) as garbled:
        result_of("upgrade", {"id": 1, "error": "it broke"})
    assert garbled.value.kind == BAD_REPLY
    assert (
        garbled.value.detail
        == "the agent's error for `upgrade` is malformed: `error` is a string, not an object"
    )
    with pytest.raises(AgentError) as not_an_object:
        result_of("heads", {"id": 1, "result": ["a"]})
    assert not_an_object.value.kind == BAD_REPLY

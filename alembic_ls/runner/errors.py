"""Errors from the agent, kept structured until they are phrased (see `alembic_ls.runner.messages`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from alembic_ls.agent.payload.alembic_ls_agent import protocol

# Kinds the runner itself raises, next to the agent's own (protocol.*).
INTERPRETER_MISSING = "interpreter-missing"
AGENT_START_FAILED = "agent-start-failed"
AGENT_DIED = "agent-died"
TIMEOUT = "timeout"
BAD_REPLY = "bad-reply"  # an answer that does not have the shape protocol.py gives it


@dataclass
class AgentError(Exception):
    kind: str
    detail: str  # what went wrong, in the words of the tool that failed
    file: str | None = None
    line: int | None = None  # 1-based, as in tracebacks
    exc_type: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        where = f" ({self.file}:{self.line})" if self.file else ""
        return f"{self.kind}: {self.detail}{where}"

    @classmethod
    def from_agent(cls, error: protocol.ErrorInfo) -> AgentError:
        known = {"kind", "message", "file", "line", "type"}
        return cls(
            kind=error["kind"] or protocol.INTERNAL,
            detail=error["message"] or "the agent gave no reason",
            file=error.get("file"),
            line=error.get("line"),
            exc_type=error.get("type"),
            extra={k: v for k, v in error.items() if k not in known},
        )

    @property
    def traceback(self) -> str | None:
        value = self.extra.get("traceback")
        return value if isinstance(value, str) else None

"""The wire format shared by the agent and the language server (stdlib only, Python >= 3.8).

One JSON object per line. The agent announces itself with a `ready` event, then answers requests:

    -> {"id": 1, "method": "current", "params": {...}}
    <- {"id": 1, "progress": {"message": "..."}}          zero or more
    <- {"id": 1, "result": {...}}  or  {"id": 1, "error": {"kind": ..., "message": ..., ...}}

`cancel` ({"id": N}) stops request N; `shutdown` ends the agent.
"""

from __future__ import annotations

import json
from typing import Any

PROTOCOL_VERSION = 1

READY_EVENT = "ready"
CANCEL = "cancel"
SHUTDOWN = "shutdown"

# Error kinds: the language server turns each into a sentence with the next step in it.
DATABASE_UNREACHABLE = "database-unreachable"
MULTIPLE_HEADS = "multiple-heads"
NOT_UP_TO_DATE = "not-up-to-date"
USER_CODE = "user-code"  # env.py, a model or a revision raised (ImportError, NameError, ...)
MIGRATION_FAILED = "migration-failed"  # the database refused a statement of a revision
ALEMBIC_MISSING = "alembic-missing"
COMMAND_ERROR = "command-error"  # Alembic said no (CommandError) for another reason
SCRATCH_UNSAFE = "scratch-unsafe"  # env.py connected somewhere else than the scratch database
NOT_CONFIRMED = "not-confirmed"  # a downgrade of a database that is not a scratch one, without confirmed
BAD_TARGET = "bad-target"  # the target cannot be reached that way (upgrade to an older revision)
CANCELLED = "cancelled"
CRASHED = "crashed"  # the worker process died without answering
BAD_REQUEST = "bad-request"
INTERNAL = "internal"


def encode(message: dict[str, Any]) -> bytes:
    return (json.dumps(message, separators=(",", ":"), default=str) + "\n").encode("utf-8")


def decode(line: bytes) -> dict[str, Any]:
    value = json.loads(line.decode("utf-8"))
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object")
    return value

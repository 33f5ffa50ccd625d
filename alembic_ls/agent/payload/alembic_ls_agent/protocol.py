"""The wire format shared by the agent and the language server (stdlib only, Python >= 3.8).

One JSON object per line. The agent announces itself with a `ready` event, then answers requests:

    -> {"id": 1, "method": "current", "params": {...}}
    <- {"id": 1, "progress": {"message": "..."}}          zero or more
    <- {"id": 1, "result": {...}}  or  {"id": 1, "error": {"kind": ..., "message": ..., ...}}

`cancel` ({"id": N}) stops request N; `shutdown` ends the agent.

Below, per method, the TypedDict of its params and of its result. The agent builds them; the language
server imports these same classes and checks every answer against them (alembic_ls/runner/replies.py),
so this module is the one definition of the shapes. The server evaluates the annotations at run time
and the agent imports them on Python 3.8: hence `typing.List`/`Optional` and no `from __future__ import
annotations` in this file, and the functional syntax where a key is a Python keyword (`from`, `class`).
A class's `total` covers the keys of its own body only, which is how required and optional keys mix.
"""

import json
from typing import Any, Dict, List, Literal, Mapping, Optional, TypedDict, Union

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

Message = Dict[str, Any]  # one line of the protocol, before its kind (request, answer, event) is known


def encode(message: Mapping[str, Any]) -> bytes:
    return (json.dumps(message, separators=(",", ":"), default=str) + "\n").encode("utf-8")


def decode(line: bytes) -> Message:
    value = json.loads(line.decode("utf-8"))
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object")
    return value


# -- announcements, errors, progress ------------------------------------------------------------


class Ready(TypedDict):
    event: str  # READY_EVENT
    protocol: int
    pid: int
    executable: str
    python: str
    fork: bool  # False: each request runs in the agent itself, which exits after it
    alembicError: Optional[str]  # why alembic cannot be imported; every request is then refused
    alembic: Optional[str]
    sqlalchemy: Optional[str]


class _ErrorKind(TypedDict):
    kind: str
    message: str


class ErrorInfo(_ErrorKind, total=False):
    type: str  # the exception's class name
    file: Optional[str]  # the project's own file it was raised in, when there is one
    line: Optional[int]
    traceback: str
    statement: Optional[str]  # MIGRATION_FAILED: the SQL the database refused
    url: Optional[str]  # DATABASE_UNREACHABLE: the configured URL, password masked
    executable: str  # ALEMBIC_MISSING: the interpreter that lacks it
    python: str


class Progress(TypedDict):
    message: str


# -- what every request carries -----------------------------------------------------------------


class ProjectParams(TypedDict, total=False):
    # The server sends every key; the agent reads each defensively (a config file or a script location
    # is enough to run Alembic).
    root: str
    configFile: Optional[str]
    scriptLocation: str
    kind: str  # "ini" or "pyproject"
    url: Optional[str]  # run against this database instead of sqlalchemy.url
    scratch: bool  # `url` is a scratch database alembic-ls made


class RequestParams(TypedDict, total=False):
    project: ProjectParams  # added to every request by the server's session


class Result(TypedDict, total=False):
    output: str  # what Alembic printed, when it printed anything


class RevisionInfo(TypedDict):
    """One revision script, as `heads`, `history`, `generate` and `merge` describe it."""

    revision: str
    downRevisions: List[str]
    message: Optional[str]
    path: str
    branchLabels: List[str]
    isHead: bool
    isMerge: bool
    isBranchPoint: bool


# -- current, heads, history: read only ----------------------------------------------------------

CurrentParams = RequestParams
HeadsParams = RequestParams
HistoryParams = RequestParams


class CurrentResult(Result):
    current: List[str]  # alembic_version's rows, sorted
    databaseMissing: bool  # no SQLite file: nothing applied, and nothing created by looking


class HeadsResult(Result):
    heads: List[RevisionInfo]


class HistoryResult(Result):
    revisions: List[RevisionInfo]  # walk_revisions order: heads first


# -- generate, merge: write a revision file ------------------------------------------------------


class _GenerateOptions(RequestParams, total=False):
    revId: str


class GenerateParams(_GenerateOptions):
    message: str


class GenerateResult(Result):
    noChanges: bool
    created: List[RevisionInfo]
    changes: List[str]  # one sentence per difference autogenerate found


class MergeParams(RequestParams):
    message: str


class MergeResult(Result):
    created: List[RevisionInfo]


# -- upgrade, downgrade: change the database -----------------------------------------------------


class MigrateParams(RequestParams, total=False):
    target: str  # default "head" (upgrade) or "-1" (downgrade)
    confirmed: bool  # a downgrade of a database that is not a scratch one is refused without it


UpgradeParams = MigrateParams
DowngradeParams = MigrateParams


class StepInfo(TypedDict):
    revision: Optional[str]
    message: Optional[str]
    path: Optional[str]


class MigrateResult(Result):
    target: str
    steps: List[StepInfo]  # in the order they ran


UpgradeResult = MigrateResult
DowngradeResult = MigrateResult


# -- showSql: offline SQL of one revision ---------------------------------------------------------


class ShowSqlParams(RequestParams):
    revision: str


_ShowSql = TypedDict("_ShowSql", {"revision": str, "from": List[str], "sql": str})


class ShowSqlResult(_ShowSql, Result):
    pass


# -- drift: the models compared with the database, nothing written --------------------------------

DriftParams = RequestParams


class _DiffText(TypedDict):
    op: str  # autogenerate's name: add_column, remove_index, modify_type, ...
    text: str  # the difference as a sentence


class Diff(_DiffText, total=False):
    table: Optional[str]
    schema: Optional[str]
    columns: List[str]
    column: Optional[str]
    type: str
    index: Optional[str]
    unique: bool
    constraint: Optional[str]
    old: Optional[str]  # modify_*: the database's value
    new: Optional[str]  # modify_*: the models' value


TableSource = TypedDict("TableSource", {"file": str, "line": Optional[int], "class": Optional[str]})


class _DriftCompared(Result):
    upToDate: bool  # False: the database is not at head, so nothing was compared
    current: List[str]
    heads: List[str]
    diffs: List[Diff]


class DriftResult(_DriftCompared, total=False):
    sources: Dict[str, TableSource]  # table name -> the model that defines it (when compared)
    databaseMissing: bool


# -- scratchCreate, scratchDrop: a throwaway database ---------------------------------------------


class ScratchCreateParams(RequestParams, total=False):
    serverUrl: Optional[str]  # where to create it; default the project's sqlalchemy.url


class ScratchCreateResult(Result):
    url: str  # with the password: the server passes it back to the agent
    display: str  # password masked
    name: str  # the database name, or the SQLite file
    backend: str


class ScratchDropParams(RequestParams):
    url: str
    name: str


class ScratchDropResult(Result):
    dropped: str


# -- trace: what each statement of one revision locked and rewrote (scratch PostgreSQL only) ------


class _TraceOptions(RequestParams, total=False):
    seed: bool  # a few rows per table first, so a rewrite has rows to rewrite (default true)


class TraceParams(_TraceOptions):
    revision: str


class TraceLock(TypedDict):
    relation: str
    mode: str
    existing: bool  # the table was there before the revision's first statement


class TraceRecord(TypedDict):
    line: int  # 1-based, in the revision file
    op: str
    sql: str
    locks: List[TraceLock]  # taken by this statement
    lockTimeout: str
    rewrite: bool
    rewritten: List[str]
    rewrittenExisting: List[str]
    ms: float


class TraceResult(Result):
    revision: str
    file: str
    records: List[TraceRecord]


# -- batch: several requests in one worker, in order ----------------------------------------------


class _BatchMethod(TypedDict):
    method: str


class BatchStep(_BatchMethod, total=False):
    params: Dict[str, Any]  # the step method's params; `project` defaults to the batch's


class _BatchOptions(RequestParams, total=False):
    stopOnError: bool  # default true


class BatchParams(_BatchOptions):
    steps: List[BatchStep]


class StepSucceeded(TypedDict):
    ok: Literal[True]
    result: Result  # the step method's own result


class StepFailed(TypedDict):
    ok: Literal[False]
    error: ErrorInfo


StepOutcome = Union[StepSucceeded, StepFailed]


class BatchResult(Result):
    results: List[StepOutcome]  # one per step run: fewer than the steps when one failed and stopped it


class BatchProgress(Progress):
    step: int  # 0-based
    outcome: StepOutcome

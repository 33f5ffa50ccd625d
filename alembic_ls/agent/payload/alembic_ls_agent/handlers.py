"""The requests the agent answers. Each takes a Job and returns its result as protocol.py shapes it
(or raises). Params arrive unchecked from the wire, so each handler reads them defensively."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import protocol, upgrade_target
from .config import RequestError
from .drift import structure
from .errors import NotConfirmed
from .job import Job


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _script_info(script: Any) -> protocol.RevisionInfo:
    return {
        "revision": script.revision,
        "downRevisions": list(_tuple(script.down_revision)),
        "message": script.doc,
        "path": script.path,
        "branchLabels": sorted(script.branch_labels or ()),
        "isHead": bool(script.is_head),
        "isMerge": bool(script.is_merge_point),
        "isBranchPoint": bool(script.is_branch_point),
    }


def _step_info(step: Any) -> protocol.StepInfo:
    script = getattr(step, "revision", None)
    if script is None or not hasattr(script, "revision"):
        return {"revision": None, "message": str(step), "path": None}
    return {"revision": script.revision, "message": script.doc, "path": script.path}


def _require(job: Job, key: str) -> str:
    value = job.params.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RequestError(f"`{key}` is required")
    return value.strip()


def current(job: Job) -> protocol.CurrentResult:
    heads = job.current_heads()
    return {"current": heads or [], "databaseMissing": heads is None}


def heads(job: Job) -> protocol.HeadsResult:
    script = job.script
    return {"heads": [_script_info(s) for s in script.get_revisions(script.get_heads())]}


def history(job: Job) -> protocol.HistoryResult:
    return {"revisions": [_script_info(s) for s in job.script.walk_revisions()]}


def generate(job: Job) -> protocol.GenerateResult:
    """`alembic revision --autogenerate -m MESSAGE`, except that no file is written when nothing changed."""
    from alembic import command

    message = _require(job, "message")
    found: dict[str, Any] = {"empty": False, "diffs": []}

    def drop_when_empty(_context: Any, _revision: Any, directives: list[Any]) -> None:
        if not directives:  # env.py's own hook already dropped it
            found["empty"] = True
            return
        diffs: list[Any] = []
        for ops in directives[0].upgrade_ops_list:
            diffs.extend(ops.as_diffs())
        found["diffs"] = [d["text"] for d in structure(diffs)]
        if not diffs and all(ops.is_empty() for ops in directives[0].upgrade_ops_list):
            found["empty"] = True
            directives[:] = []

    result = command.revision(
        job.config,
        message=message,
        autogenerate=True,
        rev_id=job.params.get("revId"),
        process_revision_directives=drop_when_empty,
    )
    scripts = [s for s in (result if isinstance(result, list) else [result]) if s is not None]
    return {
        "noChanges": found["empty"] or not scripts,
        "created": [_script_info(s) for s in scripts],
        "changes": found["diffs"],
    }


def _on_scratch(job: Job) -> bool:
    from .scratch import is_scratch

    url = job.project.get("url")
    return bool(job.project.get("scratch") and isinstance(url, str) and is_scratch(url))


def _require_confirmed(job: Job, what: str) -> None:
    """Defence in depth: whatever the server asks, a downgrade of a real database needs `confirmed`."""
    if job.params.get("confirmed") is not True and not _on_scratch(job):
        raise NotConfirmed(
            f"{what} changes the database and can drop columns and their data; it runs on a database "
            "other than a scratch one only with `confirmed: true`"
        )


def _migrate(job: Job, direction: str) -> protocol.MigrateResult:
    target = job.params.get("target") or ("head" if direction == "upgrade" else "-1")
    if direction == "downgrade":
        _require_confirmed(job, f"downgrade {target}")
    script = job.script
    steps: list[Any] = []

    def plan(rev: Any, _context: Any) -> Any:
        if direction == "upgrade":
            upgrade_target.check(script, str(target), _tuple(rev))
        revs = (
            script._upgrade_revs(target, rev)
            if direction == "upgrade"
            else script._downgrade_revs(target, rev)
        )
        steps.extend(revs)
        return revs

    job.run_env(plan, destination_rev=target)
    return {"target": target, "steps": [_step_info(s) for s in steps]}


def upgrade(job: Job) -> protocol.MigrateResult:
    return _migrate(job, "upgrade")


def downgrade(job: Job) -> protocol.MigrateResult:
    return _migrate(job, "downgrade")


def show_sql(job: Job) -> protocol.ShowSqlResult:
    """Offline SQL (`alembic upgrade <parents>:<rev> --sql`) for one revision."""
    revision = _require(job, "revision")
    script = job.script
    target = script.get_revision(revision)
    parents = _tuple(target.down_revision)

    def plan(rev: Any, _context: Any) -> Any:
        return script._upgrade_revs(target.revision, rev)

    job.run_env(plan, as_sql=True, starting_rev=list(parents) or None, destination_rev=target.revision)
    return {"revision": target.revision, "from": list(parents), "sql": job.output.getvalue()}


def merge(job: Job) -> protocol.MergeResult:
    from alembic import command

    message = _require(job, "message")
    script = command.merge(job.config, revisions="heads", message=message)
    return {"created": [_script_info(script)] if script is not None else []}


def batch(job: Job) -> protocol.BatchResult:
    """Several requests in one worker, in order; progress after each; stop at the first error if asked."""
    from .errors import describe

    results: list[protocol.StepOutcome] = []
    steps = job.params.get("steps") or []
    for number, step in enumerate(steps):
        handler = HANDLERS.get(step.get("method", ""))
        if handler is None or handler is batch:
            raise RequestError(f"unknown step method {step.get('method')!r}")
        params = dict(step.get("params") or {})
        params.setdefault("project", job.project)
        sub = Job(params, job.emit)
        try:
            outcome: protocol.StepOutcome = {"ok": True, "result": handler(sub)}
        except Exception as exc:
            outcome = {"ok": False, "error": describe(exc, sub.roots)}
        results.append(outcome)
        report: protocol.BatchProgress = {
            "message": f"step {number + 1} of {len(steps)} done",
            "step": number,
            "outcome": outcome,
        }
        job.emit(report)
        if not outcome["ok"] and job.params.get("stopOnError", True):
            break
    return {"results": results}


def _scratch_create(job: Job) -> protocol.ScratchCreateResult:
    from .scratch import create

    return create(job)


def _scratch_drop(job: Job) -> protocol.ScratchDropResult:
    from .scratch import drop

    return drop(job)


def _trace(job: Job) -> protocol.TraceResult:
    from .trace import trace

    return trace(job)


def _drift(job: Job) -> protocol.DriftResult:
    from .drift import drift

    return drift(job)


HANDLERS: dict[str, Callable[[Job], protocol.Result]] = {
    "current": current,
    "heads": heads,
    "history": history,
    "generate": generate,
    "upgrade": upgrade,
    "downgrade": downgrade,
    "showSql": show_sql,
    "merge": merge,
    "batch": batch,
    "drift": _drift,
    "scratchCreate": _scratch_create,
    "scratchDrop": _scratch_drop,
    "trace": _trace,
}

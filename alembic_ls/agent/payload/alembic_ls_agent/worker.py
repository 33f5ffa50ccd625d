"""Run one request to completion and report it through `emit` (used inside a forked worker)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from . import protocol
from .config import RequestError
from .errors import describe, mask_password
from .handlers import HANDLERS
from .job import Job


def execute(method: str, params: dict[str, Any], emit: Callable[[protocol.Message], None]) -> None:
    project = params.get("project") or {}
    roots = [r for r in (project.get("root"), project.get("scriptLocation"), os.getcwd()) if r]
    handler = HANDLERS.get(method)
    if handler is None:
        emit({"error": {"kind": protocol.BAD_REQUEST, "message": f"unknown method {method!r}"}})
        return
    job: Job | None = None
    try:
        job = Job(params, lambda progress: emit({"progress": progress}))
        with job.scratch_guard():  # installed first, so it sees the arguments env.py asked for
            result = handler(job)
        if job.stdout.getvalue():
            result.setdefault("output", job.stdout.getvalue())
        emit({"result": result})
    except RequestError as exc:
        emit({"error": {"kind": protocol.BAD_REQUEST, "message": str(exc)}})
    except BaseException as exc:  # SystemExit from env.py included: it is the user's code talking
        try:
            error = describe(exc, roots)
        except Exception as failure:  # never leave a request unanswered
            error = {"kind": protocol.INTERNAL, "message": f"{type(exc).__name__}: {exc} ({failure!r})"}
        if error["kind"] == protocol.DATABASE_UNREACHABLE and job is not None:
            error["url"] = _configured_url(job)
        emit({"error": error})


def _configured_url(job: Job) -> str | None:
    try:
        url = job.config.get_main_option("sqlalchemy.url")
    except Exception:  # interpolation errors in the ini: nothing better to show
        return None
    return mask_password(url) if url else None

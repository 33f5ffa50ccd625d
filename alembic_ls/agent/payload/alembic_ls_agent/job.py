"""One request's working set: its Alembic Config, script directory and the env.py runner."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import guard, protocol
from .config import make_config

if TYPE_CHECKING:  # evaluated by type checkers only: the agent also runs on Python 3.8
    Emit = Callable[[protocol.Progress], None]


class Job:
    def __init__(self, params: dict[str, Any], emit: Emit) -> None:
        self.params = params
        self.project: dict[str, Any] = params.get("project") or {}
        self.output = io.StringIO()  # offline SQL lands here
        self.stdout = io.StringIO()  # what `alembic` would print
        self.config = make_config(self.project, self.output, self.stdout)
        self.emit = emit
        self._script: Any = None

    @property
    def roots(self) -> list[str]:
        roots = [self.project.get("root"), self.project.get("scriptLocation"), os.getcwd()]
        return [r for r in roots if r]

    @property
    def script(self) -> Any:
        if self._script is None:
            from alembic.script import ScriptDirectory

            self._script = ScriptDirectory.from_config(self.config)
        return self._script

    def run_env(self, fn: Callable[[Any, Any], Any], **options: Any) -> None:
        """Run env.py the way `alembic` commands do, with `fn` deciding which steps run."""
        from alembic.runtime.environment import EnvironmentContext

        with EnvironmentContext(self.config, self.script, fn=fn, **options):
            self.script.run_env()

    def scratch_guard(self) -> contextlib.AbstractContextManager[None]:
        """For scratch runs: no connection may go anywhere but the scratch database (see guard.py)."""
        url = self.project.get("url")
        if url and self.project.get("scratch"):
            return guard.only_database(url)
        return contextlib.nullcontext()

    def current_heads(self) -> list[str] | None:
        """Revisions in alembic_version, read without writing; None when the SQLite file does not exist."""
        heads: list[str] = []

        def read(_rev: Any, context: Any) -> list[Any]:
            heads.extend(context.get_current_heads())
            return []

        try:
            with guard.passive():
                self.run_env(read, dont_mutate=True)
        except Exception as exc:
            if find_cause(exc, guard.DatabaseFileMissing) is not None:
                return None
            raise
        return sorted(heads)


def find_cause(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None

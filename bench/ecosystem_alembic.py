"""Alembic's own view of one project's revision graph, for `ecosystem.py` (run as a subprocess).

    python bench/ecosystem_alembic.py SCRIPT_LOCATION VERSION_LOCATION [VERSION_LOCATION ...] [--recursive]

Prints JSON: {"revisions": {id: {"parents": [...], "depends_on": [...], "labels": n}}, "heads": [...],
"bases": [...], "failed": {path: error}, "partly": {path: error}}. Alembic's `ScriptDirectory` executes
every revision file; real projects import their own application from them (`from indico.core.db import
...`), which is not installed here. While the files load, an import that fails is answered by a stand-in
module whose every attribute is a stand-in value, so every file executes as far as its module level
needs. A file that still raises is retried with every undefined name a stand-in, then with only its
imports and identifier assignments executed ("partly"); one whose identifiers cannot execute is listed
under "failed", not guessed at. Run in its own process so the stand-ins never leak into the caller.
"""

from __future__ import annotations

import ast
import builtins
import json
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class StandIn:
    """A value that accepts whatever module-level code does with it."""

    def __init__(self, name: str = "stand-in") -> None:
        self._name = name

    def __getattr__(self, name: str) -> StandIn:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return StandIn(f"{self._name}.{name}")

    def __call__(self, *args: Any, **kwargs: Any) -> StandIn:
        return StandIn(f"{self._name}()")

    def __getitem__(self, key: Any) -> StandIn:
        return StandIn(f"{self._name}[]")

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __mro_entries__(self, bases: tuple[Any, ...]) -> tuple[type, ...]:
        return (object,)  # `class X(StandIn):` at module level

    def __fspath__(self) -> str:
        return self._name  # `os.path.join(config.ROOT, ...)`

    def __str__(self) -> str:
        return self._name

    __repr__ = __str__


class StandInModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return StandIn(f"{self.__name__}.{name}")


def _lenient_copy(module: types.ModuleType) -> types.ModuleType:
    """The real module, answering names it lacks with stand-ins (`from x import missing`)."""
    copy = StandInModule(module.__name__)
    copy.__dict__.update(module.__dict__)
    return copy


class LenientBuiltins(dict[str, Any]):
    """Builtins in which a name nothing defines is a stand-in (`from stand_in import *`)."""

    def __missing__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise KeyError(name)
        return StandIn(name)


IDENTIFIERS = ("revision", "down_revision", "branch_labels", "depends_on")


def execute_leniently(path: str, identifiers_only: bool) -> types.ModuleType:
    """Execute a revision file whose module level needs more than stand-in imports give.

    Every name nothing defines is a stand-in. With `identifiers_only`, only the imports and the four
    identifier assignments run, one statement at a time (for a file whose module level does real work,
    such as configuring logging from the application's settings)."""
    with open(path, "rb") as handle:
        tree = ast.parse(handle.read(), path)
    namespace: dict[str, Any] = {
        "__builtins__": LenientBuiltins(vars(builtins)),
        "__name__": "ecosystem_revision",
        "__file__": path,
    }
    if not identifiers_only:
        exec(compile(tree, path, "exec"), namespace)
    else:
        for statement in tree.body:
            wanted = isinstance(statement, (ast.Import, ast.ImportFrom)) or any(
                isinstance(target, ast.Name) and target.id in IDENTIFIERS
                for target in (
                    statement.targets
                    if isinstance(statement, ast.Assign)
                    else [statement.target]
                    if isinstance(statement, ast.AnnAssign)
                    else []
                )
            )
            if not wanted:
                continue
            try:
                exec(compile(ast.Module([statement], []), path, "exec"), namespace)
            except Exception:
                if not isinstance(statement, (ast.Import, ast.ImportFrom)):
                    raise
    module = types.ModuleType("ecosystem_revision")
    module.__dict__.update(namespace)
    return module


@contextmanager
def stand_in_imports() -> Iterator[None]:
    real_import = builtins.__import__

    def lenient_import(
        name: str,
        globals: dict[str, Any] | None = None,
        locals: dict[str, Any] | None = None,
        fromlist: tuple[str, ...] | list[str] | None = (),
        level: int = 0,
    ) -> types.ModuleType:
        try:
            module = real_import(name, globals, locals, fromlist, level)
        except Exception:
            return StandInModule(name or "relative")
        if fromlist and any(not hasattr(module, attr) for attr in fromlist if attr != "*"):
            for attr in fromlist:
                if attr != "*" and not hasattr(module, attr):
                    try:
                        real_import(f"{module.__name__}.{attr}")
                    except Exception:
                        return _lenient_copy(module)
        return module

    builtins.__import__ = lenient_import
    try:
        yield
    finally:
        builtins.__import__ = real_import


def load(script_location: str, version_locations: list[str], recursive: bool) -> dict[str, Any]:
    from alembic import util
    from alembic.script import ScriptDirectory
    from alembic.script.base import Script

    failed: dict[str, str] = {}
    partly: dict[str, str] = {}  # only the identifier assignments executed
    real_from_path = Script._from_path.__func__  # type: ignore[attr-defined]

    def tolerant_from_path(cls: type, scriptdir: Any, path: str) -> Any:
        try:
            return real_from_path(cls, scriptdir, path)
        except Exception as first:
            for identifiers_only in (False, True):
                try:
                    module = execute_leniently(str(path), identifiers_only)
                    if identifiers_only:
                        partly[str(path)] = f"{type(first).__name__}: {first}"
                    return Script(module, module.revision, Path(path))
                except Exception:
                    continue
            failed[str(path)] = f"{type(first).__name__}: {first}"  # not even its identifiers execute
            return None

    Script._from_path = classmethod(tolerant_from_path)  # type: ignore[method-assign,assignment]
    script = ScriptDirectory(
        script_location,
        version_locations=version_locations,
        recursive_version_locations=recursive,
    )
    with stand_in_imports():
        try:
            revisions = list(script.revision_map._revision_map.values())
            heads = list(script.revision_map.heads)
            bases = list(script.revision_map.bases)
        except Exception as exc:
            return {"error": f"{type(exc).__name__}: {exc}", "failed": failed, "partly": partly}
    graph: dict[str, Any] = {}
    for rev in revisions:
        if rev is None:
            continue
        graph[rev.revision] = {
            "parents": sorted(util.to_tuple(rev.down_revision, default=())),
            "depends_on": sorted(util.to_tuple(rev.dependencies, default=())),
            "labels": len(rev.branch_labels),
        }
    return {
        "revisions": graph,
        "heads": sorted(heads),
        "bases": sorted(bases),
        "failed": failed,
        "partly": partly,
    }


def main(argv: list[str]) -> int:
    recursive = "--recursive" in argv
    paths = [a for a in argv if a != "--recursive"]
    sys.setrecursionlimit(10_000)
    print(json.dumps(load(paths[0], paths[1:], recursive)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

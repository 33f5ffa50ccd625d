"""What a project's env.py sets in code, read statically: version locations, and whether it sets the URL.

Projects that keep revisions outside `<script_location>/versions` often say so in env.py instead of
alembic.ini::

    context.script.version_locations = [os.path.join(DIR_PATH, "postgres_versions")]
    config.set_main_option("version_locations", f"{here}/versions/core")

Each such statement whose value can be computed without running anything (string literals,
module-level names bound once to such values, `__file__`, `os.path.join/dirname/abspath/realpath`,
`pathlib.Path(...)`, `.parent`, `/`, `str()`, f-strings of those) is an `EnvAssignment`; a
statement whose value cannot be computed makes the whole reading unknown rather than guessed.
Several statements with different values (in `if db_type == ...` branches) are alternatives:
one history each, chosen at run time.
"""

from __future__ import annotations

import ast
import itertools
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LOCATIONS = "version_locations"


@dataclass(frozen=True)
class EnvAssignment:
    line: int  # 1-based, in env.py
    locations: tuple[Path, ...]


class _Unknown(Exception):
    """The value needs the program to run."""


Value = str | Path | list["Value"]


def _is_path_method(node: ast.expr, names: tuple[str, ...]) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in names
        and not node.args
        and not node.keywords
    )


class _Evaluator:
    """Every value an expression can have, over the module-level bindings of the names it uses.

    A name bound in several branches (`if db_type == "postgres": version_path = ...`) has several
    values; an expression using it has one value per combination."""

    def __init__(self, env_file: Path, base: Path) -> None:
        self.env_file = env_file
        self.base = base  # relative locations are relative to the working directory: the config's folder
        self.bindings: dict[str, list[ast.expr]] = {}

    def bind_module_names(self, statements: list[ast.stmt]) -> None:
        """Assignments at module level, including inside `if`/`try`/`with` (not inside functions)."""
        for statement in statements:
            if isinstance(statement, ast.Assign):
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        self.bindings.setdefault(target.id, []).append(statement.value)
            elif isinstance(statement, ast.If | ast.Try | ast.With):
                for block in ("body", "orelse", "finalbody"):
                    self.bind_module_names(getattr(statement, block, []))
                for handler in getattr(statement, "handlers", []):
                    self.bind_module_names(handler.body)

    def values(self, node: ast.expr, depth: int = 0) -> list[Value]:
        if depth > 20:
            raise _Unknown
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.Name):
            if node.id == "__file__":
                return [str(self.env_file)]
            if node.id not in self.bindings:
                raise _Unknown
            return [v for bound in self.bindings[node.id] for v in self.values(bound, depth + 1)]
        if isinstance(node, ast.List | ast.Tuple):
            return [list(combo) for combo in self._combinations(node.elts, depth)]
        if isinstance(node, ast.JoinedStr):
            parts = [p.value if isinstance(p, ast.FormattedValue) else p for p in node.values]
            return ["".join(str(x) for x in combo) for combo in self._combinations(parts, depth)]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return [Path(a) / str(b) for a, b in self._combinations([node.left, node.right], depth)]
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            return [Path(a).parent for (a,) in self._combinations([node.value], depth)]
        if _is_path_method(node, ("resolve", "absolute")):  # Path(...).resolve()
            assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            return [self.base / Path(a) for (a,) in self._combinations([node.func.value], depth)]
        if isinstance(node, ast.Call) and not node.keywords:
            return [self._call(node, combo) for combo in self._combinations(node.args, depth)]
        raise _Unknown

    def _combinations(self, nodes: list[ast.expr], depth: int) -> list[tuple[str | Path, ...]]:
        options = [self.values(node, depth + 1) for node in nodes]
        combos: list[tuple[str | Path, ...]] = []
        for combo in itertools.product(*options):
            if any(isinstance(item, list) for item in combo):
                raise _Unknown
            combos.append(tuple(item for item in combo if not isinstance(item, list)))
        if len(combos) > 64:
            raise _Unknown  # too many branches to be a layout anyone would want guessed
        return combos

    def _call(self, node: ast.Call, args: tuple[str | Path, ...]) -> Value:
        name = ast.unparse(node.func)
        if name in ("os.path.join", "path.join") and args:
            return os.path.join(*(str(a) for a in args))
        if name in ("os.path.dirname", "path.dirname") and len(args) == 1:
            return os.path.dirname(str(args[0]))
        if (
            name in ("os.path.abspath", "os.path.realpath", "path.abspath", "path.realpath")
            and len(args) == 1
        ):
            return str(self.base / str(args[0]))
        if name in ("Path", "pathlib.Path") and args:
            return Path(*(str(a) for a in args))
        if name == "str" and len(args) == 1:
            return str(args[0])
        raise _Unknown


def _split(raw: str) -> list[str]:
    return [part for part in raw.replace(",", " ").split() if part]


def _locations(value: Value, base: Path) -> tuple[Path, ...]:
    items = value if isinstance(value, list) else _split(value) if isinstance(value, str) else [value]
    found: list[Path] = []
    for item in items:
        if isinstance(item, list):
            raise _Unknown
        path = Path(item)
        found.append((path if path.is_absolute() else base / path).resolve())
    return tuple(dict.fromkeys(found))


def _is_locations_target(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == LOCATIONS


def env_tree(env_file: Path) -> ast.Module | None:
    """env.py parsed, once per version of the file: discovery reads it for its locations and its URL."""
    try:
        stat = os.stat(env_file)
    except OSError:
        return None
    return _parse(str(env_file), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _parse(path: str, _mtime_ns: int, _size: int) -> ast.Module | None:
    try:
        with open(path, "rb") as handle:
            return ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError):
        return None


def read_env_locations(env_file: Path, base: Path) -> list[EnvAssignment] | None:
    """Every statement in env.py that sets the version locations, with its computed value.

    [] when env.py sets none; None when it sets them in a way that needs running the program
    (or env.py cannot be read)."""
    tree = env_tree(env_file)
    if tree is None:
        return None
    evaluator = _Evaluator(env_file.resolve(), base)
    evaluator.bind_module_names(tree.body)
    found: list[EnvAssignment] = []
    try:
        for node in ast.walk(tree):
            value: ast.expr | None = None
            if isinstance(node, ast.Assign) and any(_is_locations_target(t) for t in node.targets):
                value = node.value
            elif isinstance(node, ast.AugAssign) and _is_locations_target(node.target):
                raise _Unknown  # `version_locations += [...]`: depends on what was there
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                method, receiver = node.func.attr, node.func.value
                if method == "set_main_option" and len(node.args) == 2:
                    key = node.args[0]
                    if isinstance(key, ast.Constant) and key.value == LOCATIONS:
                        value = node.args[1]
                elif method in ("append", "extend", "insert") and _is_locations_target(receiver):
                    raise _Unknown
            if value is not None:
                for possible in evaluator.values(value):
                    line = node.lineno if isinstance(node, ast.stmt | ast.expr) else 1
                    found.append(EnvAssignment(line, _locations(possible, base)))
    except _Unknown:
        return None
    found.sort(key=lambda assignment: assignment.line)
    return found


def url_override_line(env_file: Path) -> int | None:
    """The line where env.py sets the database URL itself (`config.set_main_option("sqlalchemy.url",
    ...)`, or an engine made with `create_engine(...)` rather than from the configuration): the URL in
    alembic.ini is then a placeholder ("sqlite:///will/be/overridden"), no evidence of the database."""
    tree = env_tree(env_file)
    if tree is None:
        return None
    from_config = False
    created: int | None = None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if name == "set_main_option" and node.args:
            key = node.args[0]
            if isinstance(key, ast.Constant) and key.value == "sqlalchemy.url":
                return node.lineno
        elif name in ("engine_from_config", "async_engine_from_config"):
            from_config = True
        elif name in ("create_engine", "create_async_engine") and created is None:
            created = node.lineno
    return created if created is not None and not from_config else None


def runs_outside_transactions(env_file: Path) -> bool:
    """env.py runs migrations outside a transaction block: `context.configure(...,
    transactional_ddl=False)` or a connection opened with `isolation_level="AUTOCOMMIT"`. Alembic
    otherwise wraps each PostgreSQL migration in one, where CREATE INDEX CONCURRENTLY is refused."""
    tree = env_tree(env_file)
    if tree is None:
        return False
    for node in ast.walk(tree):
        if not isinstance(node, ast.keyword):
            continue
        value = node.value
        if node.arg == "transactional_ddl" and isinstance(value, ast.Constant) and value.value is False:
            return True
        if (
            node.arg == "isolation_level"
            and isinstance(value, ast.Constant)
            and isinstance(value.value, str)
            and value.value.upper() == "AUTOCOMMIT"
        ):
            return True
    return False


def sets_lock_timeout(env_file: Path) -> bool:
    """env.py names `lock_timeout` in a string it builds: `SET lock_timeout ...` executed on the
    connection, or `-c lock_timeout=...` in the connection's options."""
    tree = env_tree(env_file)
    return tree is not None and names_lock_timeout(tree)


def names_lock_timeout(tree: ast.AST) -> bool:
    """A string in the tree names `lock_timeout` (AM412, and its env.py fix before it edits)."""
    return any(
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and "lock_timeout" in node.value.lower()
        for node in ast.walk(tree)
    )

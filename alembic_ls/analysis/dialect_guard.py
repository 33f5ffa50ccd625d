"""Branches on the database a migration runs against, read from an `if` test.

Real revisions that serve several databases branch on the dialect::

    if op.get_bind().dialect.name == "mysql":          # CTFd
    if str(bind.engine.url).startswith("mysql"):       # CTFd
    if op.get_context().dialect.name != "sqlite":      # quay
    if bind.engine.name == "mysql":                    # quay

An op under such a branch runs only on (or never on) those databases, so a PostgreSQL lock rule has
nothing to say about an op that PostgreSQL never runs. A test this module cannot read is no guard:
the op is judged as if unconditional.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

_ALIASES = {"postgres": "postgresql", "pg": "postgresql", "psycopg": "postgresql", "psycopg2": "postgresql"}
_KNOWN = frozenset({"postgresql", "sqlite", "mysql", "mariadb", "mssql", "oracle"})


@dataclass(frozen=True, slots=True)
class DialectGuard:
    dialects: frozenset[str]
    inside: bool  # True: runs only on these databases; False: runs on every database but these

    def negated(self) -> DialectGuard:
        return DialectGuard(self.dialects, not self.inside)

    def allows(self, dialect: str) -> bool:
        return (dialect in self.dialects) is self.inside


def runs_on(guards: tuple[DialectGuard, ...], dialect: str) -> bool:
    """Can an op under these (nested) guards run on `dialect`?"""
    return all(guard.allows(dialect) for guard in guards)


def _dialect(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    name = value.lower().split("+", 1)[0].split(":", 1)[0].strip()
    name = _ALIASES.get(name, name)
    return name if name in _KNOWN else None


def _names(node: ast.expr) -> frozenset[str] | None:
    """The dialect names a constant, or a tuple/list/set of constants, spells."""
    elements = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
    found = set()
    for element in elements:
        name = _dialect(element.value) if isinstance(element, ast.Constant) else None
        if name is None:
            return None
        found.add(name)
    return frozenset(found)


def _about_the_database(node: ast.expr) -> bool:
    """`bind.dialect.name`, `dialect`, `str(bind.engine.url)`, `url`, `op.get_context().dialect.name`..."""
    text = ast.unparse(node).lower()
    # `bind.engine.name` is the dialect's name too (Engine.name), as quay writes it.
    return "dialect" in text or "url" in text or "driver" in text or text.endswith("engine.name")


def guard_helpers(module: ast.Module) -> dict[str, DialectGuard]:
    """Module-level functions that only test the database, by name: mealie's

        def is_postgres():
            return op.get_context().dialect.name == "postgresql"

    so that `if is_postgres():` guards its body as the comparison would."""
    found: dict[str, DialectGuard] = {}
    for node in module.body:
        if not isinstance(node, ast.FunctionDef) or node.args.args or node.args.posonlyargs:
            continue
        body = node.body[1:] if ast.get_docstring(node) is not None else node.body
        if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
            guard = guard_of(body[0].value)
            if guard is not None:
                found[node.name] = guard
    return found


def guard_of(test: ast.expr, helpers: dict[str, DialectGuard] | None = None) -> DialectGuard | None:
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = guard_of(test.operand, helpers)
        return inner.negated() if inner is not None else None
    if helpers and isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and not test.args:
        return helpers.get(test.func.id)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, right, operator = test.left, test.comparators[0], test.ops[0]
        subject, names = (left, _names(right)) if _about_the_database(left) else (right, _names(left))
        if names is None or not _about_the_database(subject):
            return None
        if isinstance(operator, ast.Eq | ast.In):
            return DialectGuard(names, True)
        if isinstance(operator, ast.NotEq | ast.NotIn):
            return DialectGuard(names, False)
        return None
    if (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Attribute)
        and test.func.attr == "startswith"
        and len(test.args) == 1
        and not test.keywords
        and _about_the_database(test.func.value)
    ):
        names = _names(test.args[0])
        return DialectGuard(names, True) if names is not None else None
    return None

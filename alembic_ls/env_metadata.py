"""Does env.py give autogenerate a MetaData to compare with the database? Read statically.

`alembic revision --autogenerate` compares the models' MetaData with the database. An env.py that
passes none (`target_metadata = None`, as `alembic init` writes it before anyone fills it in) makes
Alembic refuse: "Can't proceed with --autogenerate option; environment script env.py does not
provide a MetaData object or sequence of objects to the context." Every revision of such a project
is written by hand, because there is no other way.
"""

from __future__ import annotations

import ast
from pathlib import Path

from alembic_ls.env_locations import env_tree


def offers_no_metadata(env_file: Path) -> bool:
    """True only when env.py surely passes no MetaData: it calls `configure(...)`, and every such
    call passes `target_metadata` as None, as a name only ever bound to None, or not at all (Alembic's
    default is None), and none passes `**options`. Anything else, an unreadable env.py included, is
    False: the project is then held to the rule book."""
    tree = env_tree(env_file)
    if tree is None:
        return False
    configures = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and _is_configure(node)]
    if not configures:
        return False
    none_names = _names_only_bound_to_none(tree)
    for call in configures:
        for keyword in call.keywords:
            if keyword.arg is None:
                return False  # `configure(**options)`: what it holds is known when it runs
            if keyword.arg == "target_metadata" and not _is_none(keyword.value, none_names):
                return False
    return True


def _is_configure(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr == "configure") or (
        isinstance(func, ast.Name) and func.id == "configure"
    )


def _is_none(node: ast.expr, none_names: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is None
    return isinstance(node, ast.Name) and node.id in none_names


def _names_only_bound_to_none(tree: ast.Module) -> set[str]:
    """Names every binding of which, anywhere in the module, is `name = None`."""
    to_none: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _is_none(node.value, set()):
            to_none.update(id(target) for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and node.value is not None and _is_none(node.value, set()):
            to_none.add(id(node.target))
    only_none: set[str] = set()
    elsewhere: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            (only_none if id(node) in to_none else elsewhere).add(node.id)
        elif isinstance(node, ast.alias):  # an import binds it
            elsewhere.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg):
            elsewhere.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            elsewhere.add(node.name)
    return only_none - elsewhere
